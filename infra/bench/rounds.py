#!/usr/bin/env python3
"""The mode's own figures and the per-round diagnostics of a bench run (infra/bench/run; after report.py).

usage: rounds.py RESULTS_DIR

Per connection count, one line per round, gateway against bare YARP measured in the same round: the throughput
ratio and p99s, cpu per request of each, and what tells the suspected causes of a slow round apart:
- GC: collections per 100k requests (gen0/gen1/gen2) and pause per request, GC mode and heap size;
- thread pool: threads at the round's end, and its completed work items per request;
- tiered compilation / PGO: methods the JIT compiled during the round and its time (a process still tiering);
- timers: timers active at the round's end;
- the session cache: hit ratio, entries and evictions during the round (the gateway's /metrics);
- Redis commands per request (as Redis counts them, the commands scripts run included) and the gateway's own
  round trips to Redis per request (its bff.redis.operation.duration count); refresh grants per request;
- in the refresh mode, the stub's refresh grants per refresh token;
- the gateway's awaited calls (Redis by operation, the IdP's token endpoint): calls per request and their latency as
  the caller saw it, which under load includes its wait for a turn on the core.
"""
import glob
import json
import os
import re
import statistics
import sys

# The fields of the allocation hook's line (infra/bench/AllocHook), by position.
ALLOC, GEN0, GEN1, GEN2, ITEMS, CONTENTION, PAUSE_US, PROMOTED, SAMPLES = range(9)
TP_THREADS, PENDING, TIMERS, JIT_METHODS, JIT_US, SERVER_GC, HEAP, CPUS = range(9, 17)


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def numbers(path):
    return [int(x) for x in read(path, "").split()]


