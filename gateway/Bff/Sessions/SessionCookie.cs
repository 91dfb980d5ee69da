using Bff.Configuration;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Sessions;

/// <summary>
/// The session cookie holds a random 256-bit secret, protected with Data Protection. The session is
/// stored under a hash of that secret (its public handle), so someone who reads Redis, or the logs,
/// learns handles but can never build a working cookie from them.
/// </summary>
internal sealed partial class SessionCookie(IDataProtectionProvider provider, KeyRingReloadGate keyRing, IOptions<BffOptions> options)
{
    private const int SecretBytes = 32;

    // Unprotecting a cookie (AES-CBC + HMAC) was the gateway's largest single cost per proxied request.
    // A cookie this instance has already verified maps to the same handle until the key ring changes, so
    // the result is remembered briefly; the session itself is still checked in the store every time.
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);
    // Held as its span lookup, so a cookie is found by a slice of the Cookie header; .Dictionary for the rest.
    private readonly ConcurrentDictionary<string, (string Handle, long Until)>.AlternateLookup<ReadOnlySpan<char>> _verified =
        new ConcurrentDictionary<string, (string Handle, long Until)>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    private readonly IDataProtector _protector = provider.CreateProtector("Bff.SessionCookie.v1");
    private readonly BffCookieOptions _cookie = options.Value.Cookie;

    public string Name => _cookie.Name;

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The public handle of a secret: 128 bits of its SHA-256, base64url.</summary>
    public static string HandleOf(ReadOnlySpan<byte> secret)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(secret, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }

    public string Protect(byte[] secret) => Base64Url.EncodeToString(_protector.Protect(secret));

    /// <summary>The handle inside a cookie value, or null when the value is not one this gateway made.</summary>
    /// <remarks>A span of the Cookie header: a cookie seen before is found without copying it into a string.</remarks>
    public ValueTask<string?> TryReadHandleAsync(ReadOnlySpan<char> value, CancellationToken cancellationToken)
    {
        if (value.IsEmpty || value.Length > 1024)
        {
            return ValueTask.FromResult<string?>(null);
        }

        if (_verified.TryGetValue(value, out var known) && known.Until > Environment.TickCount64)
        {
            return ValueTask.FromResult<string?>(known.Handle);
        }

        return TryReadNewAsync(value.ToString(), cancellationToken);
    }

    private ValueTask<string?> TryReadNewAsync(string value, CancellationToken cancellationToken)
    {
        byte[] protectedSecret;
        try
        {
            protectedSecret = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return ValueTask.FromResult<string?>(null);
        }

        if (!IsCanonical(value, protectedSecret))
        {
            return ValueTask.FromResult<string?>(null);
        }

        var keyKnown = keyRing.WaitForKeyAsync(protectedSecret, cancellationToken);
        return keyKnown.IsCompletedSuccessfully
            ? ValueTask.FromResult(keyKnown.Result ? Unprotect(value, protectedSecret) : null)
            : UnprotectAfterAsync(keyKnown, value, protectedSecret);
    }

    // Decoding skips whitespace: were other spellings of a cookie accepted, one genuine cookie would be
    // endless distinct ones, each decrypted and remembered. Only the spelling Protect writes is a cookie.
    private static bool IsCanonical(string value, byte[] decoded)
    {
        if (Base64Url.GetEncodedLength(decoded.Length) != value.Length)
        {
            return false;
        }

        // At most 1,024 characters (TryReadHandleAsync).
        Span<char> canonical = stackalloc char[value.Length];
        Base64Url.EncodeToChars(decoded, canonical);
        return canonical.SequenceEqual(value);
    }

    // A key the ring still lacks after reading it again refuses the cookie here: Unprotect would read the
    // ring once more, synchronously, for every such request.
    private async ValueTask<string?> UnprotectAfterAsync(ValueTask<bool> keyKnown, string value, byte[] protectedSecret) =>
        await keyKnown ? Unprotect(value, protectedSecret) : null;

    private string? Unprotect(string value, byte[] protectedSecret)
    {
        try
        {
            var secret = _protector.Unprotect(protectedSecret);
            if (secret.Length != SecretBytes)
            {
                return null;
            }

            var handle = HandleOf(secret);
            if (_verified.Dictionary.Count >= Capacity)
            {
                MakeRoom();
            }

            _verified.Dictionary[value] = (handle, Environment.TickCount64 + (long)RememberFor.TotalMilliseconds);
            return handle;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public void Append(HttpContext context, string value, DateTimeOffset expires) => Append(context, _cookie, value, expires);

    public void Expire(HttpContext context) => Expire(context, _cookie);

    /// <summary>Sets the cookie of one frontend (<paramref name="cookie"/>: its name and SameSite).</summary>
    public void Append(HttpContext context, BffCookieOptions cookie, string value, DateTimeOffset expires) =>
        context.Response.Cookies.Append(cookie.Name, value, Build(cookie, expires));

    /// <summary>Expires the cookie of one frontend.</summary>
    public void Expire(HttpContext context, BffCookieOptions cookie) =>
        context.Response.Cookies.Delete(cookie.Name, Build(cookie, DateTimeOffset.UnixEpoch));

    private static CookieOptions Build(BffCookieOptions cookie, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = cookie.SameSite,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
