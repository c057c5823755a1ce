// One printer interface for everything Lore shows: text for people (with
// colour on a terminal), JSON (SPEC section 6), JSON Lines, bare ids. The
// command line and the HTTP server print through the same code (notmuch's
// sprinter.h).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "record.h"
#include "searcher.h"

namespace lore {

enum class Format { Text, Json, Jsonl, Ids };

/// Parses "text", "json", "jsonl", "ids"; throws lore::Error (Usage) otherwise.
Format parse_format(const std::string& name);

class Printer {
 public:
  virtual ~Printer() = default;
  virtual void result(const SearchResult& result) = 0;
  virtual void document(const Record& record) = 0;
  virtual void thread(const std::string& thread_id, const std::vector<Record>& records) = 0;
  virtual void count(uint64_t n) = 0;
  virtual void stats(const Stats& stats) = 0;
};

/// A printer writing to `out`; `color` adds terminal bold and colours (text only).
std::unique_ptr<Printer> make_printer(Format format, std::ostream& out, bool color = false);

/// The JSON texts the JSON printer writes, for the HTTP server.
std::string result_json(const SearchResult& result);
std::string document_json(const Record& record);
std::string thread_json(const std::string& thread_id, const std::vector<Record>& records);
std::string stats_json(const Stats& stats);
std::string count_json(uint64_t n);

/// HTML snippet (escaped, <mark>) to terminal text: marks to bold (or to
/// nothing without colour), entities decoded.
std::string snippet_to_terminal(const std::string& html, bool color);

}  // namespace lore
