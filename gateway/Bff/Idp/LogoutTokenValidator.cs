using Bff.Configuration;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Idp;

/// <summary>
/// Validates an OIDC Back-Channel Logout 1.0 <c>logout_token</c> (§2.6): signed by a key of the IdP's JWKS
/// with an asymmetric algorithm (never <c>none</c>, never a shared secret), <c>iss</c> the IdP, <c>aud</c>
/// this client, <c>iat</c> present and recent, <c>exp</c> and <c>nbf</c> honoured when present, the back-channel logout
/// event, a <c>sub</c> or a <c>sid</c>, a <c>jti</c>, and no <c>nonce</c> (which is how an ID token is told
/// apart). Replay is the caller's to check, with the <c>jti</c>.
/// </summary>
internal sealed class LogoutTokenValidator(
    IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    IOptions<BffOptions> options,
    TimeProvider time)
{
    public const string BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    internal const int MaxTokenLength = 16 * 1024;

    internal static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A logout token is sent the moment the IdP session ends; one older than this is refused even without
    /// an <c>exp</c>, which also bounds how long its <c>jti</c> must be remembered.
    /// </summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token's request, or why it was refused. Throws when the IdP's keys cannot be loaded.</summary>
    public async Task<(LogoutToken? Token, string? Error)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength)
        {
            return (null, "too_long");
        }

        var manager = oidcOptions.Get(BffSessionDefaults.OidcScheme).ConfigurationManager
            ?? throw new InvalidOperationException("The OIDC handler has no configuration manager.");
        var configuration = await manager.GetConfigurationAsync(cancellationToken);
        var result = await _handler.ValidateTokenAsync(token, Parameters(configuration));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The IdP may have rotated its keys since discovery was read.
            manager.RequestRefresh();
            configuration = await manager.GetConfigurationAsync(cancellationToken);
            result = await _handler.ValidateTokenAsync(token, Parameters(configuration));
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return (null, result.Exception?.GetType().Name ?? "invalid");
        }

        return Inspect(jwt, configuration.Issuer);
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = configuration.Issuer,
        // A logout token for any of the gateway's clients: back-channel logout reaches every frontend's sessions.
        ValidAudiences = ClientIds(options.Value),
        IssuerSigningKeys = configuration.SigningKeys,
        ValidAlgorithms = AsymmetricAlgorithms,
        RequireSignedTokens = true,
        RequireAudience = true,
        // Checked in Inspect against the gateway's TimeProvider: Back-Channel Logout requires iat, not exp.
        RequireExpirationTime = false,
        ValidateLifetime = false,
    };

    private static string[] ClientIds(BffOptions options) =>
        [.. new[] { options.ClientId }.Concat(options.Frontends.Select(f => f.ClientId)).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];

    private (LogoutToken?, string?) Inspect(JsonWebToken jwt, string issuer)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var claims = payload.RootElement;
        if (claims.ValueKind != JsonValueKind.Object)
        {
            return (null, "payload_not_object");
        }

        if (claims.TryGetProperty("nonce", out _))
        {
            return (null, "nonce_present");
        }

        if (!claims.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(BackchannelLogoutEvent, out var logoutEvent) || logoutEvent.ValueKind != JsonValueKind.Object)
        {
            return (null, "no_logout_event");
        }

        if (!claims.TryGetProperty("iat", out var iatValue))
        {
            return (null, "no_iat");
        }

        if (!TryNumericDate(iatValue, out var issuedAt))
        {
            return (null, "iat_not_a_number");
        }

        var now = time.GetUtcNow();
        if (issuedAt > now + ClockSkew)
        {
            return (null, "iat_in_future");
        }

        var windowEnd = issuedAt + MaxAge;
        if (claims.TryGetProperty("exp", out var expValue))
        {
            if (!TryNumericDate(expValue, out var expiresAt))
            {
                return (null, "exp_not_a_number");
            }

            windowEnd = expiresAt < windowEnd ? expiresAt : windowEnd;
        }

        if (now >= windowEnd + ClockSkew)
        {
            return (null, "expired");
        }

        if (claims.TryGetProperty("nbf", out var nbfValue))
        {
            if (!TryNumericDate(nbfValue, out var notBefore))
            {
                return (null, "nbf_not_a_number");
            }

            if (notBefore > now + ClockSkew)
            {
                return (null, "not_yet_valid");
            }
        }

        var jti = StringClaim(claims, "jti");
        if (jti is null || jti.Length > 256)
        {
            return (null, "no_jti");
        }

        var subject = StringClaim(claims, "sub");
        var sid = StringClaim(claims, "sid");
        if (subject is null && sid is null)
        {
            return (null, "no_sub_or_sid");
        }

        return (new LogoutToken(issuer, subject, sid, jti, windowEnd + ClockSkew), null);
    }

    // RFC 7519 §2: a NumericDate is a JSON number, possibly with a fraction. Some IdPs send "1700000000", a
    // string: that is refused rather than guessed at (and JsonElement would throw reading it as a number).
    private static bool TryNumericDate(JsonElement value, out DateTimeOffset date)
    {
        date = default;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds))
        {
            return false;
        }

        date = DateTimeOffset.FromUnixTimeSeconds((long)Math.Clamp(Math.Floor(seconds), 0, 253402300799));
        return true;
    }

    private static string? StringClaim(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;
}
