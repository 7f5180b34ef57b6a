-- wrk script: cycle through the paths in WRK_PATHS (comma-separated), send the session cookie in
-- WRK_COOKIE, and print p50/p95/p99 latency (ms), requests/s and errors as one JSON line.
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "([^,]+)") do paths[#paths + 1] = p end
local cookie = os.getenv("WRK_COOKIE") or ""
local i = 0

request = function()
  i = i % #paths + 1
  local headers = {}
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[i], headers)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors, summary.errors.status))
end
