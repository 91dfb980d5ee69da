using System.Globalization;

namespace OpenIddictIdp;

/// <summary>What the environment asks of this IdP, read once at start; a bad value names its variable.</summary>
internal sealed record IdpSettings(
    int Port,
    Uri Issuer,
    string ClientId,
    string ClientSecret,
    string? ClientPublicKeyPath,
    IReadOnlyList<Uri> RedirectUris,
    string ApiResource,
    TimeSpan AccessTokenLifetime,
    TimeSpan IdTokenLifetime,
    TimeSpan RefreshTokenLifetime,
    TimeSpan? RefreshTokenReuseLeeway,
    string PushedAuthorization)
{
    public static IdpSettings Read(Func<string, string?> env)
    {
        var port = PositiveInteger(env, "OIDDICT_PORT", 5011);
        if (port > 65535)
        {
            throw new SettingException("OIDDICT_PORT", $"must be a TCP port, got \"{port}\"");
        }

        var issuer = AbsoluteUri(env, "OIDDICT_ISSUER", Text(env, "OIDDICT_ISSUER") ?? $"http://127.0.0.1:{port}");
        var redirectUris = (Text(env, "OIDDICT_REDIRECT_URIS") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => AbsoluteUri(env, "OIDDICT_REDIRECT_URIS", u))
            .ToList();
        var par = Text(env, "OIDDICT_PAR") ?? "optional";
        if (par is not ("optional" or "required" or "off"))
        {
            throw new SettingException("OIDDICT_PAR", $"must be optional, required or off, got \"{par}\"");
        }

        var keyPath = Text(env, "OIDDICT_CLIENT_PUBLIC_KEY_PATH");
        if (keyPath is not null && !File.Exists(keyPath))
        {
            throw new SettingException("OIDDICT_CLIENT_PUBLIC_KEY_PATH", $"names no file: \"{keyPath}\"");
        }

        // Zero by default, unlike OpenIddict's 30 s: a replayed refresh token is then always refused and
        // revokes the login's tokens, so a client that replays one cannot go unnoticed in tests.
        var leeway = NonNegativeInteger(env, "OIDDICT_REFRESH_TOKEN_REUSE_LEEWAY", 0);

        return new IdpSettings(
            port,
            issuer,
            Text(env, "OIDDICT_CLIENT_ID") ?? "bff",
            Text(env, "OIDDICT_CLIENT_SECRET") ?? "bff-secret",
            keyPath,
            redirectUris,
            AbsoluteUri(env, "OIDDICT_API_RESOURCE", Text(env, "OIDDICT_API_RESOURCE") ?? "https://api.bff.example").OriginalString,
            TimeSpan.FromSeconds(PositiveInteger(env, "OIDDICT_ACCESS_TOKEN_TTL", 300)),
            TimeSpan.FromSeconds(PositiveInteger(env, "OIDDICT_ID_TOKEN_TTL", 3600)),
            TimeSpan.FromSeconds(PositiveInteger(env, "OIDDICT_REFRESH_TOKEN_TTL", 86400)),
            leeway == 0 ? null : TimeSpan.FromSeconds(leeway),
            par);
    }

    private static string? Text(Func<string, string?> env, string name) =>
        env(name) is { Length: > 0 } value ? value : null;

    private static int PositiveInteger(Func<string, string?> env, string name, int fallback)
    {
        var value = NonNegativeInteger(env, name, fallback);
        return value > 0 ? value : throw new SettingException(name, $"must be a positive whole number, got \"{env(name)}\"");
    }

    private static int NonNegativeInteger(Func<string, string?> env, string name, int fallback)
    {
        if (Text(env, name) is not { } raw)
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SettingException(name, $"must be a whole number, got \"{raw}\"");
    }

    // Kept as written (OriginalString): an audience or redirect URI is compared as an exact string.
    private static Uri AbsoluteUri(Func<string, string?> env, string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new SettingException(name, $"must hold absolute http(s) URLs, got \"{value}\"");
}

internal sealed class SettingException(string variable, string problem) : Exception($"{variable} {problem}");
