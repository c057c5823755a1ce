// query-bench: latency of Lore's searches on a large index against SQLite
// FTS5 on the same texts. The queries are drawn (seeded) from the index's own
// vocabulary at three frequencies: common, middling and rare words, one to
// three of them, phrases taken from stored texts, and the same with filters
// and date ranges. Prints p50 and p99 per mode.
#include <sqlite3.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "record_json.h"
#include "schema.h"
#include "searcher.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Query {
  std::string lore;  // Lore's query language
  std::string fts;   // the free-text part, in FTS5's syntax
};

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::vector<Query> make_queries(const std::string& db_path, size_t n, uint64_t seed) {
  Xapian::Database db(db_path);
  std::vector<std::pair<Xapian::doccount, std::string>> words;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    const std::string w = *t;
    if (w.empty() || !(w[0] >= 'a' && w[0] <= 'z') || w.size() < 3) continue;
    bool alpha = std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (alpha) words.emplace_back(t.get_termfreq(), w);
  }
  std::sort(words.rbegin(), words.rend());
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t lo, size_t hi) {
    hi = std::min(hi, words.size());
    lo = std::min(lo, hi - 1);
    return words[lo + rng() % (hi - lo)].second;
  };
  auto common = [&] { return pick(0, 50); };
  auto middling = [&] { return pick(200, 1200); };
  auto rare = [&] { return pick(words.size() * 3 / 4, words.size()); };
  const char* filters[] = {"in:general", "is:thread", "has:link", "is:reply", "after:2019-06-01", "before:2020-01-01",
                           "date:2019-03..2019-09"};
  std::vector<Query> out;
  const Xapian::docid last = db.get_lastdocid();
  for (size_t i = 0; out.size() < n; ++i) {
    std::string a = common(), b = middling(), c = rare(), text;
    switch (i % 8) {
      case 0: text = a; break;
      case 1: text = b; break;
      case 2: text = c; break;
      case 3: text = a + " " + b; break;
      case 4: text = b + " " + c; break;
      case 5: text = a + " " + b + " " + c; break;
      case 6: {  // a phrase of two or three words from a stored text
        Xapian::Document d = db.get_document(1 + rng() % last);
        // The record's JSON, read as it was when the record was stored so
        // (schema 5): the same phrases as in the runs before.
        std::string data = lore::record_to_json(lore::from_document(d), lore::JsonForm::Compact);
        size_t at = data.find("\"text\":\"");
        std::vector<std::string> ws;
        std::string cur;
        for (size_t k = at == std::string::npos ? data.size() : at + 8; k < data.size() && ws.size() < 3; ++k) {
          char ch = data[k];
          if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');  // a capital starts most texts
          if (ch >= 'a' && ch <= 'z') cur += ch;
          else if (ch == '"' && data[k - 1] != '\\') break;
          else if (!cur.empty()) { if (cur.size() > 2) ws.push_back(cur); else ws.clear(); cur.clear(); }
        }
        if (ws.size() < 2) continue;
        text = "\"";
        for (size_t k = 0; k < ws.size(); ++k) text += (k ? " " : "") + ws[k];
        text += "\"";
        break;
      }
      case 7: text = b; break;
    }
    Query q;
    q.fts = text;
    q.lore = text;
    if (i % 3 == 2 || i % 8 == 7) q.lore += std::string(" ") + filters[rng() % std::size(filters)];
    out.push_back(q);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: query-bench LORE_DB FTS5.sqlite [QUERIES] [PRINCIPAL]\n";
    return 2;
  }
  const std::string db = argv[1], fts = argv[2];
  const size_t nq = argc > 3 ? std::stoul(argv[3]) : 240;
  const std::string principal = argc > 4 ? argv[4] : "slack:U0GJDMP9J";
  auto queries = make_queries(db, nq, 42);
  // QB_QUERY=TEXT: that one query, as many times (for profiling one query).
  if (const char* one = getenv("QB_QUERY")) queries.assign(nq, Query{one, one});
  lore::Searcher s(db);
  // QB_SPLIT_POSTINGS=N, QB_SPLIT_DOCUMENTS=N: the thresholds of
  // lore::Searcher::Split (a huge N never splits), to compare.
  {
    lore::Searcher::Split split;
    if (const char* n = getenv("QB_SPLIT_POSTINGS")) split.postings = std::stoull(n);
    if (const char* n = getenv("QB_SPLIT_DOCUMENTS")) split.documents = std::stoull(n);
    s.set_split(split);
  }

  // QB_ONLY=TEXT: only the modes whose name contains TEXT (and no FTS5), for profiling one mode.
  const char* only = getenv("QB_ONLY");
  auto time_lore = [&](const char* name, auto configure) {
    if (only && !std::strstr(name, only)) return;
    std::vector<double> ms;
    size_t hits = 0;
    for (int round = 0; round < 2; ++round) {  // the first round warms the cache
      ms.clear();
      for (const auto& q : queries) {
        lore::SearchRequest r;
        r.query = q.lore;
        configure(r);
        auto t0 = Clock::now();
        auto res = s.search(r);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        hits += res.hits.size();
      }
    }
    printf("| Lore: %s | %zu | %.2f | %.2f |\n", name, queries.size(), pct(ms, 0.5), pct(ms, 0.99));
    if (getenv("QB_VERBOSE")) for (size_t i = 0; i < ms.size(); ++i) fprintf(stderr, "%s\t%.2f\t%s\n", name, ms[i], queries[i].lore.c_str());
  };
  printf("| mode | queries | p50 ms | p99 ms |\n|---|---|---|---|\n");
  time_lore("plain (documents)", [](lore::SearchRequest& r) {
    r.group = lore::Group::None;
    r.snippets = false;
  });
  time_lore("plain, with snippets", [](lore::SearchRequest& r) { r.group = lore::Group::None; });
  time_lore("grouped by thread", [](lore::SearchRequest& r) {
    r.group = lore::Group::Thread;
    r.snippets = false;
  });
  time_lore("grouped, with facets", [](lore::SearchRequest& r) {
    r.facets = true;
    r.snippets = false;
  });
  time_lore("grouped, with facets and snippets", [](lore::SearchRequest& r) { r.facets = true; });
  time_lore("restricted caller (one user's principals)", [&](lore::SearchRequest& r) {
    r.access = lore::Access::parse(principal);
    r.snippets = false;
  });

  if (only) return 0;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(fts.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::cerr << "query-bench: cannot open " << fts << "\n";
    return 1;
  }
  auto time_fts = [&](const char* name, const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) != SQLITE_OK) {
      std::cerr << sqlite3_errmsg(h) << "\n";
      return;
    }
    std::vector<double> ms;
    for (int round = 0; round < 2; ++round) {
      ms.clear();
      for (const auto& q : queries) {
        auto t0 = Clock::now();
        sqlite3_bind_text(st, 1, q.fts.data(), static_cast<int>(q.fts.size()), SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
        }
        sqlite3_reset(st);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    }
    sqlite3_finalize(st);
    printf("| FTS5: %s | %zu | %.2f | %.2f |\n", name, queries.size(), pct(ms, 0.5), pct(ms, 0.99));
  };
  time_fts("bm25 top 10", "SELECT id FROM m WHERE m MATCH ?1 ORDER BY rank LIMIT 10");
  time_fts("bm25 top 10 with snippets",
           "SELECT id, snippet(m, 1, '<mark>', '</mark>', '...', 24) FROM m WHERE m MATCH ?1 ORDER BY rank LIMIT 10");
  sqlite3_close(h);
  return 0;
}
