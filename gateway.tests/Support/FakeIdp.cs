using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Support;

/// <summary>A WireMock token endpoint and the OIDC options that point the gateway's token client at it.</summary>
internal sealed class FakeIdp : IDisposable
{
    public FakeIdp()
    {
        Server = WireMockServer.Start();
        var configuration = new OpenIdConnectConfiguration
        {
            Issuer = Server.Url,
            TokenEndpoint = Server.Url + "/token",
        };
        configuration.TokenEndpointAuthMethodsSupported.Add("client_secret_post");
        configuration.AdditionalData["revocation_endpoint"] = Server.Url + "/revoke";
        var options = new OpenIdConnectOptions
        {
            ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration),
        };
        OidcOptions = new StaticOptionsMonitor(options);
    }

    public WireMockServer Server { get; }

    public IOptionsMonitor<OpenIdConnectOptions> OidcOptions { get; }

    public int TokenCalls => Server.LogEntries.Count(e => e.RequestMessage.Path == "/token");

    public IEnumerable<string> TokenRequestBodies =>
        Server.LogEntries.Where(e => e.RequestMessage.Path == "/token").Select(e => e.RequestMessage.Body ?? "");

    public void RespondTokens(string accessToken, string? refreshToken, int expiresIn = 300, int delayMs = 0)
    {
        Server.Reset();
        var body = refreshToken is null
            ? $$"""{"access_token":"{{accessToken}}","token_type":"Bearer","expires_in":{{expiresIn}}}"""
            : $$"""{"access_token":"{{accessToken}}","refresh_token":"{{refreshToken}}","token_type":"Bearer","expires_in":{{expiresIn}}}""";
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);
        Server.Given(Request.Create().WithPath("/token").UsingPost())
            .RespondWith(delayMs > 0 ? response.WithDelay(delayMs) : response);
        Server.Given(Request.Create().WithPath("/revoke").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
    }

    public void RespondError(int status, string? error = null)
    {
        Server.Reset();
        var response = Response.Create().WithStatusCode(status);
        if (error is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody($$"""{"error":"{{error}}"}""");
        }

        Server.Given(Request.Create().WithPath("/token").UsingPost()).RespondWith(response);
    }

    public void Dispose() => Server.Stop();

    private sealed class StaticOptionsMonitor(OpenIdConnectOptions value) : IOptionsMonitor<OpenIdConnectOptions>
    {
        public OpenIdConnectOptions CurrentValue => value;

        public OpenIdConnectOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OpenIdConnectOptions, string?> listener) => null;
    }
}
