#!/usr/bin/env python3
"""The refresh mode's token endpoint: a fast stub in front of the dev IdP, on the load generator's core.

usage: tokenstub.py PORT IDP_URL ACCESS_TOKEN_FILE LIFETIME_SECONDS

The dev IdP runs with IDP_ISSUER set to this stub's address, so every endpoint the gateway discovers is here.
A refresh_token grant is answered here at once: the token in ACCESS_TOKEN_FILE (a real one, read at the first
grant, so that the bytes are real) living LIFETIME_SECONDS
and a rotated refresh token ("rt-<session>-<n>" becomes "rt-<session>-<n+1>"); everything else (discovery, keys,
alice's login and code exchange) is passed to the dev IdP unchanged. So the IdP's own cost does not blur the
gateway's, and every refresh can be counted.

GET /stub-stats answers {"calls", "tokens", "reused", "sessions"}: refresh grants received, distinct refresh
tokens presented, grants that presented a token already presented before (a second call for one expiry), and
distinct sessions refreshed. Calls per expiry = calls / tokens, which must be 1.
"""
import http.client
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, IDP, TOKEN_FILE, LIFETIME = int(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2]), sys.argv[3], int(sys.argv[4])
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "content-length"}

lock = threading.Lock()
seen: dict[str, int] = {}
sessions: set[str] = set()
calls = 0
access_token = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The headers and the body go out in two writes: with Nagle's algorithm the body then waits for the
    # gateway's delayed ACK of the headers (up to 40 ms on Linux), which would be charged to every refresh.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/stub-stats":
            with lock:
                stats = {"calls": calls, "tokens": len(seen), "reused": sum(n - 1 for n in seen.values()), "sessions": len(sessions)}
            self.send(200, [("Content-Type", "application/json")], json.dumps(stats).encode())
            return
        self.forward(b"")

    def do_POST(self):
        global calls, access_token
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form = urllib.parse.parse_qs(body.decode("ascii", "replace"))
        if form.get("grant_type") == ["refresh_token"] and form.get("refresh_token"):
            token = form["refresh_token"][0]
            session, _, n = token.rpartition("-")
            with lock:
                if access_token is None:
                    access_token = open(TOKEN_FILE).read().strip()
                calls += 1
                seen[token] = seen.get(token, 0) + 1
                sessions.add(session)
            answer = {"access_token": access_token, "token_type": "Bearer", "expires_in": LIFETIME,
                      "refresh_token": f"{session}-{int(n) + 1 if n.isdigit() else 1}"}
            self.send(200, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], json.dumps(answer).encode())
            return
        self.forward(body)

    def forward(self, body):
        connection = http.client.HTTPConnection(IDP.hostname, IDP.port, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        self.send(response.status, response.getheaders(), data)
        connection.close()


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
