using System.Net;

namespace Bff.Tests.Support;

/// <summary>
/// The flows a person walks through the IdP's pages: a whole login, and the IdP's own logout, by submitting the
/// forms the pages hold.
/// </summary>
public sealed partial class TestBrowser
{
    /// <summary>
    /// The whole authorization code flow, as a user would go through it: /bff/login on the
    /// gateway, the IdP's authorize endpoint and login form, the way back to /signin-oidc (by
    /// redirect or by a self-submitting form_post page) and the gateway's redirect to
    /// <paramref name="returnUrl"/>. A response of the gateway that neither redirects nor is the
    /// callback ends it too (say, 400 for a bad returnUrl), so tests can assert on it. Throws when
    /// the IdP shows its login form again (wrong password), shows any other page, or the chain
    /// passes <see cref="MaxHops"/>. If the IdP still has a session for this browser it shows no
    /// form and the earlier user is signed in again: see <see cref="LoginResult.LoginFormSubmitted"/>.
    /// </summary>
    public async Task<LoginResult> LoginAsync(string user, string password, string returnUrl = "/", CancellationToken cancellationToken = default)
    {
        var chain = new List<Uri>();
        var response = await RequestAsync(HttpMethod.Get, Resolve("/bff/login?returnUrl=" + Uri.EscapeDataString(returnUrl)), null, chain, cancellationToken);
        var credentialsPosted = false;
        (Uri Uri, HttpStatusCode Status, Uri? Location)? callback = null;
        while (true)
        {
            var uri = RequestUriOf(response);
            if (callback is null && IsGateway(uri) && uri.AbsolutePath == "/signin-oidc")
            {
                callback = (uri, response.StatusCode, LocationOf(response));
            }

            if (IsRedirect(response))
            {
                response = await FollowOneAsync(response, chain, cancellationToken);
                continue;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (callback is null && !IsGateway(uri) && IsHtml(response))
            {
                var forms = HtmlForm.Parse(body);
                if (forms.FirstOrDefault(f => f.HasPassword) is { } loginForm)
                {
                    if (credentialsPosted)
                    {
                        response.Dispose();
                        throw new InvalidOperationException(
                            $"The IdP showed its login form again after {user}'s password was posted (wrong password?). Chain: {string.Join(" -> ", chain)}. Page:\n{PageText(body)}");
                    }

                    credentialsPosted = true;
                    var credentials = new Dictionary<string, string>(StringComparer.Ordinal) { ["login"] = user, ["password"] = password };
                    response.Dispose();
                    response = await SubmitAsync(loginForm, uri, credentials, chain, cancellationToken);
                    continue;
                }

                // The response_mode=form_post page, or a consent page that only needs confirming.
                if (forms.FirstOrDefault(f => f.IsAllHidden && f.Method == "POST") is { } autoPost)
                {
                    response.Dispose();
                    response = await SubmitAsync(autoPost, uri, null, chain, cancellationToken);
                    continue;
                }
            }

            if (callback is not null || IsGateway(uri))
            {
                return new LoginResult(response, body, chain, credentialsPosted, callback?.Uri, callback?.Status, callback?.Location);
            }

            response.Dispose();
            throw new InvalidOperationException(
                $"Login stopped at the IdP page {uri} ({(int)response.StatusCode}). Chain: {string.Join(" -> ", chain)}. Page:\n{PageText(body)}");
        }
    }

    /// <summary>
    /// Follows an end_session URL (from the gateway's logout) at the IdP, confirms its logout form
    /// (<c>op.logoutForm</c>, with <c>logout=yes</c>) and follows the redirects after it, to the
    /// gateway's post-logout callback and on.
    /// </summary>
    public async Task<NavigationResult> LogoutAtIdpAsync(string endSessionUrl, CancellationToken cancellationToken = default)
    {
        var chain = new List<Uri>();
        var response = await RequestAsync(HttpMethod.Get, Resolve(endSessionUrl), null, chain, cancellationToken);
        var confirmed = false;
        while (true)
        {
            if (IsRedirect(response))
            {
                response = await FollowOneAsync(response, chain, cancellationToken);
                continue;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!confirmed && IsHtml(response))
            {
                var forms = HtmlForm.Parse(body);
                var confirm = forms.FirstOrDefault(f => f.Id == "op.logoutForm")
                              ?? forms.FirstOrDefault(f => f.Method == "POST" && f.Fields.Any(x => x.Name == "xsrf"));
                if (confirm is not null)
                {
                    confirmed = true;
                    var uri = RequestUriOf(response);
                    response.Dispose();
                    response = await SubmitAsync(confirm, uri, new Dictionary<string, string>(StringComparer.Ordinal) { ["logout"] = "yes" }, chain, cancellationToken);
                    continue;
                }
            }

            return new NavigationResult(response, body, chain);
        }
    }

    private Task<HttpResponseMessage> SubmitAsync(HtmlForm form, Uri pageUri, IReadOnlyDictionary<string, string>? overrides, List<Uri> chain, CancellationToken cancellationToken)
    {
        var action = form.ResolveAction(pageUri);
        var values = form.Values(overrides);
        if (form.Method == "POST")
        {
            // Browsers send Origin on every form POST; the gateway's callback must take form_post from the IdP's origin.
            var origin = pageUri.GetLeftPart(UriPartial.Authority);
            return RequestAsync(HttpMethod.Post, action, new FormUrlEncodedContent(values), chain, cancellationToken, origin);
        }

        var query = string.Join('&', values.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
        return RequestAsync(HttpMethod.Get, new UriBuilder(action) { Query = query }.Uri, null, chain, cancellationToken);
    }
}
