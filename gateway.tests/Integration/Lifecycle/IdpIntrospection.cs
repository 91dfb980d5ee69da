using Bff.Tests.Integration.Infrastructure;
using System.Text.Json;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>Asks the dev IdP (RFC 7662, as the client) whether a refresh token is still active.</summary>
internal static class IdpIntrospection
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

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

    /// <summary>Polls until the IdP says inactive (revocations from the background queue take a moment).</summary>
    public static async Task<bool> BecomesInactiveAsync(DevIdp idp, string refreshToken, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await IsActiveAsync(idp, refreshToken))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
