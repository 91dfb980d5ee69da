using Bff.Antiforgery;

namespace Bff.Tests.Antiforgery;

public sealed class ValidatedTokenMemoTests
{
    private readonly ValidatedTokenMemo _memo = new();

    [Fact]
    public void Matches_TheRememberedPairOfTheSameSession()
    {
        var session = TestSessions.New();
        _memo.Remember(session, "cookie-token", "request-token");

        Assert.True(_memo.Matches(session, "cookie-token", "request-token"));
    }

    [Fact]
    public void DoesNotMatch_AnotherCookieToken_AnotherRequestToken_OrNoCookie()
    {
        var session = TestSessions.New();
        _memo.Remember(session, "cookie-token", "request-token");

        Assert.False(_memo.Matches(session, "cookie-tokeN", "request-token"));
        Assert.False(_memo.Matches(session, "cookie-token", "request-tokeN"));
        Assert.False(_memo.Matches(session, "cookie-token", "request-token-longer"));
        Assert.False(_memo.Matches(session, null, "request-token"));
    }

    [Fact]
    public void DoesNotMatch_AnEqualSessionObjectLoadedAgain()
    {
        // A session read again from the store is equal by value but a new object: its tokens are validated again.
        var session = TestSessions.New();
        _memo.Remember(session, "cookie-token", "request-token");

        Assert.False(_memo.Matches(session with { }, "cookie-token", "request-token"));
    }

    [Fact]
    public void RemembersNothing_WithoutACookieToken()
    {
        var session = TestSessions.New();
        _memo.Remember(session, null, "request-token");

        Assert.False(_memo.Matches(session, "", "request-token"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    public void FixedTimeEquals_FindsADifferenceAtAnyPosition_InWordsAndInTheTail(int position)
    {
        // 18 characters: four whole words of eight bytes, then a tail of two characters.
        var expected = "abcdefghijklmnopqr";
        var actual = expected.ToCharArray();
        actual[position] = 'X';

        Assert.True(ValidatedTokenMemo.FixedTimeEquals(expected, expected.ToCharArray()));
        Assert.False(ValidatedTokenMemo.FixedTimeEquals(expected, actual));
        Assert.False(ValidatedTokenMemo.FixedTimeEquals(expected, expected.AsSpan()[..^1]));
        // A change in the high byte of a character only.
        actual[position] = (char)(expected[position] | 0x100);
        Assert.False(ValidatedTokenMemo.FixedTimeEquals(expected, actual));
    }
}
