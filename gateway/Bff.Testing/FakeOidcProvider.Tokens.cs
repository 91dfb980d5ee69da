using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WireMock.ResponseBuilders;

namespace Bff.Testing;

/// <summary>The provider's token endpoint answers set by a test, and the tokens it signs.</summary>
public sealed partial class FakeOidcProvider
{
    /// <summary>What the token endpoint answers from now on, to any grant.</summary>
    /// <param name="accessToken">The access token issued.</param>
    /// <param name="refreshToken">The refresh token issued; null issues none, as for client credentials.</param>
    /// <param name="expiresIn">The access token's lifetime in seconds.</param>
    /// <param name="idToken">The ID token, for a code exchange (see <see cref="IdToken"/>); null sends none.</param>
    /// <param name="refreshExpiresIn">The refresh token's lifetime in seconds (<c>refresh_expires_in</c>), when the test wants one.</param>
    /// <param name="delay">How long the endpoint takes to answer.</param>
    /// <param name="change">Edits the response before it is served, for what an IdP may send other than the usual
    /// (a missing or string <c>expires_in</c>, a null <c>refresh_token</c>); a member set to null is sent as null.</param>
    public void RespondTokens(string accessToken, string? refreshToken, int expiresIn = 300, string? idToken = null, long? refreshExpiresIn = null,
        TimeSpan? delay = null, Action<JsonObject>? change = null)
    {
        var body = new JsonObject { ["access_token"] = accessToken, ["token_type"] = "Bearer", ["expires_in"] = expiresIn };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        if (idToken is not null)
        {
            body["id_token"] = idToken;
        }

        if (refreshExpiresIn is { } seconds)
        {
            body["refresh_expires_in"] = seconds;
        }

        change?.Invoke(body);
        RespondAtTokenEndpoint(Json(body), delay);
    }

    /// <summary>The token endpoint fails from now on: <paramref name="status"/>, with an OAuth <c>error</c> body when one is given.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="error">The OAuth error code (<c>invalid_grant</c>, say); null sends no body.</param>
    /// <param name="delay">How long the endpoint takes to answer.</param>
    public void RespondTokenError(int status, string? error = null, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (error is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody(new JsonObject { ["error"] = error }.ToJsonString());
        }

        RespondAtTokenEndpoint(response, delay);
    }

    /// <summary>A signed ID token for a code exchange, as the gateway checks it: issuer, audience, nonce and <c>at_hash</c>.</summary>
    /// <param name="subject">Its <c>sub</c>, and its <c>name</c>.</param>
    /// <param name="sid">The IdP session it belongs to.</param>
    /// <param name="nonce">The nonce of the authorization request it answers.</param>
    /// <param name="accessToken">The access token issued with it, which <c>at_hash</c> binds.</param>
    public string IdToken(string subject, string sid, string nonce, string accessToken) =>
        FakeOidcDocuments.Sign(FakeOidcDocuments.IdTokenClaims(Issuer, subject, sid, nonce, accessToken), Key, SigningAlgorithm, "JWT", CurrentKeyId);

    /// <summary>A valid logout token, as <paramref name="change"/> leaves it.</summary>
    /// <param name="subject">Its <c>sub</c>; null leaves it out.</param>
    /// <param name="sid">Its <c>sid</c>; null leaves it out.</param>
    /// <param name="change">Edits the claims before signing; a claim set to null is removed.</param>
    /// <param name="key">Signs instead of <see cref="Key"/>: a key the provider never published.</param>
    /// <param name="alg">The header's <c>alg</c> (<see cref="SigningAlgorithm"/> when null); <c>none</c> leaves the token unsigned.</param>
    /// <param name="kid">The header's <c>kid</c> (<see cref="CurrentKeyId"/> when null).</param>
    public string LogoutToken(string? subject, string? sid, Action<JsonObject>? change = null, RSA? key = null, string? alg = null, string? kid = null)
    {
        var claims = FakeOidcDocuments.LogoutTokenClaims(Issuer, subject, sid);
        change?.Invoke(claims);
        foreach (var name in claims.Where(c => c.Value is null).Select(c => c.Key).ToArray())
        {
            claims.Remove(name);
        }

        return FakeOidcDocuments.Sign(claims, key ?? Key, alg ?? SigningAlgorithm, "logout+jwt", kid ?? CurrentKeyId);
    }

    /// <summary>Any claims as a JWT.</summary>
    /// <param name="claims">The payload.</param>
    /// <param name="key">Signs instead of <see cref="Key"/>.</param>
    /// <param name="alg">The header's <c>alg</c>: RS256, PS256 (<see cref="SigningAlgorithm"/> when null), or <c>none</c> for an unsigned token.</param>
    /// <param name="typ">The header's <c>typ</c>.</param>
    /// <param name="kid">The header's <c>kid</c> (<see cref="CurrentKeyId"/> when null).</param>
    public string Sign(JsonObject claims, RSA? key = null, string? alg = null, string typ = "JWT", string? kid = null) =>
        FakeOidcDocuments.Sign(claims, key ?? Key, alg ?? SigningAlgorithm, typ, kid ?? CurrentKeyId);

    /// <summary>
    /// Turns the provider into the kit's token issuer: its authorization endpoint completes the logins the issuer
    /// begins and its token endpoint issues tokens by grant (until a test sets a fixed answer again with
    /// <see cref="RespondTokens"/> or <see cref="RespondTokenError"/>).
    /// </summary>
    public TestTokenIssuer IssueTokens() => new(this);
}
