using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace OpenIddictIdp;

/// <summary>
/// RFC 8252 §7.3 lets loopback redirect URIs use any port; OpenIddict matches registered URIs exactly, and the
/// gateway is a confidential web client whose tests bind random ports. So the gateway's client (and no other)
/// may also use <c>http://127.0.0.1:&lt;any port&gt;</c> with exactly the two callback paths; every other URI
/// still needs an exact match. Authorization, PAR and end-session requests that name the client all validate
/// through these two methods.
/// </summary>
internal sealed class LoopbackApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    IdpSettings settings)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public const string SignInPath = "/signin-oidc";
    public const string SignOutPath = "/signout-callback-oidc";

    // The loopback rule goes first: OpenIddict logs a mismatch with the registered URIs as a failure.
    public override async ValueTask<bool> ValidateRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default) =>
        (IsGateway(application) && IsLoopbackCallback(uri, SignInPath))
        || await base.ValidateRedirectUriAsync(application, uri, cancellationToken);

    public override async ValueTask<bool> ValidatePostLogoutRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default) =>
        (IsGateway(application) && IsLoopbackCallback(uri, SignOutPath))
        || await base.ValidatePostLogoutRedirectUriAsync(application, uri, cancellationToken);

    private bool IsGateway(OpenIddictEntityFrameworkCoreApplication application) =>
        string.Equals(application.ClientId, settings.ClientId, StringComparison.Ordinal);

    // The canonical-form comparison refuses user info, a query, a fragment and odd encodings.
    internal static bool IsLoopbackCallback(string value, string path) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttp
        && uri.Host == "127.0.0.1"
        && uri.AbsolutePath == path
        && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0
        && string.Equals(uri.AbsoluteUri, value, StringComparison.Ordinal);
}
