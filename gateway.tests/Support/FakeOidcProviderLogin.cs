using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Support;

/// <summary>Whole logins through a <see cref="FakeOidcProvider"/>, driven by a <see cref="TestBrowser"/>.</summary>
internal static class FakeOidcProviderLogin
{
    /// <summary>
    /// A whole login, as the browser would make it: <c>/bff/login</c>, then the callback with the state and a code,
    /// which the gateway redeems at the provider's token endpoint for an ID token carrying the nonce.
    /// </summary>
    /// <param name="editState">Changes the state on its way back, as only a state made by other code could.</param>
    /// <param name="callbackHeaders">Go with the callback only (the Fetch Metadata of a navigation from the IdP, say).</param>
    /// <param name="changeTokenResponse">Edits the token response of the code exchange (see <see cref="FakeOidcProvider.RespondTokens"/>).</param>
    /// <param name="accessToken">The access token the code exchange issues (one of the form <c>at-&lt;guid&gt;</c> when null).</param>
    public static async Task<HttpResponseMessage> LoginAsync(
        this FakeOidcProvider idp,
        TestBrowser browser,
        string subject,
        string sid,
        long? refreshExpiresIn = null,
        string returnUrl = "/",
        Func<string, string>? editState = null,
        IEnumerable<KeyValuePair<string, string>>? callbackHeaders = null,
        Action<System.Text.Json.Nodes.JsonObject>? changeTokenResponse = null,
        string? accessToken = null)
    {
        using var start = await browser.GetAsync("/bff/login?returnUrl=" + returnUrl);
        Assert.Equal(HttpStatusCode.Found, start.StatusCode);
        var authorize = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
        accessToken ??= "at-" + Guid.NewGuid().ToString("N");
        idp.RespondTokens(accessToken, "rt-" + Guid.NewGuid().ToString("N"), idToken: idp.IdToken(subject, sid, authorize["nonce"]!, accessToken),
            refreshExpiresIn: refreshExpiresIn, change: changeTokenResponse);
        var state = authorize["state"].ToString();
        return await browser.GetAsync("/signin-oidc?code=code-1&state=" + Uri.EscapeDataString(editState?.Invoke(state) ?? state), callbackHeaders);
    }
}
