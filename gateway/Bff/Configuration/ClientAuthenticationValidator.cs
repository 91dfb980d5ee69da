namespace Bff.Configuration;

/// <summary>A client's credentials and authorization request parameters, each error naming its key.</summary>
internal static class ClientAuthenticationValidator
{
    // What the login flow sets itself: overriding any of them would break or weaken it (PKCE, state, nonce,
    // the redirect URI) or contradict another key (scope is Scopes).
    private static readonly HashSet<string> ReservedParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "client_id", "client_secret", "client_assertion", "client_assertion_type", "redirect_uri", "response_type",
        "response_mode", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "request", "request_uri",
    };

    public static void Validate(List<string> errors, string section, BffClientOptions client)
    {
        var method = client.ClientAuthentication;
        if (!ClientAuthenticationMethods.All.Contains(method, StringComparer.Ordinal))
        {
            errors.Add($"{section}:ClientAuthentication must be one of {string.Join(", ", ClientAuthenticationMethods.All)}.");
        }

        var assertion = client.ClientAssertion;
        if (!string.IsNullOrWhiteSpace(assertion.CertificatePath) && !string.IsNullOrWhiteSpace(assertion.KeyPath))
        {
            errors.Add($"{section}:ClientAssertion:CertificatePath and {section}:ClientAssertion:KeyPath are alternatives: set one.");
        }
        else
        {
            try
            {
                ClientAssertionKey.Load(assertion, section);
            }
            catch (ClientAssertionKeyException ex)
            {
                errors.Add(ex.Message);
            }
        }

        if (assertion.Audience is not (BffClientAssertionOptions.TokenEndpointAudience or BffClientAssertionOptions.IssuerAudience or BffClientAssertionOptions.EndpointAudience))
        {
            errors.Add($"{section}:ClientAssertion:Audience must be {BffClientAssertionOptions.TokenEndpointAudience}, {BffClientAssertionOptions.IssuerAudience} or {BffClientAssertionOptions.EndpointAudience}.");
        }

        if (assertion.TokenType is not ("JWT" or "client-authentication+jwt"))
        {
            errors.Add($"{section}:ClientAssertion:TokenType must be JWT or client-authentication+jwt.");
        }

        var hasSecret = !string.IsNullOrWhiteSpace(client.ClientSecret);
        if (method == ClientAuthenticationMethods.PrivateKeyJwt && !assertion.HasKey)
        {
            errors.Add($"{section}:ClientAuthentication is private_key_jwt: set {section}:ClientAssertion:CertificatePath or {section}:ClientAssertion:KeyPath.");
        }
        else if (method is ClientAuthenticationMethods.ClientSecretBasic or ClientAuthenticationMethods.ClientSecretPost && !hasSecret)
        {
            errors.Add($"{section}:ClientSecret is required with {section}:ClientAuthentication {method}.");
        }
        else if (method == ClientAuthenticationMethods.Auto && !hasSecret && !assertion.HasKey)
        {
            errors.Add($"{section}:ClientSecret is required (or a key in {section}:ClientAssertion for private_key_jwt).");
        }

        foreach (var (name, value) in client.ExtraAuthorizeParameters)
        {
            if (ReservedParameters.Contains(name))
            {
                errors.Add($"{section}:ExtraAuthorizeParameters:{name} cannot be set: the login flow sets it itself.");
            }
            else if (string.IsNullOrEmpty(value))
            {
                errors.Add($"{section}:ExtraAuthorizeParameters:{name} must have a value.");
            }
        }
    }
}
