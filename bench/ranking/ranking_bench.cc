// Known-item benchmark of Lore's ranking against SQLite FTS5's bm25.
//
// The real samples under ../shared/realdata are imported through Lore's own
// readers; every document goes both into a Lore index and into an FTS5 table
// (porter tokenizer, title weighted 3 like Lore's). Documents are picked in a
// fixed pseudo-random order (a hash of their id); for each, the query is two
// (--words N) of its own words of mid-range document frequency (in 2 to 2% of documents,
// again chosen by a hash), as someone who remembers a message would type.
// Each engine's rank of that document (and, grouped, of its conversation) is
// recorded; the score is the mean reciprocal rank over the first 100 results.
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "errors.h"
#include "index_writer.h"
#include "reader.h"
#include "schema.h"
#include "searcher.h"

namespace fs = std::filesystem;
using namespace lore;

namespace {

constexpr size_t kDepth = 100;

// The inputs, relative to the shared samples; those no reader takes yet
// (e.g. before an importer lands) are reported and left out.
const char* kInputs[] = {
    "slack/houstondatavis-slack-export",
    "slack/julialang-slack-history",
    "slack/slack-export-viewer/tests/testarchive.zip",
    "wxr/wptrt-theme-unit-test/themeunittestdata.wordpress.xml",
    "wxr/wordpress-importer/phpunit/data/small-export.xml",
    "wxr/jekyll-import/test/mocks/sitetitle.wordpress.2025-01-19.000.xml",
    "wp-rest-json/tuqulore-design-lab",
    "github-migration/milahu-nixpkgs-github-data",
    "github-backup-layout/erasmolpa-gh-backup",
    "github-rest-json/github3py-cassettes",
};

struct Collector : RecordSink {
  std::map<std::string, Record> by_id;
  void record(Record&& r) override {
    if (r.deleted)
      by_id.erase(r.id);
    else
      by_id[r.id] = std::move(r);
  }
  void reject(const Position&, std::string_view) override {}
  void skip(std::string_view) override {}
};

const std::set<std::string>& stop_words() {
  static const std::set<std::string> s = {
      "about", "after", "again", "also", "been", "before", "being", "both", "could", "does", "each", "from",
      "have", "here", "http", "https", "into", "just", "like", "more", "most", "only", "other", "over", "same",
      "should", "some", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this",
      "those", "through", "very", "want", "were", "what", "when", "where", "which", "while", "will", "with",
      "would", "your", "with", "www", "com"};
  return s;
}

// Plain lowercase ASCII words of four letters or more: what a person types.
// Words are split at anything but letters, digits and apostrophes, so that
// "wasn't" stays one word (and is left out) as both engines keep it whole.
std::set<std::string> words_of(const Record& r) {
  std::set<std::string> out;
  const std::string text = lowercase(r.title + "\n" + r.text);
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    auto inword = [](unsigned char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
    };
    while (j < text.size() && inword(static_cast<unsigned char>(text[j]))) ++j;
    std::string w = text.substr(i, j - i);
    i = j == i ? i + 1 : j;
    if (w.size() < 4 || w.size() > 20) continue;
    if (!std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) continue;
    if (stop_words().count(w)) continue;
    out.insert(w);
  }
  return out;
}

struct Query {
  std::string target, thread, text;
};

struct Score {
  double rr = 0;
  size_t at1 = 0, at10 = 0, missed = 0, n = 0;
  void add(size_t rank) {
    ++n;
    if (rank == 0) {
      ++missed;
      return;
    }
    rr += 1.0 / rank;
    at1 += rank == 1;
    at10 += rank <= 10;
  }
  std::string line(const std::string& name) const {
    char buf[200];
    snprintf(buf, sizeof buf, "| %-34s | %.4f | %5zu | %5zu | %5zu |", name.c_str(), n ? rr / n : 0.0, at1, at10,
             missed);
    return buf;
  }
};

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

