using System.Globalization;
using System.Text;

namespace Bff.Tests.Integration.Hosting;

/// <summary>What the fuzzer may use: genuine cookies, antiforgery pairs and session handles of sessions it owns.</summary>
internal sealed record FuzzMaterial(int Port, IReadOnlyList<string> SessionCookies, IReadOnlyList<(string Cookie, string Token)> Antiforgery, IReadOnlyList<string> SessionIds);

/// <summary>One raw request and the indexes of the sessions whose cookies went into it, in whatever form.</summary>
internal sealed record FuzzRequest(byte[] Bytes, string Text, IReadOnlySet<int> Sessions);

/// <summary>
/// Seeded random requests over the gateway's own endpoints and its proxied routes, malformed in the ways a browser, a
/// proxy or an attacker sends them: cookies with commas, quotes, whitespace, duplicates, other cases and 8 KB values;
/// duplicated and cross-site Origin and Fetch Metadata; odd Host and forwarded headers; huge and non-ASCII values;
/// hostile returnUrls and sids; bodies and methods of every kind.
/// </summary>
internal sealed class FuzzRequests(FuzzMaterial material, int seed)
{
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get"];

    private static readonly string[] ReturnUrls =
    [
        "/", "/orders?x=1", "//evil.example", "/\\evil.example", "https://evil.example/", "%2F%2Fevil.example", "/%2F%2Fevil",
        "/caf%C3%A9", "/café", "/%00", "javascript:alert(1)", "/%E0%A4%A", "/" + new string('a', 8192), "/a b", "/x#frag",
    ];

    private readonly Random _random = new(seed);

