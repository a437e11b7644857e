-- wrk script: GET a random path from a file, with a bearer token; print JSON when done.
-- usage: wrk -s bench/paths.lua URL -- PATHS_FILE TOKEN
local paths = {}
local token = ""

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  token = args[2] or ""
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests": %d, "seconds": %f, "errors": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
