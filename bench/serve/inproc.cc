// The in-process side of the HTTP benchmark: the same queries as wrk sends,
// run straight through the Searcher (and printed to JSON, as the server
// does), by N threads each with its own Searcher, for a fixed time.
//
//   serve_bench_inproc DB QUERIES.txt THREADS SECONDS [facets]
//
// Prints requests per second and p50/p99 latency in the shape run.sh reads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "printer.h"
#include "searcher.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: serve_bench_inproc DB QUERIES.txt THREADS SECONDS [facets]\n";
    return 2;
  }
  const std::string db = argv[1];
  std::vector<std::string> queries;
  {
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) queries.push_back(line);
  }
  const int threads = std::stoi(argv[3]);
  const double seconds = std::stod(argv[4]);
  const bool facets = argc > 5 && std::string(argv[5]) == "facets";

  try {
    lore::Searcher check(db);  // a database that cannot be searched is said once, here
  } catch (const std::exception& e) {
    std::cerr << "serve_bench_inproc: " << e.what() << "\n";
    return 3;
  }

  using Clock = std::chrono::steady_clock;
  std::atomic<bool> stop{false};
  std::mutex error_mu;
  std::string error;
  std::vector<std::vector<double>> latencies(threads);
  std::vector<std::thread> pool;
  size_t bytes = 0;
  std::atomic<size_t> total_bytes{0};
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        lore::Searcher searcher(db);
        size_t i = static_cast<size_t>(t) * 7, local_bytes = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          lore::SearchRequest req;
          req.query = queries[i++ % queries.size()];
          req.facets = facets;
          req.access = lore::Access::public_only();  // what a caller without a token gets over HTTP
          auto t0 = Clock::now();
          local_bytes += lore::result_json(searcher.search(req)).size();
          latencies[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        total_bytes += local_bytes;
      } catch (const std::exception& e) {
        std::lock_guard lk(error_mu);
        if (error.empty()) error = e.what();
        stop = true;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  if (!error.empty()) {
    std::cerr << "serve_bench_inproc: " << error << "\n";
    return 1;
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  bytes = total_bytes;
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]; };
  std::printf("requests %zu seconds %.2f rps %.1f p50_ms %.2f p99_ms %.2f bytes_per_answer %zu\n", all.size(), elapsed,
              all.size() / elapsed, pct(0.50), pct(0.99), all.empty() ? 0 : bytes / all.size());
  return 0;
}
