using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OpenIddictIdp;

/// <summary>
/// The pages and the passthrough endpoints: OpenIddict validates every protocol request before it reaches
/// these, and turns what they return (sign-in, sign-out, forbid) into the protocol response.
/// </summary>
internal static class Endpoints
{
    private const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;
    private const string Session = CookieAuthenticationDefaults.AuthenticationScheme;
    private const string SessionId = "sid";

    public static void Map(WebApplication app)
    {
        app.MapGet("/account/login", (string? returnUrl) => Pages.Login(LocalOrRoot(returnUrl)));
        app.MapPost("/account/login", (HttpContext context, CancellationToken cancellationToken) => LoginAsync(context, cancellationToken));
        app.MapGet("/account/signed-out", Pages.SignedOut);
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext context, IdpSettings settings) => AuthorizeAsync(context, settings));
        app.MapPost("/connect/token", (HttpContext context, IdpSettings settings) => TokenAsync(context, settings));
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
        {
            return Pages.Error("invalid_request", "The login form is posted as a form.");
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var returnUrl = LocalOrRoot(form["returnUrl"]);
        var login = form["login"].ToString();
        if (Users.Verify(login, form["password"].ToString()) is not { } user)
        {
            return Pages.Login(returnUrl, login, "Wrong user name or password.");
        }

        // sid names this browser's login at the IdP, as OpenID Connect session management and the dev IdP do.
        var identity = new ClaimsIdentity([new(Claims.Subject, user.Subject), new(SessionId, NewId())], Session);
        await context.SignInAsync(Session, new ClaimsPrincipal(identity));
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, IdpSettings settings)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await context.AuthenticateAsync(Session);
        var user = session.Succeeded ? Users.Find(session.Principal.GetClaim(Claims.Subject) ?? "") : null;
        if (user is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not logged in.");
            }

            // Back here after the login page, with the same parameters (with PAR: client_id and request_uri).
            var parameters = context.Request.HasFormContentType ? context.Request.Form.ToList() : context.Request.Query.ToList();
            return Results.Challenge(new AuthenticationProperties
            {
                RedirectUri = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters),
            }, [Session]);
        }

        // First-party client: consent is implied, so there is no consent page.
        var identity = UserIdentity(user, session.Principal!.GetClaim(SessionId));
        identity.SetScopes(request.GetScopes());
        identity.SetResources(settings.ApiResource);
        identity.SetDestinations(ClaimDestinations);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, Server);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, IdpSettings settings)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has authenticated the client (secret or assertion) before this runs.
            var client = request.ClientId ?? settings.ClientId;
            var identity = new ClaimsIdentity(Server, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, client);
            identity.SetScopes(request.GetScopes());
            identity.SetResources(settings.ApiResource);
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, Server);
        }

        // Code and refresh grants: OpenIddict has validated the code or refresh token (and its rotation); the
        // principal it carries is issued again, with the user's current claims.
        var result = await context.AuthenticateAsync(Server);
        if (result.Principal?.GetClaim(Claims.Subject) is not { } subject || Users.Find(subject) is not { } user)
        {
            return Forbid(Errors.InvalidGrant, "The user no longer exists.");
        }

        var refreshed = UserIdentity(user, result.Principal.GetClaim(SessionId));
        refreshed.SetScopes(result.Principal.GetScopes());
        refreshed.SetResources(result.Principal.GetResources());
        refreshed.SetDestinations(ClaimDestinations);
        return Results.SignIn(new ClaimsPrincipal(refreshed), properties: null, Server);
    }

    // No confirmation page: RP-initiated logout ends the IdP session at once (a dev-only relaxation), then
    // OpenIddict sends the browser to the validated post_logout_redirect_uri, or to the page named here.
    private static async Task<IResult> EndSessionAsync(HttpContext context)
    {
        await context.SignOutAsync(Session);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/signed-out" }, [Server]);
    }

    private static ClaimsIdentity UserIdentity(Users.User user, string? sessionId)
    {
        var identity = new ClaimsIdentity(Server, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Name, user.Name)
            .SetClaim(Claims.PreferredUsername, user.Subject)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(SessionId, sessionId);
        return identity;
    }

    // Access tokens stay small (sub, scope, aud); the gateway reads the profile from the ID token.
    private static IEnumerable<string> ClaimDestinations(Claim claim) => claim.Type switch
    {
        Claims.Name or Claims.PreferredUsername when claim.Subject!.HasScope(Scopes.Profile) => [Destinations.IdentityToken],
        Claims.Email when claim.Subject!.HasScope(Scopes.Email) => [Destinations.IdentityToken],
        SessionId => [Destinations.IdentityToken],
        _ => [],
    };

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [Server]);

    // Only a path of this IdP: the login page must never send a browser elsewhere.
    private static string LocalOrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
