using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace DemoApi;

// The dev IdP makes a new signing key on every start. JwtBearer fails a token signed with a key
// it has not seen, and its metadata cache refreshes at most once per RefreshInterval, so tests
// that restart the IdP would see 401s for valid tokens. On that one failure the token is checked
// again against keys read from the IdP right now, bypassing the cache.
internal static class SigningKeyRollover
{
    public static async Task RetryWithFreshKeys(AuthenticationFailedContext context)
    {
        if (context.Exception is not SecurityTokenSignatureKeyNotFoundException
            || string.IsNullOrEmpty(context.Options.MetadataAddress))
        {
            return;
        }

        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var retriever = new HttpDocumentRetriever(context.Options.Backchannel)
        {
            RequireHttps = context.Options.RequireHttpsMetadata,
        };
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await OpenIdConnectConfigurationRetriever.GetAsync(
                context.Options.MetadataAddress, retriever, context.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return;
        }
        var parameters = context.Options.TokenValidationParameters.Clone();
        parameters.ValidIssuer = configuration.Issuer;
        parameters.IssuerSigningKeys = configuration.SigningKeys;

        foreach (var handler in context.Options.TokenHandlers)
        {
            var result = await handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), parameters);
            if (result.IsValid)
            {
                context.Principal = new ClaimsPrincipal(result.ClaimsIdentity);
                context.Success();
                return;
            }
        }
    }
}
