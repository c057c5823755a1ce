// The searcher: runs queries against the index for one caller, and gives back
// results, documents, conversations and statistics, never anything the
// caller may not see.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "access.h"
#include "record.h"

namespace lore {

enum class Sort { Relevance, Newest, Oldest };
enum class Group { Thread, None };

/// Counts by value, highest first, for one facet.
using FacetCounts = std::vector<std::pair<std::string, uint64_t>>;

/// source, kind, space, author, tag, year (SPEC section 6).
struct Facets {
  std::vector<std::pair<std::string, FacetCounts>> by_name;
  /// 1 when the counts are exact. Past SearchRequest::exact_facets_up_to
  /// matches they are counted over every sample_every-th document and
  /// multiplied back: estimates.
  uint64_t sample_every = 1;
  /// Counted by the match that found the page (it saw every match), not in
  /// a pass of their own. Not part of the JSON: for tests and benchmarks.
  bool counted_in_match = false;
};

struct SearchRequest {
  std::string query;
  size_t offset = 0;
  size_t limit = 10;
  Sort sort = Sort::Relevance;
  Group group = Group::Thread;
  bool facets = false;
  Access access = Access::everything();
  /// Seconds after which the facets stop being counted (they then count
  /// only what was seen); 0 for none. lore-serve sets it so no request runs
  /// long.
  double time_limit = 0;
  /// Make each hit's snippet (the printers show them; a caller that only
  /// wants ids can skip the work).
  bool snippets = true;
  /// Facets are exact when about this many documents match or fewer, and
  /// estimated from an even sample past it (Facets::sample_every).
  uint64_t exact_facets_up_to = 5000;
};

struct Hit {
  Record record;
  double score = 0;
  std::string snippet;  ///< HTML-escaped, matches in <mark>
  uint64_t thread_matches = 1;
  /// The conversation's title, or the first line of its root, when the hit
  /// is not the root itself and the caller may see the root; else empty.
  std::string thread_title;
};

/// How relevance is computed: BM25's k1 (its b and min_normlen are applied
/// when documents are written: LengthNorm in schema.h), and how much a
/// conversation gains per doubling of its matching documents with --group
/// thread (score * (1 + thread_boost * log2(matches))).
struct Ranking {
  double k1 = 1.2;
  double thread_boost = 0.1;
};

struct SearchResult {
  std::string query;
  uint64_t total = 0;  ///< Xapian's estimate
  size_t offset = 0;
  size_t limit = 0;
  std::optional<std::string> corrected;
  std::vector<Hit> hits;
  std::optional<Facets> facets;
};

struct Stats {
  uint64_t documents = 0;
  Facets by;  ///< source, kind, space
  int64_t first_date = 0, last_date = 0;
  std::string last_import;
  std::string path;
};

class Searcher {
 public:
  /// Opens the database at `path` for reading; throws lore::Error.
  explicit Searcher(const std::string& path);

  /// Runs a search (SPEC section 6). Throws lore::Error (Query) for a bad query.
  SearchResult search(const SearchRequest& request);
  /// The exact number of documents matching `query` that `access` may see.
  uint64_t count(const std::string& query, const Access& access);
  /// One document by id, if it exists and `access` may see it.
  std::optional<Record> document(const std::string& id, const Access& access);
  /// The conversation `id` belongs to (id may be any of its documents), oldest first.
  std::vector<Record> thread(const std::string& id, const Access& access);
  /// Every document matching `query`, whole, in date order.
  void each_match(const std::string& query, const Access& access, const std::function<void(const Record&)>& fn);
  /// Conversations like the one `id` belongs to.
  SearchResult similar(const std::string& id, size_t limit, const Access& access);
  /// What the index holds, as `access` sees it.
  Stats stats(const Access& access);
  /// The parse tree and the Xapian query for `query`.
  std::string explain(const std::string& query, const Access& access);

  /// Sees the latest commit of a concurrent writer.
  void reopen();

  /// When a search splits its match over two threads, one a half of the
  /// index (bench/query/README.md): the index has at least `documents`
  /// documents, every match must hold two or more words whose postings add
  /// up to `postings` or more, and no other search of the process is running.
  struct Split {
    uint64_t documents = 100000;
    uint64_t postings = 100000;
  };
  void set_split(const Split& split) { split_ = split; }

  /// From its second search on, a searcher answers a filter's term that
  /// `documents` or more documents hold (and at least a 64th of the index)
  /// from a bitmap in memory, made on first use (searcher.cc, TermBits);
  /// UINT64_MAX: never.
  void set_bitmaps_from(uint64_t documents) { bitmaps_from_ = documents; }
  /// From its second search on, a searcher checks a phrase whose rarest
  /// word `documents` or more documents hold against every document's word
  /// pairs in memory before Xapian reads the words' positions (searcher.cc,
  /// PairFilter); UINT64_MAX: never.
  void set_pairs_from(uint64_t documents) { pairs_from_ = documents; }
  /// The bytes the word-pair filters of the database's current revision take
  /// in memory; 0 until a phrase needed them (for tests and benchmarks).
  size_t pair_memory_bytes();
  /// How many filter terms the table of the database's current revision
  /// holds as bitmaps (for tests and benchmarks).
  size_t bitmaps();

  /// Changes how relevance is computed (the ranking benchmark tries several).
  void set_ranking(const Ranking& ranking) { ranking_ = ranking; }
  const Ranking& ranking() const { return ranking_; }

  /// A search offers a correction when its query matches fewer documents
  /// than this and the corrected query matches more than it does.
  static constexpr uint64_t kFewMatches = 3;

 private:
  Xapian::Query parse(const std::string& query, bool* has_text = nullptr);
  std::optional<Xapian::docid> find(const std::string& id, const Access& access);
  uint64_t exact_count(const Xapian::Query& query);
  void fill_thread_titles(std::vector<Hit>& hits, const Access& access);
  bool twin_ready();

  std::string path_;
  Xapian::Database db_;
  Ranking ranking_;
  uint64_t searches_ = 0;  // a searcher used more than once keeps dates in memory (searcher.cc)
  Split split_;
  uint64_t bitmaps_from_ = 10000;
  uint64_t pairs_from_ = 10000;
  std::optional<Xapian::Database> twin_;  // the second half's handle (a handle serves one thread)
};

}  // namespace lore
