using Bff.Sessions;

namespace Bff.Tests.Sessions;

public sealed class SessionInvalidationMessageTests
{
    [Theory]
    [InlineData("s:abc", nameof(SessionInvalidationKind.SessionChanged), "abc", 0)]
    [InlineData("s:a:b", nameof(SessionInvalidationKind.SessionChanged), "a:b", 0)]
    [InlineData("s:", nameof(SessionInvalidationKind.SessionChanged), "", 0)]
    [InlineData("r:abc", nameof(SessionInvalidationKind.LockReleased), "abc", 0)]
    [InlineData("r:", nameof(SessionInvalidationKind.LockReleased), "", 0)]
    [InlineData("v:7:abc", nameof(SessionInvalidationKind.TokensWritten), "abc", 7)]
    [InlineData("v:0:abc", nameof(SessionInvalidationKind.TokensWritten), "abc", 0)]
    [InlineData("v:9223372036854775807:abc", nameof(SessionInvalidationKind.TokensWritten), "abc", long.MaxValue)]
    [InlineData("v:12:a:b", nameof(SessionInvalidationKind.TokensWritten), "a:b", 12)] // the version ends at the first colon
    [InlineData("v:7:", nameof(SessionInvalidationKind.TokensWritten), "", 7)]
    [InlineData("p:0123abcd:42", nameof(SessionInvalidationKind.Ping), "0123abcd", 42)]
    public void TryParse_EachForm_ItsKindIdAndNumber(string text, string kind, string id, long number)
    {
        Assert.True(SessionInvalidationMessage.TryParse(text, out var message));
        Assert.Equal(new SessionInvalidationMessage(Enum.Parse<SessionInvalidationKind>(kind), id, number), message);
    }

    // Ignored by the listener: nothing evicted, nobody notified.
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("x:abc")]
    [InlineData("S:abc")] // prefixes are case-sensitive
    [InlineData(":abc")]
    [InlineData("s")]
    [InlineData("v:")]
    [InlineData("v:7")] // no id
    [InlineData("v::abc")] // no version
    [InlineData("v:x:abc")]
    [InlineData("v:-1:abc")]
    [InlineData("v:+1:abc")]
    [InlineData("v: 1:abc")]
    [InlineData("v:1.5:abc")]
    [InlineData("v:9223372036854775808:abc")] // beyond a long
    [InlineData("p:")]
    [InlineData("p:0123abcd")]
    [InlineData("p:0123abcd:")]
    [InlineData("p:0123abcd:x")]
    [InlineData("p::42")]
    public void TryParse_Malformed_NotAMessage(string? text)
    {
        Assert.False(SessionInvalidationMessage.TryParse(text, out var message));
        Assert.Equal(default, message);
    }

    [Fact]
    public void Ping_ParsesBackAsThePingOfItsInstance()
    {
        var instance = Guid.NewGuid().ToString("N");

        Assert.True(SessionInvalidationMessage.TryParse(SessionInvalidationMessage.Ping(instance, 1234567), out var message));

        Assert.Equal(new SessionInvalidationMessage(SessionInvalidationKind.Ping, instance, 1234567), message);
    }
}
