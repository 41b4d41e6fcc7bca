-- wrk script used by bench/http_load.py.
--
-- Request paths (rotated so that many different ids are requested):
--   WRK_PATHS_FILE  file with one path per line (blank lines and lines
--                   starting with '#' are ignored), or
--   WRK_PATHS       newline/whitespace separated list of paths, or
--   script args     `wrk ... -s wrk_report.lua <url> -- /a /b /c`
--   otherwise the path of the URL given to wrk is used.
-- WRK_MAX_REQUESTS  optional per-thread cap on completed responses; the
--                   thread stops itself once reached (bounds the count).
--
-- done() prints exactly one line to stdout, starting with '{"wrk_report":1',
-- holding a JSON object: requests, duration_s, requests_per_s, errors
-- (connect/read/write/timeout/status), non_2xx (counted in response() for any
-- status outside 200..299), and latency in ms (min/mean/max/stdev/p50/p95/p99).
-- Percentiles come from wrk's own latency histogram (1 us buckets).

local threads = {}
local thread_count = 0

local function read_paths_from_env()
  local list = {}
  local file_name = os.getenv("WRK_PATHS_FILE")
  if file_name ~= nil and file_name ~= "" then
    local fh = io.open(file_name, "r")
    if fh == nil then
      error("wrk_report.lua: cannot open WRK_PATHS_FILE " .. file_name)
    end
    for line in fh:lines() do
      local p = line:match("^%s*(.-)%s*$")
      if p ~= "" and p:sub(1, 1) ~= "#" then
        list[#list + 1] = p
      end
    end
    fh:close()
    return list
  end
  local inline = os.getenv("WRK_PATHS")
  if inline ~= nil and inline ~= "" then
    for p in inline:gmatch("%S+") do
      list[#list + 1] = p
    end
  end
  return list
end

-- main (setup/done) environment -------------------------------------------

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  threads[#threads + 1] = thread
end

-- per-thread (running) environment -----------------------------------------

local reqs = {}
local nreqs = 0
local idx = 0
local max_responses = 0

function init(args)
  local paths = read_paths_from_env()
  if #paths == 0 and args ~= nil then
    for _, p in ipairs(args) do
      paths[#paths + 1] = p
    end
  end
  if #paths == 0 then
    paths[1] = wrk.path
  end
  -- Pre-build every request once; request() is then a table lookup.
  for i, p in ipairs(paths) do
    reqs[i] = wrk.format("GET", p)
  end
  nreqs = #reqs
  -- Start each thread at a different offset so threads do not march in
  -- lock step over the same ids.
  local tid = id or 1
  idx = ((tid - 1) * 7919) % nreqs
  max_responses = tonumber(os.getenv("WRK_MAX_REQUESTS") or "") or 0
  non2xx = 0
  responses = 0
end

function request()
  idx = idx + 1
  if idx > nreqs then
    idx = 1
  end
  return reqs[idx]
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if max_responses > 0 and responses >= max_responses then
    wrk.thread:stop()
  end
end

-- results ------------------------------------------------------------------

local function ms(us)
  local v = tonumber(us) or 0
  if v ~= v or v == math.huge or v == -math.huge then
    v = 0 -- NaN/inf (e.g. stdev of a single sample) is not valid JSON
  end
  return string.format("%.3f", v / 1000.0)
end

function done(summary, latency, requests)
  local non_2xx = 0
  for _, t in ipairs(threads) do
    non_2xx = non_2xx + (tonumber(t:get("non2xx")) or 0)
  end
  local e = summary.errors
  local duration_s = summary.duration / 1e6
  local rps = 0
  if duration_s > 0 then
    rps = summary.requests / duration_s
  end
  local has_lat = summary.requests > 0
  local function pct(p)
    if not has_lat then
      return ms(0)
    end
    return ms(latency:percentile(p))
  end
  local out = string.format(
    '{"wrk_report":1,"requests":%d,"duration_s":%.6f,"requests_per_s":%.3f,'
      .. '"bytes":%d,"threads":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},'
      .. '"non_2xx":%d,'
      .. '"latency_ms":{"min":%s,"mean":%s,"max":%s,"stdev":%s,'
      .. '"p50":%s,"p95":%s,"p99":%s}}',
    summary.requests, duration_s, rps,
    summary.bytes, #threads,
    e.connect, e.read, e.write, e.timeout, e.status,
    non_2xx,
    has_lat and ms(latency.min) or ms(0),
    has_lat and ms(latency.mean) or ms(0),
    has_lat and ms(latency.max) or ms(0),
    has_lat and ms(latency.stdev) or ms(0),
    pct(50.0), pct(95.0), pct(99.0)
  )
  io.write(out, "\n")
  io.flush()
end
