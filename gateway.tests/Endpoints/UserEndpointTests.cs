using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Endpoints;

/// <summary><c>/bff/user</c> reports the session's deadlines; with <c>slide=false</c> reading it does not slide the idle one.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed class UserEndpointTests : IDisposable
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Bff:Session:IdleTimeout"] = "00:20:00",
        ["Bff:Session:SlidingWriteInterval"] = "00:00:00",
        ["Bff:Session:CacheDuration"] = "00:00:00",
    };

    private readonly FakeOidcProvider _idp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task SlideFalse_AnswersWithoutSliding_ThenAPlainCallSlides()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: _time, settings: Settings);
        var (session, browser) = await host.SeedSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(5));

        using (var probe = await browser.GetAsync("/bff/user?slide=false", OidcGatewayHost.Xhr))
        {
            var body = (await OidcGatewayHost.JsonAsync(probe)).GetProperty("session");
            Assert.Equal(session.LastSeenAt + TimeSpan.FromMinutes(20), body.GetProperty("idleExpiresAt").GetDateTimeOffset());
            Assert.Equal(session.AbsoluteExpiresAt, body.GetProperty("absoluteExpiresAt").GetDateTimeOffset());
        }

        Assert.Equal(session.LastSeenAt, (await host.Store.GetFreshAsync(session.Id, default))!.LastSeenAt);

        using (var plain = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr))
        {
            var body = (await OidcGatewayHost.JsonAsync(plain)).GetProperty("session");
            Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(20), body.GetProperty("idleExpiresAt").GetDateTimeOffset());
        }

        Assert.Equal(_time.GetUtcNow(), (await host.Store.GetFreshAsync(session.Id, default))!.LastSeenAt);
    }

    [Fact]
    public async Task SlideFalse_OnAProxiedRouteOrAnotherEndpoint_StillSlides()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: _time, settings: Settings);
        var (session, browser) = await host.SeedSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(5));

        using (await browser.GetAsync("/bff/sessions?slide=false", OidcGatewayHost.Xhr))
        {
        }

        Assert.Equal(_time.GetUtcNow(), (await host.Store.GetFreshAsync(session.Id, default))!.LastSeenAt);
    }

    [Theory]
    [InlineData("slide=no")]
    [InlineData("slide=")]
    [InlineData("slide=false&slide=true")]
    public async Task Slide_OtherValues_400(string query)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: _time, settings: Settings);
        var (_, browser) = await host.SeedSessionAsync("alice");

        using var response = await browser.GetAsync("/bff/user?" + query, OidcGatewayHost.Xhr);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }
}
