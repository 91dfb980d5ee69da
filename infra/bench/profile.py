#!/usr/bin/env python3
"""Summarises `perf record -g -C <server cpu>` samples taken while wrk loaded bare YARP, then the gateway.

usage: profile.py HZ SECONDS TARGET=SCRIPT.gz:WRK_OUTPUT:PID:ALLOC_TYPES.tsv ... [NAME=PID ...]

TARGET=... names one profiled target (its `perf script` output, wrk's output for the request rate, the
proxy's pid, the allocation hook's sampled bytes per type over the same window); NAME=PID names other processes on the server core (redis-server, the upstream nginx).
Prints markdown: the server core split by process; the proxy process's cpu time per request charged to
the innermost known frame, and by kind of leaf frame, side by side; the hottest leaf functions of the
last target.
"""
import collections
import gzip
import json
import os
import re
import sys

HEADER = re.compile(r"^(\S.*?)\s+(-?\d+)/(-?\d+)\s*$")
FRAME = re.compile(r"^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")
MANAGED = re.compile(r"\[([^\]]+)\]\s+([\w.+`<>|,\[\]-]+?)::([^\(]+)\(")

# Owners: each sample is charged to the innermost frame of its stack (leaf to root) that matches one of
# these, so the rows partition the process's time. Kernel and native frames count for the managed code
# that called them (a send() for Kestrel, HttpClient or the Redis client). Awaited work is charged to
# whatever resumed it: the unprotects after the Redis read run in the Redis completion's continuation.
OWNERS = [
    ("cookie: Data Protection unprotect + SHA-256 (SessionCookie.TryReadHandle)", r"Bff\.Sessions\.SessionCookie::TryReadHandle"),
    ("session metadata: unprotect + JSON (SessionProtector.UnprotectMetadata)", r"SessionProtector::UnprotectMetadata"),
    ("session tokens: unprotect + JSON (SessionProtector.UnprotectTokens)", r"SessionProtector::UnprotectTokens"),
    ("session cache lookup (SessionCache)", r"Bff\.Sessions\.SessionCache"),
    ("access-token freshness check (UserTokenManager)", r"Bff\.Tokens\.UserTokenManager"),
    ("ClaimsPrincipal from the session (SessionAuthenticator.BuildPrincipal)", r"SessionAuthenticator::BuildPrincipal"),
    ("Redis client (StackExchange.Redis: write, read, parse)", r"StackExchange\.Redis|Pipelines\.Sockets\.Unofficial"),
    ("RedisSessionStore, other", r"Bff\.Sessions\.RedisSessionStore"),
    ("authentication: the session read, BffSessionHandler, ASP.NET Core authentication", r"Bff\.Authentication\.|Microsoft\.AspNetCore\.Authentication"),
    ("BffProxyMiddleware, other", r"Bff\.Proxy\.BffProxyMiddleware"),
    ("proxy transforms (the gateway's, or bare YARP's one header)", r"Bff\.Proxy\.BffProxyTransformProvider|Yarp\.ReverseProxy\.Transforms"),
    ("CsrfMiddleware (and its browser-context checks)", r"Bff\.Antiforgery\.(CsrfMiddleware|BrowserContextCheck)"),
    ("RequestScreeningMiddleware", r"Bff\.Hosting\.RequestScreeningMiddleware"),
    ("ResponseHeadersMiddleware (Cache-Control etc.)", r"Bff\.Hosting\.ResponseHeadersMiddleware"),
    ("static files / default files middleware", r"StaticFiles\.(StaticFileMiddleware|DefaultFilesMiddleware)"),
    ("exception handler middleware", r"Diagnostics\.ExceptionHandlerMiddleware"),
    ("YARP forwarder and HttpClient to the upstream", r"Yarp\.ReverseProxy|System\.Net\.Http"),
    ("Kestrel: connections, HTTP/1.1 parsing and writing", r"Microsoft\.AspNetCore\.Server\.Kestrel|System\.IO\.Pipelines|System\.Net\.Sockets"),
    ("routing, HttpContext, other ASP.NET Core", r"Microsoft\.AspNetCore"),
]
OWNER_RX = [(label, re.compile(rx)) for label, rx in OWNERS]
OTHER_MANAGED = "thread pool, timers, other managed"
# Frame-pointer unwinding stops in native code built without frame pointers (libc, OpenSSL, the CLR), so
# many native samples have no managed caller: those are charged by the kind of their leaf frame.
NO_CALLER = "no managed caller: "


def owner(frames):
    for sym, _ in frames:
        for label, rx in OWNER_RX:
            if rx.search(sym):
                return label
    if any(MANAGED.search(sym) for sym, _ in frames):
        return OTHER_MANAGED
    return NO_CALLER + category(*frames[0])


