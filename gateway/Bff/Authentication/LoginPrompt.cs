using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Bff.Authentication;

/// <summary>
/// The <c>prompt</c> values a login may pass on to the IdP, and the marks a <c>prompt=none</c> login carries through
/// the IdP in its (protected) state, so that the callback knows how to answer a refusal.
/// </summary>
internal static class LoginPrompt
{
    public const string None = "none";

    // State items: the login asked for no interaction; it runs in the silent-login iframe.
    internal const string PromptNoneItem = "bff.prompt-none";
    internal const string SilentItem = "bff.silent";

    // OIDC Core 3.1.2.1: a value outside these would be passed to the IdP unchecked, and "none" combined with
    // another value is an error there anyway, so one value is taken, never a list.
    private static readonly string[] Allowed = ["none", "login", "consent", "select_account"];

    // The answers of an IdP that would need the user to act (OIDC Core 3.1.2.6): for prompt=none they only mean
    // "not signed in here", not a failure to show.
    private static readonly string[] InteractionErrors =
        ["login_required", "interaction_required", "consent_required", "account_selection_required"];

    public static bool IsAllowed(string value) => Array.IndexOf(Allowed, value) >= 0;

    public static bool IsInteractionError(string? error) => error is not null && Array.IndexOf(InteractionErrors, error) >= 0;

    /// <summary>The challenge properties of a login to <paramref name="redirectUri"/>, with the prompt when one was asked for.</summary>
    public static AuthenticationProperties Properties(string redirectUri, string? prompt, bool silent = false)
    {
        var properties = new OpenIdConnectChallengeProperties { RedirectUri = redirectUri, Prompt = prompt };
        if (prompt == None)
        {
            properties.Items[PromptNoneItem] = "1";
        }

        if (silent)
        {
            properties.Items[SilentItem] = "1";
        }

        return properties;
    }

    public static bool IsSilent(AuthenticationProperties? properties) => properties?.Items.ContainsKey(SilentItem) == true;

    public static bool IsPromptNone(AuthenticationProperties? properties) => properties?.Items.ContainsKey(PromptNoneItem) == true;
}
