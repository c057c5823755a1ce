// Generator of large archives in the real export formats, for benchmarks:
// a Slack workspace export (.zip), a GitHub migration archive (.tar.gz) and a
// WordPress WXR file, of any number of messages, deterministic for a seed
// (same seed and size, same bytes).
#pragma once

#include <cstdint>
#include <string>

namespace lore::gen {

/// What to generate.
struct GenOptions {
  std::string format = "slack";  ///< "slack", "github" or "wxr"
  uint64_t messages = 10000;     ///< records the archive yields (messages, issues+comments, posts+comments)
  uint64_t seed = 1;
};

/// What was generated.
struct GenSummary {
  uint64_t records = 0;   ///< indexable records written (== GenOptions::messages)
  uint64_t threads = 0;   ///< conversations with more than one record
  uint64_t restricted = 0;  ///< records in private channels, DMs or private repositories
  uint64_t bytes = 0;     ///< uncompressed payload bytes
};

/// Writes the archive to `path` (overwriting it); throws std::runtime_error.
GenSummary generate(const GenOptions& options, const std::string& path);

}  // namespace lore::gen
