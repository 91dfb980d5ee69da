using System.Net;
using System.Text.Json.Nodes;

namespace Bff.Tests.Idp;

/// <summary>
/// Logout tokens as some IdPs write them: the NumericDate claims (<c>iat</c>, <c>exp</c>, <c>nbf</c>) as JSON strings
/// rather than numbers. RFC 7519 says numbers, so the token is refused: a 400 problem, never a 500, nothing ended.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class LogoutTokenValidatorTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task NumericDatesAsStrings_400ProblemAndNothingEnded()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var sid = "sid-" + Guid.NewGuid().ToString("N");
        var (session, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Action<JsonObject>[] variants =
        [
            c => c["iat"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            c => c["exp"] = (now + 120).ToString(System.Globalization.CultureInfo.InvariantCulture),
            c => c["nbf"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        using var client = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });

        foreach (var variant in variants)
        {
            using var response = await client.PostAsync("/bff/backchannel-logout",
                new FormUrlEncodedContent([new("logout_token", _idp.LogoutToken("alice", sid, variant))]));

            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        }

        Assert.True(await host.IsAliveAsync(session.Id));
    }
}
