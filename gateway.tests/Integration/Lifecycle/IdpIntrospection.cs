using Bff.Tests.Integration.Infrastructure;
using System.Text.Json;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>Asks the dev IdP (RFC 7662, as the client) whether a refresh token is still active.</summary>
internal static class IdpIntrospection
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Waits until the IdP says inactive: revocations go from the background queue.</summary>
    public static Task BecomesInactiveAsync(DevIdp idp, string refreshToken) =>
        Eventually.TrueAsync(async () => !await IsActiveAsync(idp, refreshToken), TimeSpan.FromSeconds(10), "the IdP to see the refresh token revoked",
            TimeSpan.FromMilliseconds(100));

    public static async Task<bool> IsActiveAsync(DevIdp idp, string refreshToken)
    {
        using var response = await Http.PostAsync(idp.Issuer + "/token/introspection", new FormUrlEncodedContent(
        [
            new("token", refreshToken),
            new("token_type_hint", "refresh_token"),
            new("client_id", idp.ClientId),
            new("client_secret", idp.ClientSecret),
        ]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"introspection: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("active").GetBoolean();
    }
}