def category(sym, dso):
    """The kind of code a leaf frame is."""
    if "kernel.kallsyms" in dso:
        if re.search(r"schedule|switch|idle|futex|yield", sym):
            return "kernel: scheduler, futex, yield"
        return "kernel: TCP/loopback, epoll, other syscalls"
    if re.search(r"libcrypto|libssl|Cryptography\.Native", dso):
        return "OpenSSL (AES-CBC, HMAC, SHA-2)"
    if "libclrjit" in dso:
        return "JIT compiler"
    if "libcoreclr" in dso or (dso.startswith("/tmp/perf-") and sym.startswith("stub ")):
        return "CLR runtime native (GC, allocation, casts, stubs; no symbols)"
    if re.search(r"libc\.so|libpthread|ld-linux", dso):
        return "libc (memset, malloc for OpenSSL, ...)"
    m = MANAGED.search(sym)
    if not m:
        return "unresolved" if sym == "[unknown]" else f"other native ({dso.rsplit('/', 1)[-1]})"
    name = m.group(2)
    for prefix, label in [
        ("Bff.", "gateway code (Bff.*)"),
        ("Microsoft.AspNetCore.DataProtection", "Data Protection (managed part)"),
        ("System.Security.Cryptography", "System.Security.Cryptography (managed part)"),
        ("StackExchange.Redis", "StackExchange.Redis"),
        ("Pipelines.Sockets.Unofficial", "StackExchange.Redis"),
        ("Yarp.", "YARP"),
        ("System.Net.Http", "HttpClient"),
        ("Microsoft.AspNetCore.Server.Kestrel", "Kestrel, sockets, pipelines"),
        ("System.Net.Sockets", "Kestrel, sockets, pipelines"),
        ("System.IO.Pipelines", "Kestrel, sockets, pipelines"),
        ("Microsoft.AspNetCore.Authentication", "ASP.NET Core authentication"),
        ("Microsoft.AspNetCore", "ASP.NET Core (routing, middleware, HttpContext)"),
        ("System.Text.Json", "System.Text.Json"),
        ("System.Text.Encodings", "System.Text.Json"),
        ("System.Security.Claims", "claims, principal"),
        ("Microsoft.Extensions", "Microsoft.Extensions (DI, options, logging, metrics)"),
        ("System.Diagnostics", "diagnostics (Activity, metrics)"),
        ("System.Threading", "async state machines, thread pool"),
        ("System.Runtime.CompilerServices", "async state machines, thread pool"),
    ]:
        if name.startswith(prefix):
            return label
    return "BCL: strings, collections, buffers, other"


def parse(path):
    samples = []
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", errors="replace") as f:
        current = None
        for line in f:
            if not line.strip():
                if current:
                    samples.append(current)
                current = None
                continue
            h = HEADER.match(line)
            if h and not line[0].isspace():
                current = (h.group(1), int(h.group(2)), [])
                continue
            fr = FRAME.match(line)
            if fr and current is not None:
                current[2].append((fr.group(2), fr.group(3)))
        if current:
            samples.append(current)
    return samples


def requests_of(wrk_output):
    for line in open(wrk_output):
        if line.startswith("{"):
            r = json.loads(line)
            bad = r["err_status"] + r["err_connect"] + r["err_read"] + r["err_write"] + r["err_timeout"]
            return r["rps"], bad
    raise SystemExit(f"no wrk result in {wrk_output}")