def prometheus(path):
    """name{labels} -> value, summed over label sets not asked for."""
    out = {}
    for line in read(path).splitlines():
        m = re.match(r"^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN)", line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def metric(values, name, label=None):
    return sum(v for k, v in values.items() if k.split("{")[0] == name and (label is None or label in k))


def fmt(v, f="{:.3f}"):
    return "n/a" if v is None else f.format(v)


def load(root, meta):
    runs = {}
    for path in sorted(glob.glob(os.path.join(root, "r*-c*-*.json"))):
        m = re.match(r"r(\d+)-c(\d+)-(\w+)\.json$", os.path.basename(path))
        if not m:
            continue
        r, c, t = int(m.group(1)), int(m.group(2)), m.group(3)
        res = json.load(open(path))
        cpu = dict(line.split() for line in read(path + ".cpu").splitlines())
        res["cpu_s"] = int(cpu.get(t, 0)) / meta["clk_tck"]
        before, after = numbers(path + ".alloc_before"), numbers(path + ".alloc_after")
        res["delta"] = [a - b for a, b in zip(after, before)]
        res["after"] = after
        rb = json.loads(read(path + ".redis_before", "{}") or "{}")
        ra = json.loads(read(path + ".redis_after", "{}") or "{}")
        res["redis"] = sum(ra.get(k, 0) - rb.get(k, 0) for k in ra if k != "info")
        mb, ma = prometheus(path + ".metrics_before"), prometheus(path + ".metrics_after")
        res["metrics_before"], res["metrics_after"] = mb, ma
        res["metrics_during"] = prometheus(path + ".metrics_during")
        sb = json.loads(read(path + ".stub_before", "{}") or "{}")
        sa = json.loads(read(path + ".stub_after", "{}") or "{}")
        res["stub"] = {k: sa.get(k, 0) - sb.get(k, 0) for k in sa}
        res["stub_total"] = sa
        runs[(r, c, t)] = res
    return runs


def cache_figures(res):
    b, a = res["metrics_before"], res["metrics_after"]
    if not a:
        return None, None, None
    hits = metric(a, "bff_session_cache_lookups_total", 'result="hit"') - metric(b, "bff_session_cache_lookups_total", 'result="hit"')
    misses = metric(a, "bff_session_cache_lookups_total", 'result="miss"') - metric(b, "bff_session_cache_lookups_total", 'result="miss"')
    evictions = metric(a, "bff_session_cache_evictions_total") - metric(b, "bff_session_cache_evictions_total")
    # Sampled a second before the load ended: afterwards entries age out.
    entries = metric(res["metrics_during"], "bff_session_cache_entries") if res["metrics_during"] else None
    return (hits / (hits + misses) if hits + misses else None), entries, evictions


def delta(res, name, label=None):
    """How much a counter of the gateway's /metrics grew during the round; None without its /metrics."""
    b, a = res["metrics_before"], res["metrics_after"]
    return metric(a, name, label) - metric(b, name, label) if a else None


def awaited_calls(results):
    """The gateway's timed calls over the given rounds (its latency histograms): per series, calls and bucket counts.

    They time a call from its start until the code that awaits it runs again, so under load they hold the wait for a
    turn on the core as well as the call itself: what a request that makes the call waits the longer."""
    series = {}
    for res in results:
        b, a = res["metrics_before"], res["metrics_after"]
        for key, value in a.items():
            m = re.match(r'^(bff_redis_operation_duration_seconds|bff_idp_token_endpoint_duration_seconds)_bucket\{(.*)\}$', key)
            if not m:
                continue
            labels = ", ".join(re.findall(r'(?:bff_redis_operation|outcome)="([^"]*)"', m.group(2)))
            le = float(re.search(r'le="([^"]+)"', m.group(2)).group(1).replace("+Inf", "inf"))
            buckets = series.setdefault((m.group(1), labels), {})
            buckets[le] = buckets.get(le, 0) + value - b.get(key, 0)
    return series


def bucket_bound(buckets, share):
    """The upper bound of the bucket that holds the given share of the calls."""
    total = buckets[max(buckets)]
    return next(le for le in sorted(buckets) if buckets[le] >= share * total)


def main():
    root = sys.argv[1]
    meta = json.load(open(os.path.join(root, "meta.json")))
    runs = load(root, meta)
    conns = [int(c) for c in meta["connections"].split()]
    scenario = meta.get("scenario", "single")
    w = print
    w("")
    w(f"### Mode `{scenario}`" + (f": {meta['sessions']:,} sessions, requests spread {meta['spread']}" if meta.get("sessions") else ""))
    w("")
    summary = []
    for c in conns:
        rounds = sorted(r for (r, cc, t) in runs if cc == c and t == "gateway")
        if not rounds:
            continue
        w(f"#### {c} connection(s), per round")
        w("")
        w("| round | gw ÷ YARP req/s | p99 µs gw / YARP | cpu µs/req gw / YARP | Redis cmds/req | Redis round trips/req | refreshes/req | cache hit ratio | cache entries | evictions "
          "| GCs/100k req gw (0/1/2) | GC pause µs/req gw / YARP | pool threads gw / YARP | work items/req gw | JIT methods in round gw / YARP "
          "| JIT ms in round gw | timers gw | heap MB gw | RSS MB gw, end of load | refresh calls / token |")
        w("|" + "---:|" * 20)
        ratios, p99s, hit_ratios, redis_per_req, trips_per_req, per_token = [], [], [], [], [], []
        for r in rounds:
            g, y = runs[(r, c, "gateway")], runs.get((r, c, "yarp"))
            n = g["requests"] or 1
            d = g["delta"] + [0] * 17
            yd = (y["delta"] if y else []) + [0] * 17
            ya = (y["after"] if y else []) + [0] * 17
            ga = g["after"] + [0] * 17
            ratio = g["rps"] / y["rps"] if y and y["rps"] else None
            hit, entries, evictions = cache_figures(g)
            trips = delta(g, "bff_redis_operation_duration_seconds_count")
            refreshes = delta(g, "bff_token_refreshes_total", 'outcome="success"')
            stub = g["stub"]
            calls_per_token = stub["calls"] / stub["tokens"] if stub.get("tokens") else None
            ratios.append(ratio)
            p99s.append(g["p99_us"] / y["p99_us"] if y and y["p99_us"] else None)
            hit_ratios.append(hit)
            redis_per_req.append(g["redis"] / n)
            trips_per_req.append(trips / n if trips is not None else None)
            per_token.append(calls_per_token)
            yn = (y["requests"] if y else 0) or 1
            w(f"| {r} | {fmt(ratio)} | {g['p99_us']:,} / {y['p99_us'] if y else 0:,} | {1e6 * g['cpu_s'] / n:.1f} / {1e6 * y['cpu_s'] / yn if y else 0:.1f} "
              f"| {g['redis'] / n:.4f} | {fmt(trips / n if trips is not None else None, '{:.4f}')} "
              f"| {fmt(refreshes / n if refreshes is not None else None, '{:.4f}')} | {fmt(hit, '{:.4f}')} | {fmt(entries, '{:,.0f}')} | {fmt(evictions, '{:,.0f}')} "
              f"| {d[GEN0] * 1e5 / n:.1f} / {d[GEN1] * 1e5 / n:.1f} / {d[GEN2] * 1e5 / n:.1f} "
              f"| {d[PAUSE_US] / n:.2f} / {yd[PAUSE_US] / yn:.2f} | {ga[TP_THREADS]} / {ya[TP_THREADS]} | {d[ITEMS] / n:.2f} "
              f"| {d[JIT_METHODS]:,} / {yd[JIT_METHODS]:,} | {d[JIT_US] / 1000:.1f} | {ga[TIMERS]} | {ga[HEAP] / 2**20:.0f} "
              f"| {fmt(g['metrics_during'].get('process_rss_kb', 0) / 1024 or None, '{:.0f}')} "
              f"| {fmt(calls_per_token)} |")
        w("")

        def med(values, f="{:.3f}"):
            values = [v for v in values if v is not None]
            return f"{f.format(statistics.median(values))} ({f.format(min(values))}–{f.format(max(values))})" if values else "n/a"

        summary.append((c, med(ratios), med(p99s), med(redis_per_req, "{:.4f}"), med(trips_per_req, "{:.4f}"), med(hit_ratios, "{:.4f}"), med(per_token)))
        measured = [runs[(r, c, "gateway")] for r in rounds]
        requests = sum(res["requests"] for res in measured) or 1
        calls = sorted(((name, labels, buckets) for (name, labels), buckets in awaited_calls(measured).items()
                        if buckets[max(buckets)] / requests >= 0.001), key=lambda x: -x[2][max(x[2])])
        if calls:
            w("The gateway's awaited calls, all rounds together (the start of a call until its caller runs again, so a "
              "turn on the core included; bucket bounds):")
            w("")
            w("| call | per request | median ≤ ms | p99 ≤ ms |")
            w("|---|---:|---:|---:|")
            for name, labels, buckets in calls:
                what = "IdP token endpoint" if name.startswith("bff_idp") else "Redis"
                w(f"| {what} {labels} | {buckets[max(buckets)] / requests:.4f} | {1000 * bucket_bound(buckets, 0.5):g} "
                  f"| {1000 * bucket_bound(buckets, 0.99):g} |")
            w("")
        gc = runs[(rounds[0], c, "gateway")]["after"] + [0] * 17
        w(f"Gateway runtime: {'Server' if gc[SERVER_GC] else 'Workstation'} GC, {gc[CPUS]} processor(s) visible.")
        w("")

    w("#### The mode's figures (median over rounds, min–max)")
    w("")
    w("| conns | gateway ÷ bare YARP, req/s | gateway p99 ÷ bare YARP p99 | Redis commands / request | gateway's Redis round trips / request "
      "| session-cache hit ratio | refresh grants / refresh token |")
    w("|---:|---:|---:|---:|---:|---:|---:|")
    for row in summary:
        w("| " + " | ".join(str(x) for x in row) + " |")
    totals = [res["stub_total"] for res in runs.values() if res.get("stub_total")]
    if totals:
        last = max(totals, key=lambda s: s.get("calls", 0))
        w("")
        w(f"Token-endpoint stub over the whole run: {last.get('calls', 0):,} refresh grants for {last.get('tokens', 0):,} refresh "
          f"tokens ({last.get('reused', 0):,} presented more than once), {last.get('sessions', 0):,} sessions refreshed.")
    rss = meta.get("rss_max_kb", {})
    w("")
    w(f"RSS, highest sampled: gateway {rss.get('gateway', 0) / 1024:.0f} MB, bare YARP {rss.get('yarp', 0) / 1024:.0f} MB.")


if __name__ == "__main__":
    main()
