using Bff.Configuration;
using Bff.Idp;
using Bff.Telemetry;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Idp;

/// <summary>
/// Token responses as IdPs really write them: a refresh token that is not rotated (sent again, null, empty or
/// left out), and an <c>expires_in</c> that is missing, a string, or nonsense.
/// </summary>
public sealed class IdpTokenClientTests : IClassFixture<IdpTokenClientTests.Provider>, IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeOidcProvider _idp;
    private readonly ServiceProvider _services;
    private readonly IdpTokenClient _client;

    public IdpTokenClientTests(Provider provider)
    {
        // One provider for the class: each case sets the token endpoint's answer before it asks.
        _idp = provider.Idp;
        var options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new BffMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _client = TestIdpTokenClient.Create(_idp, options, metrics, _time);
    }

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("left_out")]
    [InlineData("null")]
    [InlineData("empty")]
    [InlineData("same")]
    public async Task Refresh_RefreshTokenNotRotated_TheOldOneIsKept(string variant)
    {
        _idp.RespondTokens("at-2", "rt-1", change: body =>
        {
            switch (variant)
            {
                case "left_out":
                    body.Remove("refresh_token");
                    break;
                case "null":
                    body["refresh_token"] = null;
                    break;
                case "empty":
                    body["refresh_token"] = "";
                    break;
            }
        });

        var result = await _client.RefreshAsync(Current(), default);

        Assert.Equal(IdpTokenOutcome.Success, result.Outcome);
        Assert.Equal("at-2", result.Tokens!.AccessToken);
        Assert.Equal("rt-1", result.Tokens.RefreshToken);
    }

    [Theory]
    [InlineData("number", 3600)]
    [InlineData("string", 3600)]
    [InlineData("fraction", 3600.5)]
    [InlineData("left_out", -1)]
    [InlineData("null", -1)]
    [InlineData("not_a_number", -1)]
    [InlineData("zero", -1)]
    [InlineData("negative", -1)]
    [InlineData("huge", 315360000)]
    public async Task Refresh_ExpiresIn_ParsedOrTheDefault(string variant, double seconds)
    {
        _idp.RespondTokens("at-2", "rt-2", change: body =>
        {
            switch (variant)
            {
                case "string":
                    body["expires_in"] = "3600";
                    break;
                case "fraction":
                    body["expires_in"] = 3600.5;
                    break;
                case "left_out":
                    body.Remove("expires_in");
                    break;
                case "null":
                    body["expires_in"] = null;
                    break;
                case "not_a_number":
                    body["expires_in"] = "an hour";
                    break;
                case "zero":
                    body["expires_in"] = 0;
                    break;
                case "negative":
                    body["expires_in"] = -60;
                    break;
                case "huge":
                    body["expires_in"] = 9_000_000_000_000_000_000;
                    break;
                default:
                    body["expires_in"] = 3600;
                    break;
            }
        });

        var result = await _client.RefreshAsync(Current(), default);

        Assert.Equal(IdpTokenOutcome.Success, result.Outcome);
        var expected = seconds < 0 ? AccessTokenLifetime.Default : TimeSpan.FromSeconds(seconds);
        Assert.Equal(_time.GetUtcNow() + expected, result.Tokens!.AccessTokenExpiresAt);
    }

    private TokenSet Current() => new("at-1", "rt-1", _time.GetUtcNow());

    public sealed class Provider : IDisposable
    {
        public FakeOidcProvider Idp { get; } = new();

        public void Dispose() => Idp.Dispose();
    }
}
