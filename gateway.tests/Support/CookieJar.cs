namespace Bff.Tests.Support;

/// <summary>
/// The cookies of a browser that talks to servers on http://127.0.0.1 only. HttpClient's
/// CookieContainer never sends a Secure cookie over http, and every cookie of the gateway is
/// Secure (<c>__Host-</c>), whereas Chromium treats 127.0.0.1 as a secure context and does. As in a
/// browser, ports do not isolate cookies, so the gateway's and the IdP's share this jar; a cookie
/// is known by its name and sent to paths under its Path. Prefix rules (<c>__Host-</c>,
/// <c>__Secure-</c>) and deletions (Max-Age&lt;=0, past Expires) are honoured. Thread safe.
/// </summary>
public sealed class CookieJar
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Entry> _cookies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SetCookie>> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _rejected = [];
    private long _sequence;

    public CookieJar(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>The names of the cookies held now (expired ones excluded).</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                PurgeExpired();
                return [.. _cookies.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Set-Cookie headers a browser would have ignored (bad prefix, foreign Domain, Secure over http to a non-loopback host, unparseable).</summary>
    public IReadOnlyList<string> RejectedSetCookieHeaders
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejected];
            }
        }
    }

    public string? Get(string name)
    {
        lock (_gate)
        {
            PurgeExpired();
            return _cookies.TryGetValue(name, out var entry) ? entry.Value : null;
        }
    }

    public bool Contains(string name) => Get(name) is not null;

    /// <summary>Puts a cookie in as if a server had set it (forged or copied cookies, for tests).</summary>
    public void Set(string name, string value, string path = "/")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _cookies[name] = new Entry(name, value, path, null, ++_sequence);
        }
    }

    public bool Remove(string name)
    {
        lock (_gate)
        {
            return _cookies.Remove(name);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _cookies.Clear();
        }
    }

    /// <summary>An independent copy: cookies and the Set-Cookie history.</summary>
    public CookieJar Clone()
    {
        var copy = new CookieJar(_time);
        lock (_gate)
        {
            foreach (var (name, entry) in _cookies)
            {
                copy._cookies[name] = entry;
            }

            foreach (var (name, seen) in _seen)
            {
                copy._seen[name] = [.. seen];
            }

            copy._rejected.AddRange(_rejected);
            copy._sequence = _sequence;
        }

        return copy;
    }

    /// <summary>Every raw Set-Cookie header received for <paramref name="name"/>, oldest first, rejected ones included.</summary>
    public IReadOnlyList<string> SetCookieHeaders(string name) => [.. SetCookies(name).Select(c => c.Raw)];

    /// <summary>Every Set-Cookie received for <paramref name="name"/>, parsed, oldest first.</summary>
    public IReadOnlyList<SetCookie> SetCookies(string name)
    {
        lock (_gate)
        {
            return _seen.TryGetValue(name, out var seen) ? [.. seen] : [];
        }
    }

    /// <summary>The latest Set-Cookie received for <paramref name="name"/>, or null.</summary>
    public SetCookie? LastSetCookie(string name)
    {
        lock (_gate)
        {
            return _seen.TryGetValue(name, out var seen) ? seen[^1] : null;
        }
    }

    /// <summary>Takes in one Set-Cookie header received in answer to <paramref name="requestUri"/>; false when a browser would ignore it.</summary>
    public bool Apply(string setCookieHeader, Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(setCookieHeader);
        ArgumentNullException.ThrowIfNull(requestUri);
        lock (_gate)
        {
            if (!SetCookie.TryParse(setCookieHeader, out var cookie))
            {
                _rejected.Add(setCookieHeader);
                return false;
            }

            if (!_seen.TryGetValue(cookie.Name, out var seen))
            {
                _seen[cookie.Name] = seen = [];
            }

            seen.Add(cookie);

            if (CookieRules.RejectionReason(cookie, requestUri) is not null)
            {
                _rejected.Add(setCookieHeader);
                return false;
            }

            var now = _time.GetUtcNow();
            if (cookie.IsDeletion(now))
            {
                _cookies.Remove(cookie.Name);
                return true;
            }

            var path = cookie.Path is { Length: > 0 } p && p[0] == '/' ? p : CookieRules.DefaultPath(requestUri);
            _cookies[cookie.Name] = new Entry(cookie.Name, cookie.Value, path, cookie.ExpiresAt(now), ++_sequence);
            return true;
        }
    }

    /// <summary>The Cookie header a browser would send with a request to <paramref name="requestUri"/>, or null for none.</summary>
    public string? GetCookieHeader(Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        lock (_gate)
        {
            PurgeExpired();
            var path = string.IsNullOrEmpty(requestUri.AbsolutePath) ? "/" : requestUri.AbsolutePath;
            var sent = _cookies.Values
                .Where(c => CookieRules.PathMatches(path, c.Path))
                .OrderByDescending(c => c.Path.Length)
                .ThenBy(c => c.Sequence)
                .Select(c => $"{c.Name}={c.Value}")
                .ToList();
            return sent.Count == 0 ? null : string.Join("; ", sent);
        }
    }

    private void PurgeExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var expired in _cookies.Values.Where(c => c.ExpiresAt <= now).Select(c => c.Name).ToList())
        {
            _cookies.Remove(expired);
        }
    }

    private sealed record Entry(string Name, string Value, string Path, DateTimeOffset? ExpiresAt, long Sequence);
}
