#!/usr/bin/env python3
"""Logs in to the gateway through the real dev IdP, non-interactively, and prints the session cookie.

usage: login.py GATEWAY_URL [USER] [PASSWORD]   ->  prints the value of __Host-bff on stdout

Follows every redirect by hand with one cookie jar per origin, because the gateway's cookies are
Secure and the standard jars refuse to send those over http. Bounded: at most 20 hops, 10 s per call.
"""
import html
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

SESSION_COOKIE = "__Host-bff"
MAX_HOPS = 20
TIMEOUT = 10


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)
jars: dict[str, dict[str, str]] = {}


def origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def request(method: str, url: str, body: bytes | None = None) -> tuple[int, str | None, str]:
    jar = jars.setdefault(origin(url), {})
    headers = {"Accept": "text/html"}
    if jar:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        resp = opener.open(req, timeout=TIMEOUT)
    except urllib.error.HTTPError as err:  # 3xx (not followed) and 4xx/5xx land here
        resp = err
    for header in resp.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        if "expires=thu, 01 jan 1970" in header.lower() or value == "":
            jar.pop(name.strip(), None)
        else:
            jar[name.strip()] = value
    location = resp.headers.get("Location")
    text = resp.read().decode("utf-8", "replace")
    return resp.status, (urllib.parse.urljoin(url, location) if location else None), text


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    gateway = sys.argv[1].rstrip("/")
    user = sys.argv[2] if len(sys.argv) > 2 else "alice"
    password = sys.argv[3] if len(sys.argv) > 3 else "alice"

    method, url, body = "GET", f"{gateway}/bff/login?returnUrl=/", None
    posted = False
    for _ in range(MAX_HOPS):
        status, location, text = request(method, url, body)
        if SESSION_COOKIE in jars.get(origin(gateway), {}):
            print(jars[origin(gateway)][SESSION_COOKIE])
            return 0
        if location:
            method, url, body = "GET", location, None
            continue
        form = re.search(r'<form[^>]*action="([^"]*/login)"', text)
        if status == 200 and form and not posted:
            url = urllib.parse.urljoin(url, html.unescape(form.group(1)))
            method, body, posted = "POST", urllib.parse.urlencode({"login": user, "password": password}).encode(), True
            continue
        print(f"login: stuck at {method} {url} -> {status}: {text[:300]!r}", file=sys.stderr)
        return 1
    print(f"login: no session cookie after {MAX_HOPS} hops", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
