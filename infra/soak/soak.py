#!/usr/bin/env python3
"""The soak run's driver: started by infra/soak/run (which builds the gateway first); see docs/soak.md.

Starts Redis (AOF), the dev IdP (short-lived access tokens), a fake API and two gateways on 127.0.0.1; logs
N sessions in; keeps each calling the API through a readiness-checking round robin over both gateways; restarts
Redis a third of the way in and one gateway two thirds in; reports what the sessions saw.
"""
import argparse
import shutil
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

SESSION_COOKIE = "__Host-bff"
# After Redis is back, gateways that noticed the outage answer 503 until their next store call succeeds and the
# invalidation subscription is confirmed again: the outage window closes this long after Redis answers.
OUTAGE_GRACE = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit(f"soak: {what} not ready after {timeout:.0f} s")


def http_status(url, headers=None, timeout=10.0) -> int:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as err:
        err.read()
        return err.code


def http_text(url, timeout=5.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode()


class Api(http.server.BaseHTTPRequestHandler):
    """The upstream: 200 with a bearer token, 401 without one (a gateway that forwarded without its token)."""

    # Keep-alive, as a real API: an HTTP/1.0 server closing every connection makes the proxy's pooled
    # connections fail now and then ("response ended prematurely"), which would be the fake API's 502s.
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        ok = (self.headers.get("Authorization") or "").startswith("Bearer ")
        body = b"{}" if ok else b"no token"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Soak:
    def __init__(self, args):
        self.args = args
        self.repo = args.repo
        self.out = args.out
        self.procs = {}
        self.redis_port, self.idp_port, self.api_port = free_port(), free_port(), free_port()
        self.gateway_ports = [free_port(), free_port()]
        self.ready = [False, False]
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.outages = []  # (start, end) monotonic, Redis restarts
        self.results = []  # (monotonic, session index, gateway index, status or None for a failed connection)
        self.lost = set()
        self.refreshes = {}  # gateway incarnation -> last bff_token_refreshes_total{outcome="success"} seen

    # --- processes -------------------------------------------------------------------------------------------
    def start(self, name, argv, env=None):
        log = open(os.path.join(self.out, f"{name}.log"), "a")
        self.procs[name] = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=self.repo, start_new_session=True)
        return self.procs[name]

    def start_redis(self):
        data = os.path.join(self.out, "redis")
        os.makedirs(data, exist_ok=True)
        self.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--dir", data,
                             "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""])
        wait_for("redis", lambda: self.redis("PING") == "PONG")

    def redis(self, *command) -> str:
        return subprocess.run(["redis-cli", "-p", str(self.redis_port), *command], capture_output=True, text=True,
                              timeout=10).stdout.strip()

    def start_gateway(self, i):
        home = os.path.join(self.out, f"gateway{i}-home")
        os.makedirs(home, exist_ok=True)
        env = {
            "HOME": home, "ASPNETCORE_ENVIRONMENT": "Production", "Logging__LogLevel__Default": "Warning",
            "Bff__Authority": f"http://127.0.0.1:{self.idp_port}", "Bff__ClientId": "bff", "Bff__ClientSecret": "bff-secret",
            "Bff__RequireHttpsMetadata": "false", "ConnectionStrings__Redis": f"127.0.0.1:{self.redis_port}",
            "Bff__Tokens__RefreshBeforeExpiry": "00:00:10", "Bff__ShutdownDelay": "00:00:02",
            "ReverseProxy__Routes__api__ClusterId": "api", "ReverseProxy__Routes__api__Match__Path": "/api/{**catch-all}",
            "ReverseProxy__Clusters__api__Destinations__d1__Address": f"http://127.0.0.1:{self.api_port}/",
        }
        dll = os.path.join(self.out, "gateway-bin", "Bff.Host.dll")
        self.start(f"gateway{i}", ["dotnet", dll, "--urls", f"http://127.0.0.1:{self.gateway_ports[i]}"], env)
        wait_for(f"gateway {i}", lambda: http_status(self.gateway_url(i) + "/readyz", timeout=2) == 200)

    def gateway_url(self, i) -> str:
        return f"http://127.0.0.1:{self.gateway_ports[i]}"

    def stop_process(self, name, sig=signal.SIGTERM, timeout=60):
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    # --- measurements -------------------------------------------------------------------------------------------
    def rss_mb(self, name) -> float:
        with open(f"/proc/{self.procs[name].pid}/status") as f:
            kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        return kb / 1024

    def redis_memory_mb(self) -> float:
        info = self.redis("INFO", "memory")
        return int(re.search(r"used_memory:(\d+)", info).group(1)) / 1024 / 1024

    def scrape_refreshes(self):
        for i in range(2):
            name = f"gateway{i}"
            if name not in self.procs:
                continue
            try:
                text = http_text(self.gateway_url(i) + "/metrics")
            except Exception:
                continue
            total = sum(float(m) for m in re.findall(r'^bff_token_refreshes_total\{[^}]*outcome="success"[^}]*\} (\S+)', text, re.M))
            with self.lock:
                self.refreshes[(name, self.procs[name].pid)] = total

    # --- load -------------------------------------------------------------------------------------------------
    def poll_readiness(self):
        while not self.stop.is_set():
            for i in range(2):
                try:
                    ok = http_status(self.gateway_url(i) + "/readyz", timeout=2) == 200
                except Exception:
                    ok = False
                self.ready[i] = ok
            time.sleep(0.1)

    def session_loop(self, index, cookie):
        turn = index
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}", "X-CSRF": "1"}
        while not self.stop.is_set():
            ready = [i for i in range(2) if self.ready[i]]
            if not ready:
                time.sleep(0.05)
                continue
            gateway = ready[turn % len(ready)]
            turn += 1
            try:
                status = http_status(self.gateway_url(gateway) + "/api/data", headers)
            except Exception:
                status = None
            with self.lock:
                self.results.append((time.monotonic(), index, gateway, status))
                if status == 401:
                    self.lost.add(index)
            time.sleep(self.args.pause)

    def in_outage(self, at) -> bool:
        return any(start <= at <= end for start, end in self.outages)

    def run(self):
        a = self.args
        # A copy of the build, so a rebuild during the run cannot change what the restarted gateway runs.
        shutil.rmtree(os.path.join(self.out, "gateway-bin"), ignore_errors=True)
        shutil.copytree(os.path.join(self.repo, "gateway/Bff.Host/bin/Release/net10.0"), os.path.join(self.out, "gateway-bin"))
        http.server.ThreadingHTTPServer.request_queue_size = 128
        http.server.ThreadingHTTPServer.daemon_threads = True
        api = http.server.ThreadingHTTPServer(("127.0.0.1", self.api_port), Api)
        threading.Thread(target=api.serve_forever, daemon=True).start()
        self.start_redis()
        self.start("idp", ["node", "infra/idp/server.mjs"], {
            "IDP_PORT": str(self.idp_port), "IDP_ACCESS_TOKEN_TTL": str(a.token_ttl), "IDP_ID_TOKEN_TTL": "3600"})
        wait_for("the dev IdP", lambda: http_status(f"http://127.0.0.1:{self.idp_port}/.well-known/openid-configuration") == 200)
        for i in range(2):
            self.start_gateway(i)

        cookies = []
        for n in range(a.sessions):
            gateway = self.gateway_url(n % 2)
            cookie = subprocess.run([sys.executable, "infra/bench/login.py", gateway, "alice", "alice"], capture_output=True,
                                    text=True, timeout=60, check=True).stdout.strip()
            cookies.append(cookie)
        print(f"soak: {a.sessions} sessions logged in; running {a.minutes} min", flush=True)

        threading.Thread(target=self.poll_readiness, daemon=True).start()
        threads = [threading.Thread(target=self.session_loop, args=(n, c), daemon=True) for n, c in enumerate(cookies)]
        for t in threads:
            t.start()

        started = time.monotonic()
        duration = a.minutes * 60
        warmup = min(60.0, duration / 10)
        time.sleep(warmup)
        start_rss = [self.rss_mb("gateway0"), self.rss_mb("gateway1")]
        start_redis = self.redis_memory_mb()
        redis_restart_at, gateway_restart_at = started + duration / 3, started + 2 * duration / 3
        redis_done = gateway_done = False
        gateway_restart_5xx_from = None
        while time.monotonic() < started + duration:
            time.sleep(5)
            self.scrape_refreshes()
            now = time.monotonic()
            if not redis_done and now >= redis_restart_at:
                redis_done = True
                down = time.monotonic()
                self.stop_process("redis")  # SIGTERM: Redis flushes its AOF, as in a planned restart
                time.sleep(5)
                self.start_redis()
                self.outages.append((down, time.monotonic() + OUTAGE_GRACE))
                print(f"soak: Redis restarted at {down - started:.0f} s", flush=True)
            elif not gateway_done and now >= gateway_restart_at:
                gateway_done = True
                gateway_restart_5xx_from = time.monotonic()
                self.scrape_refreshes()
                code = self.stop_process("gateway0")
                self.start_gateway(0)
                print(f"soak: gateway 0 restarted at {gateway_restart_5xx_from - started:.0f} s (exit code {code})", flush=True)

        self.scrape_refreshes()
        end_rss = [self.rss_mb("gateway1")]
        end_rss_restarted = self.rss_mb("gateway0")
        end_redis = self.redis_memory_mb()
        self.stop.set()
        for t in threads:
            t.join(15)

        # Every session must still be signed in at the end.
        still = 0
        for cookie in cookies:
            if http_status(self.gateway_url(1) + "/bff/user", {"Cookie": f"{SESSION_COOKIE}={cookie}", "X-CSRF": "1"}) == 200:
                still += 1

        with self.lock:
            results = list(self.results)
        total = len(results)
        failed_outside = [r for r in results if (r[3] is None or r[3] >= 500) and not self.in_outage(r[0])]
        failed_inside = [r for r in results if (r[3] is None or r[3] >= 500) and self.in_outage(r[0])]
        others = {}
        for r in results:
            others[r[3]] = others.get(r[3], 0) + 1
        refreshes = sum(self.refreshes.values())
        outage_s = sum(end - start for start, end in self.outages)
        report = "\n".join([
            f"| what | value |",
            f"|---|---|",
            f"| duration | {a.minutes} min, {a.sessions} sessions, access tokens of {a.token_ttl} s, one request per session every {a.pause} s |",
            f"| requests | {total} ({', '.join(f'{k}: {v}' for k, v in sorted(others.items(), key=lambda kv: str(kv[0])))}) |",
            f"| refreshes (success, both gateways, every incarnation) | {refreshes:.0f} |",
            f"| 5xx or failed connections outside the Redis outage window | {len(failed_outside)} |",
            f"| 5xx inside the Redis outage window ({outage_s:.0f} s, restart + {OUTAGE_GRACE:.0f} s) | {len(failed_inside)} |",
            f"| sessions lost (a 401 at any time, or not signed in at the end) | {len(self.lost | set())} during, {a.sessions - still} at the end |",
            f"| gateway RSS, after warm-up ({warmup:.0f} s) -> end | gateway 1 {start_rss[1]:.0f} -> {end_rss[0]:.0f} MB; gateway 0 {start_rss[0]:.0f} MB, after its restart {end_rss_restarted:.0f} MB |",
            f"| Redis used_memory, after warm-up -> end | {start_redis:.1f} -> {end_redis:.1f} MB |",
        ])
        print(report, flush=True)
        with open(os.path.join(self.out, "report.md"), "w") as f:
            f.write(report + "\n")
        if failed_outside:
            print("soak: failures outside the outage window (first 20):", failed_outside[:20], flush=True)
        return 0 if not failed_outside and not self.lost and still == a.sessions else 1

    def shutdown(self):
        self.stop.set()
        for name in list(self.procs):
            try:
                self.stop_process(name, signal.SIGKILL, 10)
            except Exception:
                pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--token-ttl", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    soak = Soak(args)
    try:
        return soak.run()
    finally:
        soak.shutdown()


if __name__ == "__main__":
    sys.exit(main())