class Fts {
 public:
  explicit Fts(const fs::path& path) {
    check(sqlite3_open(path.c_str(), &db_), db_, "open");
    exec("CREATE VIRTUAL TABLE d USING fts5(title, text, id UNINDEXED, thread UNINDEXED, tokenize='porter unicode61')");
  }
  ~Fts() { sqlite3_close(db_); }
  void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), db_, sql); }
  void add_all(const std::map<std::string, Record>& docs) {
    exec("BEGIN");
    sqlite3_stmt* st;
    check(sqlite3_prepare_v2(db_, "INSERT INTO d(title, text, id, thread) VALUES (?, ?, ?, ?)", -1, &st, nullptr), db_,
          "prepare");
    for (const auto& [id, r] : docs) {
      sqlite3_bind_text(st, 1, r.title.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, r.text.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 3, r.id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 4, r.thread_id().c_str(), -1, SQLITE_TRANSIENT);
      check(sqlite3_step(st), db_, "insert");
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec("COMMIT");
  }
  // Ids and threads in bm25 order (title weighted 3, as Lore weighs titles).
  std::vector<std::pair<std::string, std::string>> search(const std::string& words, size_t limit) {
    std::string match;
    for (const auto& w : name_words(words)) match += (match.empty() ? "\"" : " \"") + w + "\"";
    sqlite3_stmt* st;
    check(sqlite3_prepare_v2(db_, "SELECT id, thread FROM d WHERE d MATCH ? ORDER BY bm25(d, 3.0, 1.0) LIMIT ?", -1,
                             &st, nullptr),
          db_, "prepare");
    sqlite3_bind_text(st, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(limit));
    std::vector<std::pair<std::string, std::string>> out;
    while (sqlite3_step(st) == SQLITE_ROW)
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

size_t rank_of(const std::vector<std::string>& list, const std::string& want) {
  for (size_t i = 0; i < list.size() && i < kDepth; ++i)
    if (list[i] == want) return i + 1;
  return 0;
}

struct LoreScores {
  Score docs, threads;
};

LoreScores run_lore(Searcher& s, const std::vector<Query>& queries) {
  LoreScores out;
  for (const auto& q : queries) {
    SearchRequest req;
    req.query = q.text;
    req.limit = kDepth;
    req.group = Group::None;
    std::vector<std::string> ids, threads;
    for (const auto& h : s.search(req).hits) ids.push_back(h.record.id);
    req.group = Group::Thread;
    for (const auto& h : s.search(req).hits) threads.push_back(h.record.thread_id());
    out.docs.add(rank_of(ids, q.target));
    if (std::getenv("LORE_BENCH_DEBUG") && rank_of(ids, q.target) != 1)
      std::cerr << "rank " << rank_of(ids, q.target) << " of " << ids.size() << ": " << q.text << " -> " << q.target << "\n";
    out.threads.add(rank_of(threads, q.thread));
  }
  return out;
}

int run(int argc, char** argv) {
  fs::path work = fs::temp_directory_path() / "lore-ranking-bench";
  size_t max_queries = 300, n_words = 2;
  bool sweep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--work" && i + 1 < argc)
      work = argv[++i];
    else if (a == "--queries" && i + 1 < argc)
      max_queries = std::stoul(argv[++i]);
    else if (a == "--words" && i + 1 < argc)
      n_words = std::max<size_t>(1, std::stoul(argv[++i]));
    else if (a == "--sweep")
      sweep = true;
    else {
      std::cerr << "usage: lore-ranking-bench [--work DIR] [--queries N] [--words N] [--sweep]\n";
      return 2;
    }
  }
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path realdata = fs::path(LORE_SOURCE_ROOT) / ".." / "shared" / "realdata";

  Collector all;
  std::cout << "## Inputs\n\n";
  for (const char* rel : kInputs) {
    size_t before = all.by_id.size();
    try {
      reader_for(realdata / rel, "")->read(realdata / rel, ReaderOptions{}, all);
      std::cout << "- " << rel << ": " << all.by_id.size() - before << " documents\n";
    } catch (const Error& e) {
      std::cout << "- " << rel << ": not imported (" << e.what() << ")\n";
    }
  }
  const auto& docs = all.by_id;
  // b and min_normlen are applied when documents are written (LengthNorm).
  auto build = [&](const LengthNorm& norm) {
    std::error_code ec;
    fs::remove_all(work / "lore.db", ec);
    IndexWriter w((work / "lore.db").string());
    w.set_length_norm(norm);
    for (const auto& [id, r] : docs) w.write(r);
    w.commit();
  };
  build(LengthNorm{});
  Fts fts(work / "fts.sqlite");
  fts.add_all(docs);

  // Document frequencies of the words a person would type.
  std::unordered_map<std::string, size_t> df;
  std::map<std::string, std::set<std::string>> words;
  for (const auto& [id, r] : docs) {
    words[id] = words_of(r);
    for (const auto& w : words[id]) ++df[w];
  }
  const size_t max_df = std::max<size_t>(3, docs.size() / 50);
  std::vector<const Record*> order;
  for (const auto& [id, r] : docs) order.push_back(&r);
  std::sort(order.begin(), order.end(), [](const Record* a, const Record* b) { return fnv1a(a->id) < fnv1a(b->id); });
  std::vector<Query> queries;
  for (const Record* r : order) {
    if (queries.size() >= max_queries) break;
    std::vector<std::string> mid;
    for (const auto& w : words[r->id])
      if (df[w] >= 2 && df[w] <= max_df) mid.push_back(w);
    if (mid.size() < n_words) continue;
    std::sort(mid.begin(), mid.end(), [&](const std::string& a, const std::string& b) {
      return fnv1a(r->id + "/" + a) < fnv1a(r->id + "/" + b);
    });
    std::string text;
    for (size_t i = 0; i < n_words; ++i) text += (i ? " " : "") + mid[i];
    queries.push_back({r->id, r->thread_id(), text});
  }
  std::cout << "\n" << docs.size() << " documents, " << queries.size()
            << " queries (" << n_words << " words each, document frequency 2.." << max_df << ")\n\n";

  Score fts_docs, fts_threads;
  for (const auto& q : queries) {
    auto hits = fts.search(q.text, 5000);
    std::vector<std::string> ids, threads;
    std::set<std::string> seen;
    for (const auto& [id, thread] : hits) {
      ids.push_back(id);
      if (seen.insert(thread).second) threads.push_back(thread);
    }
    fts_docs.add(rank_of(ids, q.target));
    if (std::getenv("LORE_BENCH_DEBUG") && rank_of(ids, q.target) != 1)
      std::cerr << "fts rank " << rank_of(ids, q.target) << " of " << ids.size() << ": " << q.text << " -> " << q.target << "\n";
    fts_threads.add(rank_of(threads, q.thread));
  }

  Searcher searcher((work / "lore.db").string());
  LoreScores lore = run_lore(searcher, queries);
  std::cout << "| engine | MRR | @1 | @10 | missed |\n|---|---|---|---|---|\n";
  std::cout << lore.docs.line("Lore, documents (--group none)") << "\n";
  std::cout << fts_docs.line("FTS5 bm25, documents") << "\n";
  std::cout << lore.threads.line("Lore, conversations (--group thread)") << "\n";
  std::cout << fts_threads.line("FTS5 bm25, conversations") << "\n";

  if (sweep) {
    const Ranking shipped = searcher.ranking();
    const LengthNorm shipped_norm;
    std::cout << "\n## Sweep\n\n| k1 | b | min_normlen | reference length | thread boost | MRR documents | MRR conversations |\n"
                 "|---|---|---|---|---|---|---|\n";
    for (double b : {0.5, 0.75, 0.9})
      for (double normlen : {0.5, 0.2, 0.05})
        for (double ref : {50.0, 100.0, 150.0}) {
          build(LengthNorm{b, normlen, ref});
          Searcher swept((work / "lore.db").string());
          for (double k1 : {0.6, 1.2, 1.6})
            for (double boost : {0.0, 0.1}) {
              swept.set_ranking({k1, boost});
              LoreScores l = run_lore(swept, queries);
              char buf[200];
              snprintf(buf, sizeof buf, "| %.1f | %.2f | %.2f | %.0f | %.2f | %.4f | %.4f |%s", k1, b, normlen, ref, boost,
                       l.docs.rr / l.docs.n, l.threads.rr / l.threads.n,
                       k1 == shipped.k1 && b == shipped_norm.b && normlen == shipped_norm.min_normlen &&
                               ref == shipped_norm.reference_length && boost == shipped.thread_boost
                           ? " shipped"
                           : "");
              std::cout << buf << "\n";
            }
        }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "lore-ranking-bench: error: " << e.what() << "\n";
    return 1;
  }
}
