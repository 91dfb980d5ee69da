-- wrk script of the benchmark: adds the gateway's headers and prints one JSON line of results.
--   BENCH_HEADERS   extra request headers, "Name: value" separated by "\n" (the session cookie, X-CSRF)
--   BENCH_STRICT=1  also counts every non-2xx answer (3xx included) in Lua; costs wrk some throughput,
--                   so the default relies on wrk's own count of answers >= 400 plus the upstream's
--                   request count (see infra/bench/run)
--   BENCH_METHOD    the method (GET); BENCH_BODY_FILE: a file whose bytes are every request's body
--   BENCH_COOKIES   a file of session cookie values, one a line: each request carries one of them
--                   (Cookie: BENCH_COOKIE_NAME=value, replacing any Cookie of BENCH_HEADERS), picked by
--                   BENCH_SPREAD: "zipf" (rank k with probability proportional to 1/k^BENCH_ZIPF_S, s = 1 by
--                   default) or "uniform". The requests are formatted once at start, so a request costs wrk
--                   one random number, a binary search and a table lookup.
local extra = os.getenv("BENCH_HEADERS") or ""
for line in extra:gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end

local cookies_file = os.getenv("BENCH_COOKIES")
if cookies_file and cookies_file ~= "" then
  local cookie_name = os.getenv("BENCH_COOKIE_NAME") or "__Host-bff"
  local spread = os.getenv("BENCH_SPREAD") or "zipf"
  local s = tonumber(os.getenv("BENCH_ZIPF_S") or "1")
  local requests, cdf, n = {}, {}, 0
  -- In init, not at load: wrk sets the URL's path after loading the script.
  function init(args)
    for value in io.lines(cookies_file) do
      if value ~= "" then
        n = n + 1
        local headers = {}
        for k, v in pairs(wrk.headers) do headers[k] = v end
        headers["Cookie"] = cookie_name .. "=" .. value
        requests[n] = wrk.format(wrk.method, wrk.path, headers, wrk.body)
      end
    end
    assert(n > 0, "BENCH_COOKIES: no cookie in " .. cookies_file)
    if spread == "zipf" then
      local total = 0
      for k = 1, n do total = total + 1 / k ^ s; cdf[k] = total end
      for k = 1, n do cdf[k] = cdf[k] / total end
    end
    math.randomseed(os.time())
  end
  function request()
    if spread ~= "zipf" then return requests[math.random(n)] end
    local u, lo, hi = math.random(), 1, n
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < u then lo = mid + 1 else hi = mid end
    end
    return requests[lo]
  end
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
