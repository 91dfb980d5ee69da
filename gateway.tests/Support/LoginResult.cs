using System.Net;

namespace Bff.Tests.Support;

/// <summary>Where <see cref="TestBrowser.LoginAsync"/> ended, and what the gateway's callback answered.</summary>
public sealed class LoginResult : NavigationResult
{
    internal LoginResult(HttpResponseMessage response, string body, IReadOnlyList<Uri> chain, bool loginFormSubmitted, Uri? callbackUri, HttpStatusCode? callbackStatusCode, Uri? callbackLocation)
        : base(response, body, chain)
    {
        LoginFormSubmitted = loginFormSubmitted;
        CallbackUri = callbackUri;
        CallbackStatusCode = callbackStatusCode;
        CallbackLocation = callbackLocation;
    }

    /// <summary>
    /// False when the IdP still had a session for this browser and skipped its login form: the
    /// user is then whoever signed in before, not necessarily the one passed to LoginAsync.
    /// </summary>
    public bool LoginFormSubmitted { get; }

    /// <summary>Whether the IdP sent the browser back to the gateway's /signin-oidc.</summary>
    public bool ReachedCallback => CallbackUri is not null;

    /// <summary>The /signin-oidc request, with code and state (or without a query, for response_mode=form_post).</summary>
    public Uri? CallbackUri { get; }

    public HttpStatusCode? CallbackStatusCode { get; }

    /// <summary>Where the callback redirected to (absolute); the returnUrl after a successful login.</summary>
    public Uri? CallbackLocation { get; }

    /// <summary>Throws unless the callback was reached and answered with a redirect.</summary>
    public LoginResult EnsureSuccess()
    {
        if (CallbackStatusCode is null || (int)CallbackStatusCode < 300 || (int)CallbackStatusCode > 399)
        {
            throw new InvalidOperationException($"Login did not succeed: callback {CallbackUri?.ToString() ?? "never reached"} answered {CallbackStatusCode?.ToString() ?? "nothing"}; ended {this}. Body:\n{TestBrowser.PageText(Body)}");
        }

        return this;
    }
}
