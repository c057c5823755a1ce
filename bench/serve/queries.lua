-- wrk script: cycles through the benchmark's queries, one search request
-- each, and prints the numbers in the shape run.sh reads.
--   wrk -s queries.lua http://127.0.0.1:PORT -- QUERIES.txt [facets]
local queries = {}
local extra = ""
local index = 0

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local path = args[1] or "queries.txt"
  for line in io.lines(path) do
    if #line > 0 then queries[#queries + 1] = encode(line) end
  end
  if args[2] == "facets" then extra = "&facets=1" end
  -- Threads start at different places in the list, as in serve_bench_inproc.
  index = math.random(0, #queries - 1)
end

function request()
  index = index + 1
  local q = queries[(index % #queries) + 1]
  return wrk.format("GET", "/api/v1/search?q=" .. q .. extra)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.timeout
  io.write(string.format("requests %d seconds %.2f rps %.1f p50_ms %.2f p99_ms %.2f errors %d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
