using Bff.Configuration;
using Bff.Frontends;
using Bff.Http;
using Bff.Idp;
using Bff.Problems;
using Bff.Routes;
using Bff.Telemetry;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Authentication;

/// <summary>
/// Wires the OIDC handler from <see cref="BffOptions"/>: code flow with PKCE, confidential client; one scheme per
/// frontend (<see cref="BffFrontend.OidcScheme"/>), each with its client and its origin's redirect URIs.
/// </summary>
internal sealed partial class OidcOptionsSetup(IOptions<BffOptions> bffOptions, FrontendCatalog frontends, IHttpClientFactory clients, ILoggerFactory loggerFactory)
    : IConfigureNamedOptions<OpenIdConnectOptions>
{
    public const string CallbackPath = "/signin-oidc";
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    private readonly ILogger _logger = loggerFactory.CreateLogger("Bff.Authentication.Oidc");

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        var bff = bffOptions.Value;
        // The default scheme is there even when the top-level client serves no host: discovery is read through it.
        var frontend = frontends.All.FirstOrDefault(f => f.OidcScheme == name);
        if (frontend is null && name != BffSessionDefaults.OidcScheme)
        {
            return;
        }

        var origin = frontend?.Origin ?? bff.PublicOrigin;
        options.Authority = bff.Authority;
        // A default scheme that serves no host still needs a client to pass the handler's validation.
        ApplyClient(options, frontend?.Client ?? (bff.Frontends.Count > 0 ? bff.Frontends[0] : bff));
        options.RequireHttpsMetadata = bff.RequireHttpsMetadata;
        options.ResponseType = OpenIdConnectResponseType.Code;
        // Query rather than form_post: the code is single-use and bound to PKCE, and a GET callback
        // keeps the flow free of cross-site POSTs that SameSite cookies would break.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        // PAR when discovery offers it, a plain authorize redirect when it does not (not every IdP has PAR).
        options.PushedAuthorizationBehavior = PushedAuthorizationBehavior.UseIfAvailable;
        options.SaveTokens = true;
        options.MapInboundClaims = false;
        // With resource indicators the access token is for the API, not the userinfo endpoint, so the
        // profile comes from the ID token.
        options.GetClaimsFromUserInfoEndpoint = false;
        options.UseTokenLifetime = false;
        options.DisableTelemetry = true;
        options.SignInScheme = BffSessionDefaults.Scheme;
        options.SignOutScheme = BffSessionDefaults.Scheme;
        options.CallbackPath = CallbackPath;
        options.SignedOutCallbackPath = SignedOutCallbackPath;
        // Front-channel logout would sign out through a cross-site iframe, which SameSite cookies never
        // reach; back-channel logout is the supported way for the IdP to end sessions.
        options.RemoteSignOutPath = default;
        // The handler's own IdP calls (discovery, signing keys, the pushed authorization request, the code exchange)
        // go through the IdP client's pipeline: its timeout, circuit breaker and bulkhead, where its POSTs count as
        // login calls. Kept for the handler's lifetime, which is safe: the factory's handler recycles its connections.
        options.Backchannel = clients.CreateClient(IdpTokenClient.HttpClientName);
        // A token naming a key the gateway does not know makes it fetch the IdP's keys again (see
        // IdpConfigurationManager) at most this often: soon after a rotation, yet a flood of made-up key ids
        // (anyone can post a logout token) costs two fetches a minute.
        options.RefreshInterval = TimeSpan.FromSeconds(30);
        options.TokenValidationParameters.NameClaimType = "name";
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.Always;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.Always;

        // PAR and the code exchange go through the gateway's IdP client, which authenticates the way discovery and
        // ClientAuthentication say; the handler on its own would always send client_secret_post.
        options.Events.OnPushAuthorization = async context =>
        {
            var idp = context.HttpContext.RequestServices.GetRequiredService<IdpTokenClient>();
            var client = context.HttpContext.RequestServices.GetRequiredService<IdpClients>().For(frontend?.Name);
            var parameters = context.ProtocolMessage.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value))
                .Concat(RouteResources.Of(context.HttpContext).Select(r => KeyValuePair.Create("resource", r)));
            context.HandlePush(await idp.PushAuthorizationAsync(client, parameters, context.HttpContext.RequestAborted));
        };

        options.Events.OnAuthorizationCodeReceived = async context =>
        {
            var idp = context.HttpContext.RequestServices.GetRequiredService<IdpTokenClient>();
            var client = context.HttpContext.RequestServices.GetRequiredService<IdpClients>().For(frontend?.Name);
            var parameters = context.TokenEndpointRequest!.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value));
            if (await idp.RedeemCodeAsync(client, parameters, context.HttpContext.RequestAborted) is { } response)
            {
                context.HandleCodeRedemption(new OpenIdConnectMessage(response));
            }
            else
            {
                context.Fail("The IdP refused the authorization code.");
            }
        };

        options.Events.OnRedirectToIdentityProvider = context =>
        {
            context.ProtocolMessage.RedirectUri = PublicOrigin.UrlOf(context.Request, origin, CallbackPath);
            RouteResources.Ask(context, context.HttpContext.RequestServices.GetService<IProxyConfigProvider>()?.GetConfig().Routes ?? []);
            return Task.CompletedTask;
        };

        // The post-logout redirect: the session ended before the browser went to the IdP, so there is nothing
        // to look up here (and no state to trust); the browser only needs to get back to the app.
        options.Events.OnSignedOutCallbackRedirect = context =>
        {
            context.Response.Redirect(context.Request.PathBase + "/");
            context.HandleResponse();
            return Task.CompletedTask;
        };

        options.Events.OnTicketReceived = context => PromptNoneCallback.TryHandleTicketAsync(context, origin);

        options.Events.OnRemoteFailure = async context =>
        {
            context.HandleResponse();
            var failure = context.Failure;
            if (await PromptNoneCallback.TryHandleFailureAsync(context.HttpContext, context.Properties, failure, origin, _logger))
            {
                return;
            }

            if (failure is not null && IdpFailure.IsUnavailable(failure))
            {
                LogCallbackIdpUnavailable(_logger, failure.GetType().Name);
                await BffProblem.IdpUnavailableAsync(context.HttpContext);
                return;
            }

            // The message of a remote failure can quote what the IdP or the browser sent: log only its type.
            LogCallbackFailed(_logger, failure?.GetType().Name ?? "unknown");
            await BffProblem.WriteAsync(context.HttpContext, StatusCodes.Status400BadRequest, BffProblem.BadRequest,
                "The login could not be completed. Start again from the application.");
        };

        options.Events.OnAccessDenied = async context =>
        {
            context.HandleResponse();
            if (LoginPrompt.IsSilent(context.Properties))
            {
                await SilentLoginPage.WriteAsync(context.HttpContext, origin, isLoggedIn: false);
                return;
            }

            await BffProblem.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, BffProblem.Forbidden,
                "The identity provider denied the login.");
        };
    }

    /// <summary>Who the gateway is at the IdP and what it asks for: one client's settings, whichever client it is.</summary>
    internal static void ApplyClient(OpenIdConnectOptions options, BffClientOptions client)
    {
        options.ClientId = client.ClientId;
        options.ClientSecret = client.ClientSecret;
        options.Scope.Clear();
        foreach (var scope in client.EffectiveScopes)
        {
            options.Scope.Add(scope);
        }

        options.AdditionalAuthorizationParameters.Clear();
        foreach (var (name, value) in client.ExtraAuthorizeParameters)
        {
            options.AdditionalAuthorizationParameters[name] = value;
        }
    }

    [LoggerMessage(EventId = BffEventIds.LoginCallbackFailed, Level = LogLevel.Warning, Message = "Login callback failed: {Reason}")]
    private static partial void LogCallbackFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.LoginCallbackIdpUnavailable, Level = LogLevel.Warning, Message = "Login callback could not reach the IdP: {Reason}")]
    private static partial void LogCallbackIdpUnavailable(ILogger logger, string reason);
}