    public FuzzRequest Next(int id)
    {
        var sessions = new HashSet<int>();
        var sid = Pick([.. material.SessionIds, "", "x", "%00", new string('9', 300), "' OR 1=1 --"]);
        var method = Pick(Methods);
        var target = Pick(
        [
            "/bff/login", "/bff/login?returnUrl=" + Pick(ReturnUrls), "/bff/login?returnUrl=/a&returnUrl=/b", "/bff/logout",
            "/bff/logout?sid=" + sid, "/bff/user", "/bff/csrf", "/bff/sessions", "/bff/sessions/" + sid, "/bff/sessions/revoke-others",
            "/bff/backchannel-logout", "/signin-oidc?code=x&state=" + Junk(40), "/signout-callback-oidc", "/bff-client.js", "/healthz",
            "/api/fuzz/" + id, "/api/fuzz/" + id + "?q=" + Junk(20), "/open/fuzz/" + id, "/client/fuzz/" + id, "/anon/fuzz/" + id, "/anon/fuzz/" + id, "/API/fuzz/" + id,
            "/api/../bff/user", "/%2e%2e/bff/user", "//api/fuzz", "/" + Junk(12), "*", "127.0.0.1:443",
        ]);
        if (_random.Next(20) == 0)
        {
            // A tunnel request on a proxied route, with or without antiforgery, or in authority form.
            method = "CONNECT";
            target = Pick(["/anon/fuzz/" + id, "/api/fuzz/" + id, "/open/fuzz/" + id, "127.0.0.1:443"]);
        }

        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\n");
        AddHost(head);
        if (_random.Next(3) > 0)
        {
            head.Append("Cookie: ").Append(Cookies(sessions)).Append("\r\n");
        }

        Maybe(head, 2, "X-CSRF", () => Pick(["1", "1", "1", "1", "0", "", "1, 1", "true"]));
        Maybe(head, 8, "X-CSRF", () => "1");
        Maybe(head, 3, "X-XSRF-TOKEN", () => _random.Next(2) == 0 && material.Antiforgery.Count > 0 ? Pick(material.Antiforgery).Token : Junk(60));
        Maybe(head, 3, "Origin", () => Pick([$"http://127.0.0.1:{material.Port}", "https://evil.example", "null", "http://127.0.0.1", Junk(10)]));
        Maybe(head, 6, "Origin", () => "https://evil.example");
        Maybe(head, 2, "Sec-Fetch-Site", () => Pick(["same-origin", "same-site", "cross-site", "none", "SAME-ORIGIN", Junk(5)]));
        Maybe(head, 3, "Sec-Fetch-Mode", () => Pick(["cors", "navigate", "no-cors", "websocket", Junk(5)]));
        Maybe(head, 3, "Sec-Fetch-Dest", () => Pick(["empty", "document", "iframe", "script"]));
        Maybe(head, 5, "X-Forwarded-For", () => Pick(["10.0.0.1", "1.2.3.4, 5.6.7.8", "garbage", "::1"]));
        Maybe(head, 5, "X-Forwarded-Proto", () => Pick(["https", "http", "gopher"]));
        Maybe(head, 5, "X-Forwarded-Host", () => Pick(["evil.example", "127.0.0.1"]));
        Maybe(head, 6, "X-HTTP-Method-Override", () => Pick(["DELETE", "PUT", "GET"]));
        Maybe(head, 8, "X-Big", () => new string('b', _random.Next(1, 20_000)));
        Maybe(head, 16, "X-Unicode", () => "é☃" + Junk(4));
        Maybe(head, 6, "Authorization", () => "Bearer " + Junk(30));
        head.Append("X-Fuzz-Id: ").Append(id.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Connection: close\r\n");

        var body = Body(head);
        head.Append("\r\n");
        var bytes = Encoding.UTF8.GetBytes(head.ToString()).Concat(body).ToArray();
        return new FuzzRequest(bytes, head.ToString(), sessions);
    }

    private void AddHost(StringBuilder head)
    {
        var host = _random.Next(20) switch
        {
            0 => null,
            1 => "evil.example",
            2 => $"127.0.0.1:{material.Port}, evil.example",
            3 => "é.example",
            _ => $"127.0.0.1:{material.Port}",
        };
        if (host is not null)
        {
            head.Append("Host: ").Append(host).Append("\r\n");
        }

        Maybe(head, 30, "Host", () => "other.example");
    }

    private string Cookies(HashSet<int> sessions)
    {
        var parts = new List<string>();
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            var index = _random.Next(material.SessionCookies.Count);
            var genuine = material.SessionCookies[index];
            var (name, value) = (genuine[..genuine.IndexOf('=')], genuine[(genuine.IndexOf('=') + 1)..]);
            sessions.Add(index);
            parts.Add(_random.Next(20) switch
            {
                0 => $"t=x,{genuine}",
                1 => $"{name}=\"{value}\"",
                2 => $" {name} = {value} ",
                3 => $"{name.ToLowerInvariant()}={value}",
                4 => $"{name}={value[..(value.Length / 2)]} {value[(value.Length / 2)..]}",
                5 => $"{name}={value}==",
                6 => $"{name}={new string('A', 8192)}",
                7 => $"{name}={Flip(value)}",
                8 => material.Antiforgery.Count > 0 ? Pick(material.Antiforgery).Cookie : genuine,
                9 => $"{name}=",
                _ => genuine,
            });
        }

        return string.Join(Pick(["; ", ";", ", ", ";;"]), parts);
    }

    private IEnumerable<byte> Body(StringBuilder head)
    {
        var body = _random.Next(6) switch
        {
            0 => Encoding.UTF8.GetBytes("{\"a\":1}"),
            1 => Encoding.UTF8.GetBytes("logout_token=" + Junk(200)),
            2 => Enumerable.Range(0, _random.Next(1, 4096)).Select(_ => (byte)_random.Next(256)).ToArray(),
            _ => [],
        };
        if (body.Length > 0 || _random.Next(4) == 0)
        {
            head.Append("Content-Type: ").Append(Pick(["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data"])).Append("\r\n");
            head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        return body;
    }

    private void Maybe(StringBuilder head, int oneIn, string name, Func<string> value)
    {
        if (_random.Next(oneIn) == 0)
        {
            head.Append(name).Append(": ").Append(value()).Append("\r\n");
        }
    }

    private string Flip(string value)
    {
        var chars = value.ToCharArray();
        var at = _random.Next(chars.Length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private string Junk(int length) =>
        new(Enumerable.Range(0, length).Select(_ => "abcXYZ019-_.~%/?&=;,\"' <>{}"[_random.Next(27)]).ToArray());

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
