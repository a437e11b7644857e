-- wrk script: GET a random path from a file, with a bearer token; print JSON when done.
-- usage: JICENG_BENCH_PORTS=p1,p2 wrk -t2 -s bench/paths.lua URL -- PATHS_FILE TOKEN
-- With JICENG_BENCH_PORTS, thread i sends all its connections to the i-th port on
-- 127.0.0.1 (one server process each), so the load is shared evenly.
local paths = {}
local token = ""
local ports = {}
local threads = 0

for port in string.gmatch(os.getenv("JICENG_BENCH_PORTS") or "", "%d+") do
  ports[#ports + 1] = port
end

function setup(thread)
  if #ports > 0 then
    thread.addr = wrk.lookup("127.0.0.1", ports[threads % #ports + 1])[1]
    threads = threads + 1
  end
end

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
