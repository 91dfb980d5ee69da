-- wrk script of the benchmark: adds the gateway's headers and prints one JSON line of results.
--   BENCH_HEADERS   extra request headers, "Name: value" separated by "\n" (the session cookie, X-CSRF)
--   BENCH_STRICT=1  also counts every non-2xx answer (3xx included) in Lua; costs wrk some throughput,
--                   so the default relies on wrk's own count of answers >= 400 plus the upstream's
--                   request count (see infra/bench/run)
local extra = os.getenv("BENCH_HEADERS") or ""
for line in extra:gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0
first_bad = 0

if os.getenv("BENCH_STRICT") == "1" then
  function response(status, headers, body)
    if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad == 0 then first_bad = status end
    end
  end
end

function done(summary, latency, requests)
  local bad, bad_status = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    local s = t:get("first_bad") or 0
    if s ~= 0 then bad_status = s end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"rps":%.3f,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"mean_us":%.2f,"max_us":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,' ..
    '"err_status":%d,"non2xx":%d,"first_bad_status":%d}\n',
    summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.timeout, e.status, bad, bad_status))
end
