using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// An IdP made of WireMock for fault injection at the token endpoint: slow, failing, invalid_grant.
/// It serves discovery and an empty JWKS, enough for the gateway to start and refresh; logins go through
/// the real dev IdP in other tests.
/// </summary>
public sealed class WireMockIdp : IDisposable
{
    public WireMockIdp()
    {
        Server = WireMockServer.Start();
        Server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($$"""
                {
                  "issuer": "{{Server.Url}}",
                  "authorization_endpoint": "{{Server.Url}}/auth",
                  "token_endpoint": "{{Server.Url}}/token",
                  "revocation_endpoint": "{{Server.Url}}/revoke",
                  "jwks_uri": "{{Server.Url}}/jwks",
                  "response_types_supported": ["code"],
                  "subject_types_supported": ["public"],
                  "id_token_signing_alg_values_supported": ["RS256"],
                  "token_endpoint_auth_methods_supported": ["client_secret_post"]
                }
                """));
        Server.Given(Request.Create().WithPath("/jwks").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"keys":[]}"""));
        Server.Given(Request.Create().WithPath("/revoke").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
    }

    public WireMockServer Server { get; }

    public string Issuer => Server.Url!;

    public IReadOnlyList<string> TokenRequests =>
        Server.LogEntries.Where(e => e.RequestMessage.Path == "/token").Select(e => e.RequestMessage.Body ?? "").ToList();

    public void TokenEndpointReturns(string accessToken, string refreshToken, int expiresIn = 300, int delayMs = 0, int priority = 10)
    {
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"access_token":"{{accessToken}}","refresh_token":"{{refreshToken}}","token_type":"Bearer","expires_in":{{expiresIn}}}""");
        Server.Given(Request.Create().WithPath("/token").UsingPost()).AtPriority(priority)
            .RespondWith(delayMs > 0 ? response.WithDelay(delayMs) : response);
    }

    public void TokenEndpointFails(int status, string? error = null, int delayMs = 0, int priority = 10)
    {
        var response = Response.Create().WithStatusCode(status);
        if (error is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody($$"""{"error":"{{error}}"}""");
        }

        Server.Given(Request.Create().WithPath("/token").UsingPost()).AtPriority(priority)
            .RespondWith(delayMs > 0 ? response.WithDelay(delayMs) : response);
    }

    public void Dispose() => Server.Stop();
}
