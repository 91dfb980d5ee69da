using Bff.Idp;
using Bff.Sessions;
using Bff.Tests.Support;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Bff.Tests.Sessions;

/// <summary>What is protected for one session id reads back under that id only.</summary>
public sealed class SessionProtectorTests : IDisposable
{
    private readonly TestDataProtection _keyRing = TestDataProtection.InMemory();
    private readonly SessionProtector _protector;

    public SessionProtectorTests() => _protector = _keyRing.SessionProtector();

    public void Dispose() => _keyRing.Dispose();

    private static readonly SessionMetadata Metadata =
        new("alice", "idp-1", [new SessionClaim("sub", "alice")], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), null, null);

    private static readonly TokenSet Tokens = new("at", "rt", DateTimeOffset.UnixEpoch.AddMinutes(5));

    [Fact]
    public async Task Metadata_ReadsBackUnderItsOwnId_NotUnderAnother()
    {
        var data = _protector.Protect("session-a", Metadata);

        Assert.Equal("alice", (await _protector.UnprotectMetadataAsync("session-a", data, default)).Subject);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => _protector.UnprotectMetadataAsync("session-b", data, default).AsTask());
    }

    [Fact]
    public async Task Tokens_ReadBackUnderTheirOwnId_NotUnderAnother()
    {
        var data = _protector.Protect("session-a", Tokens);

        Assert.Equal("rt", (await _protector.UnprotectTokensAsync("session-a", data, default)).RefreshToken);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => _protector.UnprotectTokensAsync("session-b", data, default).AsTask());
    }

    // A grace entry that cannot be decrypted is as good as none: the refresh asks the IdP instead of failing.
    [Fact]
    public async Task GraceTokens_ReadBackUnderTheirOwnId_NullUnderAnotherOrWhenGarbled()
    {
        var data = _protector.Protect("session-a", Tokens);

        Assert.Equal("rt", (await _protector.TryUnprotectGraceTokensAsync("session-a", data, default))!.RefreshToken);
        Assert.Null(await _protector.TryUnprotectGraceTokensAsync("session-b", data, default));
        Assert.Null(await _protector.TryUnprotectGraceTokensAsync("session-a", [1, 2, 3], default));
    }

    [Fact]
    public async Task Metadata_AndTokens_NotInterchangeable()
    {
        var tokens = _protector.Protect("session-a", Tokens);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => _protector.UnprotectMetadataAsync("session-a", tokens, default).AsTask());
    }

    [Fact]
    public async Task Metadata_WithTheSessionsIdleTimeout_ReadsBack()
    {
        var data = _protector.Protect("session-a", Metadata with { IdleTimeout = TimeSpan.FromMinutes(5) });

        Assert.Equal(TimeSpan.FromMinutes(5), (await _protector.UnprotectMetadataAsync("session-a", data, default)).IdleTimeout);
    }

    [Fact]
    public async Task Metadata_StoredWithoutAnIdleTimeout_ReadWithNone()
    {
        // What an instance of the release before wrote (rolling deploy): no "idleTimeout" member at all.
        var json = """{"subject":"alice","idpSessionId":"idp-1","claims":[],"createdAt":"1970-01-01T00:00:00+00:00","absoluteExpiresAt":"1970-01-02T00:00:00+00:00","userAgent":null,"ipAddress":null}""";
        var data = _keyRing.Provider.CreateProtector("Bff.Session.Metadata.v2").CreateProtector("session-a").Protect(System.Text.Encoding.UTF8.GetBytes(json));

        var read = await _protector.UnprotectMetadataAsync("session-a", data, default);

        Assert.Equal("alice", read.Subject);
        Assert.Null(read.IdleTimeout);
        Assert.Null(SessionProtector.Compose("session-a", read, Tokens, DateTimeOffset.UnixEpoch, 1).IdleTimeout);
    }

    [Fact]
    public async Task Tokens_WithApiTokens_ReadBack()
    {
        var tokens = Tokens with { Resources = [new ResourceToken("https://a.example", "read", "at-a", DateTimeOffset.UnixEpoch.AddMinutes(5))] };

        var read = await _protector.UnprotectTokensAsync("session-a", _protector.Protect("session-a", tokens), default);

        Assert.Equal("at-a", read.Find("https://a.example", "read")!.AccessToken);
    }

    [Fact]
    public async Task Tokens_StoredWithAnIdTokenByAnEarlierRelease_Read_AndWrittenAgainWithout()
    {
        var json = """{"accessToken":"at","refreshToken":"rt","idToken":"idt","accessTokenExpiresAt":"1970-01-01T00:05:00+00:00"}""";
        var raw = _keyRing.Provider.CreateProtector("Bff.Session.Tokens.v2").CreateProtector("session-a");

        var read = await _protector.UnprotectTokensAsync("session-a", raw.Protect(System.Text.Encoding.UTF8.GetBytes(json)), default);
        var written = System.Text.Encoding.UTF8.GetString(raw.Unprotect(_protector.Protect("session-a", read with { AccessToken = "at-2" })));

        Assert.Equal(("at", "rt"), (read.AccessToken, read.RefreshToken));
        Assert.Contains("\"accessToken\":\"at-2\"", written, StringComparison.Ordinal);
        Assert.DoesNotContain("idt", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_StoredBeforeApiTokens_ReadWithNone()
    {
        // What an instance without API tokens wrote (rolling deploy): no "resources" member at all.
        var json = """{"accessToken":"at","refreshToken":"rt","idToken":"idt","accessTokenExpiresAt":"1970-01-01T00:05:00+00:00"}""";
        var data = _keyRing.Provider.CreateProtector("Bff.Session.Tokens.v2").CreateProtector("session-a").Protect(System.Text.Encoding.UTF8.GetBytes(json));

        var read = await _protector.UnprotectTokensAsync("session-a", data, default);

        Assert.Equal("rt", read.RefreshToken);
        Assert.Null(read.Resources);
        Assert.Null(read.Find("https://a.example", null));
    }
}