def main():
    hz, seconds = int(sys.argv[1]), int(sys.argv[2])
    targets, names = [], {}
    for arg in sys.argv[3:]:
        key, _, value = arg.partition("=")
        if value.count(":") >= 3:
            script, wrk_out, pid, types = value.rsplit(":", 3)
            targets.append((key, script, wrk_out, int(pid), types))
        else:
            names[int(value)] = key
    us_per_sample = 1e6 / hz
    labels = [t[0] for t in targets]
    out = []
    w = out.append
    data = {}
    for label, script, wrk_out, pid, types in targets:
        rps, bad = requests_of(wrk_out)
        if bad:
            raise SystemExit(f"{label}: wrk saw {bad} errors during the profile")
        alloc = collections.Counter()
        try:
            for line in open(types):
                amount, _, name = line.rstrip("\n").partition("\t")
                alloc[name] += int(amount)
        except (OSError, ValueError):
            pass
        data[label] = dict(samples=parse(script), pid=pid, requests=rps * seconds, rps=rps, alloc=alloc)

    # The difference is between the last two targets: the gateway and the baseline profiled just before it.
    two = len(targets) >= 2
    head = "| " + " | ".join(labels) + " |" + (f" {labels[-1]} − {labels[-2]} |" if two else "")
    rule = "|---|" + "---:|" * (len(labels) + (1 if two else 0))

    def row(name, vals, fmt="{:.1f}", bold=False):
        cells = [fmt.format(v) for v in vals] + ([f"{vals[-1] - vals[-2]:+.1f}"] if two else [])
        if bold:
            cells = [f"**{c}**" for c in cells]
            name = f"**{name}**"
        w(f"| {name} | " + " | ".join(cells) + " |")

    w(f"### Server core by process (perf, cpu-clock at {hz} Hz, {seconds} s at {os.environ.get('BENCH_PROFILE_CONNECTIONS', '32')} connections)")
    w("")
    w("| process | " + " | ".join(f"while loading {label}" for label in labels) + " |")
    w("|---|" + "---:|" * len(labels))
    rows = {}
    for label in labels:
        d = data[label]
        total = len(d["samples"])
        counts = collections.Counter()
        for comm, pid, _ in d["samples"]:
            if pid == d["pid"]:
                counts["the proxy under load (" + label + ")"] += 1
            elif pid == 0:
                counts["idle"] += 1
            elif pid in names:
                counts[names[pid]] += 1
            else:
                counts["other processes on the machine"] += 1
        d["share"] = {k: v / max(1, total) for k, v in counts.items()}
        for k in counts:
            rows.setdefault(k, None)
    for k in rows:
        w(f"| {k} | " + " | ".join(f"{100 * data[label]['share'].get(k, 0):.1f} %" for label in labels) + " |")
    w("| wrk requests/s during the profile | " + " | ".join(f"{data[label]['rps']:,.0f}" for label in labels) + " |")
    w("")

    for title, classify, order in [
        ("charged to the innermost known frame", owner, None),
        ("by kind of leaf frame (self time)", lambda frames: category(*frames[0]), None),
    ]:
        w(f"### The proxy process's cpu time per request, {title} (µs)")
        w("")
        w("| | " + head[2:])
        w(rule)
        per = {}
        for label in labels:
            d = data[label]
            c = collections.Counter(classify(frames) for _, pid, frames in d["samples"] if pid == d["pid"] and frames)
            per[label] = {k: v * us_per_sample / d["requests"] for k, v in c.items()}
        found = {k for v in per.values() for k in v}
        if order is None and classify is owner:
            order = [o for o, _ in OWNERS if o in found] + [OTHER_MANAGED] + sorted(
                (k for k in found if k.startswith(NO_CALLER)), key=lambda k: -per[labels[-1]].get(k, 0))
        keys = order or sorted(found, key=lambda k: -per[labels[-1]].get(k, 0))
        for k in keys:
            vals = [per[label].get(k, 0) for label in labels]
            if max(vals) >= 0.05:
                row(k, vals)
        row("total", [sum(per[label].values()) for label in labels], bold=True)
        w("")

    w("### Allocations by type, sampled (GCAllocationTick: one sample per ~100 KB; bytes / request)")
    w("")
    w("| type | " + " | ".join(labels) + " |")
    w("|---|" + "---:|" * len(labels))
    types = collections.Counter()
    for label in labels:
        for name, amount in data[label]["alloc"].items():
            types[name] = max(types[name], amount / data[label]["requests"])
    for name, _ in types.most_common(20):
        w(f"| `{name}` | " + " | ".join(f"{data[label]['alloc'].get(name, 0) / data[label]['requests']:,.0f}" for label in labels) + " |")
    w("| **all sampled** | " + " | ".join(f"**{sum(data[label]['alloc'].values()) / data[label]['requests']:,.0f}**" for label in labels) + " |")
    w("")

    last = labels[-1]
    d = data[last]
    own = [frames for _, pid, frames in d["samples"] if pid == d["pid"] and frames]
    w(f"### {last}: hottest leaf functions (self time)")
    w("")
    w("| function | module | µs / request | % of the process |")
    w("|---|---|---:|---:|")
    leaf = collections.Counter()
    for frames in own:
        sym, dso = frames[0]
        sym = re.sub(r"\[(OptimizedTier1OSR|OptimizedTier1|Optimized|QuickJitted|Tier0|Tier1|Instrumented\w*)\]$", "", sym)
        leaf[(sym, dso.rsplit("/", 1)[-1])] += 1
    for (sym, dso), n in leaf.most_common(25):
        sym = sym.replace("|", "\\|")
        if len(sym) > 120:
            sym = sym[:117] + "..."
        w(f"| `{sym}` | {dso} | {n * us_per_sample / d['requests']:.2f} | {100 * n / max(1, len(own)):.1f} % |")
    w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
