// Search quality features on the hand-checked fixture (tests/fixtures/
// filters.jsonl): conversation titles on hits, facets under --as, snippets and
// their escaping, "did you mean" from public words only, the glossary of
// synonyms, similar conversations, and that nothing restricted ever reaches a
// caller who may not see it through any of them.
#include <algorithm>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "access.h"
#include "dates.h"
#include "errors.h"
#include "index_util.h"
#include "index_writer.h"
#include "printer.h"
#include "reader.h"
#include "schema.h"
#include "searcher.h"
#include "test_util.h"

namespace lore {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

void import(const std::string& db, const fs::path& file) { test::import_file(db, file); }

// A real Slack history and the sample archive imported into DIR/db: its path.
std::string julia_and_fixture(const TempDir& dir) {
  const std::string db = (dir.path / "db").string();
  test::import_file(db, test::realdata("slack/julialang-slack-history"));
  test::import_file(db, test::fixture());
  return db;
}

// Splits every match, however short and whatever the index's size.
Searcher::Split always_split() {
  Searcher::Split always;
  always.documents = 0;
  always.postings = 0;
  return always;
}

const char* S1 = "slack:C100/1614834367.000100";
const char* S3 = "slack:C100/1614841567.000300";
const char* S6 = "slack:G300/1619827200.000100";
const char* GS1 = "github:acme/secret#1";
const char* P55C = "p2:blog.acme.example/55/comment/7";

class SearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    db_ = (dir_->path / "db").string();
    setenv("LORE_NOW", "2022-06-16T12:00:00Z", 1);
    import(db_, test::source_root() / "tests" / "fixtures" / "filters.jsonl");
  }
  static void TearDownTestSuite() {
    delete dir_;
    unsetenv("LORE_NOW");
  }
  static SearchResult search(const std::string& q, const Access& access = Access::everything(),
                             Group group = Group::Thread) {
    Searcher s(db_);
    SearchRequest req;
    req.query = q;
    req.limit = 100;
    req.group = group;
    req.access = access;
    return s.search(req);
  }
  static std::vector<std::string> ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.record.id);
    return out;
  }

  static TempDir* dir_;
  static std::string db_;
};

TempDir* SearchTest::dir_ = nullptr;
std::string SearchTest::db_;

TEST_F(SearchTest, a_reply_carries_the_title_or_first_line_of_its_conversation) {
  auto r = search("hotfixes");
  ASSERT_EQ(ids(r), std::vector<std::string>{P55C});
  EXPECT_EQ(r.hits[0].thread_title, "Decision: deploy freeze every December");
  EXPECT_EQ(r.hits[0].thread_matches, 1u);

  r = search("frozen");
  ASSERT_EQ(ids(r), std::vector<std::string>{S3});
  EXPECT_EQ(r.hits[0].thread_title,
            "Proposal: a deploy freeze during the database migration. Details in https://wiki.example/freeze");

  // A root has no conversation title of its own to show.
  r = search("proposal");
  ASSERT_EQ(ids(r), std::vector<std::string>{S1});
  EXPECT_EQ(r.hits[0].thread_title, "");

  // Text output shows the conversation above the matching message; JSON names it.
  std::ostringstream text;
  make_printer(Format::Text, text, false)->result(search("hotfixes"));
  EXPECT_EQ(text.str(),
            "1. p2 blog.acme.example · Bo Li · 2021-11-21 09:00\n"
            "   Decision: deploy freeze every December\n"
            "   › Does this include hotfixes?\n"
            "   p2:blog.acme.example/55/comment/7\n\n"
            "About 1 matches; showing 1-1\n");
  EXPECT_NE(result_json(search("hotfixes")).find("\"thread_title\":\"Decision: deploy freeze every December\""),
            std::string::npos);
  EXPECT_NE(result_json(search("proposal")).find("\"thread_title\":null"), std::string::npos);
}

TEST_F(SearchTest, grouping_by_thread_shows_each_conversation_once_with_its_best_document) {
  auto grouped = search("deploy OR deploys OR frozen OR freeze");
  auto flat = search("deploy OR deploys OR frozen OR freeze", Access::everything(), Group::None);
  std::map<std::string, uint64_t> per_thread;
  for (const auto& h : flat.hits) ++per_thread[h.record.thread_id()];
  ASSERT_EQ(grouped.hits.size(), per_thread.size());
  for (const auto& h : grouped.hits) EXPECT_EQ(h.thread_matches, per_thread[h.record.thread_id()]) << h.record.id;
  EXPECT_EQ(per_thread[S1], 3u);
  for (const auto& h : flat.hits) EXPECT_EQ(h.thread_matches, 1u);
}

TEST_F(SearchTest, facets_count_documents_the_caller_may_see_and_each_tag_once) {
  auto tags = [](const SearchResult& r) {
    std::map<std::string, uint64_t> out;
    for (const auto& [name, counts] : r.facets->by_name)
      if (name == "tag")
        for (const auto& [v, n] : counts) out[v] = n;
    return out;
  };
  Searcher s(db_);
  SearchRequest req;
  req.query = "tag:policy OR tag:decision";
  req.facets = true;
  req.access = Access::public_only();
  auto pub = s.search(req);
  EXPECT_EQ(tags(pub), (std::map<std::string, uint64_t>{{"policy", 2}, {"Ops Team", 1}, {"decision", 1}, {"ops", 1}}));
  req.access = Access::parse("github:acme/secret");
  EXPECT_EQ(tags(s.search(req)),
            (std::map<std::string, uint64_t>{{"policy", 3}, {"Ops Team", 1}, {"decision", 1}, {"ops", 1}}));
  // Facets count documents, not conversations, whatever the grouping.
  req.query = "deploy OR deploys OR frozen OR freeze";
  req.access = Access::public_only();
  for (const auto& [name, counts] : s.search(req).facets->by_name)
    if (name == "space")
      for (const auto& [v, n] : counts)
        if (v == "ops") {
          EXPECT_EQ(n, 3u);
        }
}

TEST_F(SearchTest, snippets_mark_matches_and_escape_html) {
  TempDir dir;
  const std::string db = (dir.path / "db").string();
  {
    std::ofstream f(dir.path / "in.jsonl");
    f << R"({"id":"t:1","source":"t","kind":"message","date":"2021-01-01T00:00:00Z","text":"if a < b && c > d then \"ship\" it"})"
      << "\n"
      << R"({"id":"t:2","source":"t","kind":"post","title":"Ampersands","date":"2021-01-02T00:00:00Z","text":"R&D <b>bold</b> plans"})"
      << "\n";
  }
  import(db, dir.path / "in.jsonl");
  Searcher s(db);
  SearchRequest req;
  req.query = "ship";
  auto r = s.search(req);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].snippet, "if a &lt; b &amp;&amp; c &gt; d then \"<mark>ship</mark>\" it");
  // A title match leaves nothing to mark in the text: its start, escaped.
  req.query = "ampersands";
  r = s.search(req);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].snippet, "R&amp;D &lt;b&gt;bold&lt;/b&gt; plans");
  EXPECT_EQ(snippet_to_terminal(r.hits[0].snippet, false), "R&D <b>bold</b> plans");
}

TEST_F(SearchTest, did_you_mean_corrects_free_text_and_keeps_the_filters) {
  struct Row {
    const char* query;
    const char* corrected;  // nullptr: none offered
  } rows[] = {
      {"deplyo", "deploy"},
      {"migratoin in:ops", "migration in:ops"},
      {"from:alice deplyo", "from:alice deploy"},
      {"(deplyo OR frozn) -is:bot", "(deploy OR frozen) -is:bot"},
      {"deploy", nullptr},    // found: nothing to correct
      {"hotfixes", nullptr},  // a known word, even if rare
      {"deplyo in:general", nullptr},  // the correction finds nothing more
      {"xyzzyq", nullptr},              // nothing close
  };
  for (const auto& row : rows) {
    auto r = search(row.query, Access::public_only());
    if (row.corrected) {
      ASSERT_TRUE(r.corrected.has_value()) << row.query;
      EXPECT_EQ(*r.corrected, row.corrected) << row.query;
    } else {
      EXPECT_FALSE(r.corrected.has_value()) << row.query << " -> " << r.corrected.value_or("");
    }
  }
  std::ostringstream text;
  make_printer(Format::Text, text, false)->result(search("migratoin in:ops"));
  EXPECT_EQ(text.str(), "Did you mean: migration in:ops\n\nNo matches for migratoin in:ops\n");
  EXPECT_NE(result_json(search("deplyo")).find("\"corrected\":\"deploy\""), std::string::npos);
}

// The words only restricted documents hold, from the index itself.
std::set<std::string> restricted_only_words(const std::string& db_path) {
  Xapian::Database db(db_path);
  std::set<std::string> pub, restricted;
  const std::string private_term = term(Field::Flag, "private");
  for (Xapian::docid d = 1; d <= db.get_lastdocid(); ++d) {
    Xapian::Document doc;
    try {
      doc = db.get_document(d);
    } catch (const Xapian::DocNotFoundError&) {
      continue;
    }
    bool is_public = true;
    std::set<std::string> words;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      if (*t == private_term) is_public = false;
      if (!(*t).empty() && (*t)[0] >= 'a' && (*t)[0] <= 'z') words.insert(*t);
    }
    (is_public ? pub : restricted).insert(words.begin(), words.end());
  }
  std::set<std::string> out;
  for (const auto& w : restricted)
    if (!pub.count(w)) out.insert(w);
  return out;
}

TEST_F(SearchTest, no_restricted_word_is_ever_suggested_or_shown) {
  auto secret = restricted_only_words(db_);
  // The fixture's restricted documents: S6 (heron), S7 (salary), GS1, P60.
  for (const char* w : {"heron", "acquisition", "codename", "salary", "diligence", "checklist", "confidential"})
    EXPECT_TRUE(secret.count(w)) << w;
  Xapian::Database db(db_);
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it)
    EXPECT_FALSE(secret.count(*it)) << "spelling table holds restricted word " << *it;

  const Access callers[] = {Access::public_only(), Access::parse("slack:U100"), Access::parse("github:acme/secret")};
  for (const auto& w : secret) {
    if (w.size() < 4) continue;
    // One letter off each way: a typo of the secret word.
    for (const std::string& typo : {w + "x", w.substr(0, w.size() - 1) + "q", "x" + w}) {
      for (const auto& who : callers) {
        auto r = search(typo, who);
        if (r.corrected) EXPECT_EQ(r.corrected->find(w), std::string::npos) << typo << " -> " << *r.corrected;
      }
    }
    auto r = search(w, Access::public_only());
    EXPECT_TRUE(r.hits.empty()) << w;
    EXPECT_FALSE(r.corrected && r.corrected->find(w) != std::string::npos) << w;
  }

  // Snippets and facets of a public caller carry nothing of restricted documents.
  Searcher s(db_);
  SearchRequest req;
  req.query = "source:slack OR source:github OR source:p2 OR source:meetings";
  req.facets = true;
  req.limit = 100;
  req.access = Access::public_only();
  auto r = s.search(req);
  for (const auto& h : r.hits)
    for (const auto& w : name_words(h.snippet)) EXPECT_FALSE(secret.count(w)) << h.record.id << " " << w;
  std::set<std::string> values;
  for (const auto& [name, counts] : r.facets->by_name)
    for (const auto& [v, n] : counts) values.insert(v);
  for (const char* v : {"leadership", "acme/secret", "dm:Alice Ng,Bo Li", "events", "2022-01"})
    EXPECT_FALSE(values.count(v)) << v;
}

TEST(facets_test, past_the_exact_limit_facets_are_estimated_from_an_even_sample) {
  // 3,000 messages over three years and three channels, a fifth of them in a
  // private channel. Past the limit, counts come from every k-th document:
  // close to the exact ones for every year (a sample that stopped early would
  // see only the first year), and nothing of the private channel for a caller
  // who may not see it.
  TempDir dir;
  const std::string db = (dir.path / "db").string();
  {
    IndexWriter w(db, 5000);
    for (int i = 0; i < 3000; ++i) {
      Record r = test::make_record("t:" + std::to_string(i), "slack", "message",
                                   utc_seconds(2019 + i / 1000, 1 + (i % 1000) / 90, 1 + i % 28), "status update");
      const int channel = i % 5;
      r.space = channel == 4 ? "secret" : channel % 2 ? "ops" : "general";
      if (channel == 4) r.principals = {"slack:C4"};
      w.write(r);
    }
    w.commit();
  }
  Searcher s(db);
  auto facet_map = [](const SearchResult& r) {
    std::map<std::string, std::map<std::string, uint64_t>> f;
    for (const auto& [name, counts] : r.facets->by_name)
      for (const auto& [v, n] : counts) f[name][v] = n;
    return f;
  };
  SearchRequest req;
  req.query = "status";
  req.facets = true;
  req.group = Group::None;
  auto exact = s.search(req);
  ASSERT_TRUE(exact.facets);
  EXPECT_EQ(exact.facets->sample_every, 1u);
  auto e = facet_map(exact);
  EXPECT_EQ(e["year"]["2019"], 1000u);
  EXPECT_EQ(e["year"]["2021"], 1000u);
  EXPECT_EQ(e["space"]["secret"], 600u);
  EXPECT_EQ(exact.total, 3000u);

  req.exact_facets_up_to = 1500;  // a sample of about 750: one in 4
  auto sampled = s.search(req);
  ASSERT_TRUE(sampled.facets);
  EXPECT_EQ(sampled.facets->sample_every, 4u);
  auto f = facet_map(sampled);
  uint64_t years = 0;
  for (const char* year : {"2019", "2020", "2021"}) {
    // A sample that stopped early would have seen 2019 only.
    EXPECT_GE(f["year"][year], 500u) << year;
    EXPECT_LE(f["year"][year], 1500u) << year;
    EXPECT_EQ(f["year"][year] % 4, 0u) << year;
    years += f["year"][year];
  }
  EXPECT_GE(years, 2400u);
  EXPECT_LE(years, 3600u);
  for (const char* space : {"general", "ops"}) {
    EXPECT_GE(f["space"][space], 600u) << space;
    EXPECT_LE(f["space"][space], 1800u) << space;
  }

  req.access = Access::parse("slack:U1");  // not in the private channel
  auto restricted = s.search(req);
  ASSERT_TRUE(restricted.facets);
  EXPECT_GT(restricted.facets->sample_every, 1u);
  auto r = facet_map(restricted);
  EXPECT_EQ(r["space"].count("secret"), 0u);
  EXPECT_GT(r["space"]["ops"], 0u);
  uint64_t by_year = 0;
  for (const auto& [year, n] : r["year"]) by_year += n;
  EXPECT_GE(by_year, 2000u);
  EXPECT_LE(by_year, 2800u);

  // The JSON result says the counts are estimates.
  EXPECT_NE(result_json(sampled).find("\"facets_exact\":false"), std::string::npos);
  EXPECT_NE(result_json(exact).find("\"facets_exact\":true"), std::string::npos);
}

// Equal scores are ordered newest first. From its second search on, a
// searcher reads dates from memory (a table per database revision) instead of
// the date values: both give the same order, and so does a searcher after a
// commit added documents (the table is made again for the new revision).
TEST(ties_test, equal_scores_come_newest_first_from_values_and_from_memory_alike) {
  TempDir dir;
  const std::string db = (dir.path / "db").string();
  auto write = [&](int from, int to) {
    IndexWriter w(db, 5000);
    // Written in a shuffled date order, so that the document ids do not follow the dates.
    for (int i = from; i < to; ++i) {
      const int day = (i * 37) % 400;
      w.write(test::make_record("t:" + std::to_string(i), "t", "message", 1600000000 + day * 86400 + i, "release notes"));
    }
    w.commit();
  };
  write(0, 400);
  Searcher s(db);
  SearchRequest req;
  req.query = "release";
  req.group = Group::None;
  req.limit = 50;
  auto dates = [](const SearchResult& r) {
    std::vector<int64_t> out;
    for (const auto& h : r.hits) out.push_back(h.record.date);
    return out;
  };
  const auto from_values = s.search(req);
  ASSERT_EQ(from_values.hits.size(), 50u);
  auto expected = dates(from_values);
  EXPECT_TRUE(std::is_sorted(expected.rbegin(), expected.rend()));
  EXPECT_EQ(expected.front(), 1600000000 + 399 * 86400 + 227);  // the newest of all 400 ((227 * 37) % 400 = 399)
  EXPECT_EQ(dates(s.search(req)), expected);  // from memory
  req.sort = Sort::Oldest;
  auto oldest = dates(s.search(req));
  EXPECT_TRUE(std::is_sorted(oldest.begin(), oldest.end()));
  EXPECT_EQ(oldest.front(), 1600000000);  // document 0, day 0
  req.sort = Sort::Relevance;
  // A newer document after a commit: first, whether read from values or memory.
  {
    IndexWriter w(db, 5000);
    w.write(test::make_record("t:new", "t", "message", 1700000000, "release notes"));
    w.commit();
  }
  s.reopen();
  auto after = s.search(req);
  ASSERT_FALSE(after.hits.empty());
  EXPECT_EQ(after.hits.front().record.id, "t:new");
  Searcher fresh(db);
  EXPECT_EQ(dates(fresh.search(req)), dates(after));
}

// With --group thread a searcher, from its second search on, finds the
// conversations by grouping the best documents in memory (a table of every
// document's conversation); its first search lets Xapian collapse on the
// thread value. Both give the same conversations in the same order, page
// after page, and each hit's thread_matches is exact: the number of
// documents of its conversation that match, as the caller sees them.
TEST(grouping_test, conversations_grouped_in_memory_are_those_xapian_collapses_with_exact_counts) {
  TempDir dir;
  const std::string db = (dir.path / "db").string();
  test::import_file(db, test::realdata("slack/julialang-slack-history"));
  size_t replies_counted = 0, pages = 0;
  for (const char* q : {"julia", "package", "error", "thanks", "the", "is:reply", "type function"}) {
    for (size_t offset : {0, 10, 30}) {
      SearchRequest req;
      req.query = q;
      req.offset = offset;
      req.limit = 10;
      Searcher collapsing(db), grouping(db);
      const SearchResult a = collapsing.search(req);
      grouping.search(req);
      const SearchResult b = grouping.search(req);
      ASSERT_EQ(a.hits.size(), b.hits.size()) << q << " " << offset;
      if (b.hits.empty()) continue;
      ++pages;
      std::set<std::string> threads;
      for (size_t i = 0; i < a.hits.size(); ++i) {
        const Hit& x = a.hits[i];
        const Hit& y = b.hits[i];
        EXPECT_EQ(x.record.id, y.record.id) << q << " " << offset << " #" << i;
        EXPECT_EQ(x.thread_matches, y.thread_matches) << q << " " << y.record.id;
        EXPECT_DOUBLE_EQ(x.score, y.score) << q << " " << y.record.id;
        EXPECT_TRUE(threads.insert(y.record.thread_id()).second) << "twice: " << y.record.thread_id();
        const uint64_t exact = grouping.count(std::string(q) + " thread:" + y.record.thread_id(), Access::everything());
        EXPECT_EQ(y.thread_matches, exact) << q << " " << y.record.id;
        if (exact > 1) ++replies_counted;
      }
      EXPECT_GE(b.total, offset + b.hits.size()) << q;
    }
  }
  EXPECT_GE(pages, 15u);
  EXPECT_GE(replies_counted, 20u);  // conversations where more than one document matched
}

// The same hits in the same order, with the same scores and conversation
// counts, in `a` as in `b` (the results of query `q` two ways).
void expect_same_hits(const SearchResult& a, const SearchResult& b, const std::string& q) {
  ASSERT_EQ(a.hits.size(), b.hits.size()) << q;
  for (size_t i = 0; i < a.hits.size(); ++i) {
    EXPECT_EQ(a.hits[i].record.id, b.hits[i].record.id) << q << " #" << i;
    EXPECT_DOUBLE_EQ(a.hits[i].score, b.hits[i].score) << q << " #" << i;
    EXPECT_EQ(a.hits[i].thread_matches, b.hits[i].thread_matches) << q << " #" << i;
  }
}

// A long intersection on a large index is matched in two halves on two
// threads and the two tops merged (Searcher::Split; thresholds lowered here to
// reach it on a small index): the hits, their order, scores and counts are
// those of one match, for documents and conversations, by relevance and by
// date, page after page, for every caller.
TEST(split_test, a_match_split_in_two_halves_gives_what_one_match_gives) {
  TempDir dir;
  const std::string db = julia_and_fixture(dir);
  Searcher whole(db), halves(db);
  Searcher::Split never;
  never.documents = UINT64_MAX;
  whole.set_split(never);
  halves.set_split(always_split());
  size_t compared = 0, full_pages = 0;
  const Access restricted{false, {"slack:U100"}};
  for (const char* q : {"julia package", "the function", "\"the package\"", "type is", "the the", "to be",
                        "deploy freeze", "of the in:general"}) {
    for (Group group : {Group::None, Group::Thread}) {
      for (Sort sort : {Sort::Relevance, Sort::Newest, Sort::Oldest}) {
        for (size_t offset : {0, 10, 25}) {
          for (const Access& access : {Access::everything(), restricted}) {
            SearchRequest req;
            req.query = q;
            req.group = group;
            req.sort = sort;
            req.offset = offset;
            req.limit = 10;
            req.access = access;
            whole.search(req);
            halves.search(req);
            const SearchResult a = whole.search(req), b = halves.search(req);
            ASSERT_NO_FATAL_FAILURE(expect_same_hits(a, b, std::string(q) + " offset " + std::to_string(offset)));
            for (size_t i = 0; i < a.hits.size(); ++i) {
              EXPECT_EQ(a.hits[i].snippet, b.hits[i].snippet) << q << " " << b.hits[i].record.id;
              EXPECT_TRUE(access.may_see(b.hits[i].record)) << b.hits[i].record.id;
            }
            if (a.hits.size() < req.limit) EXPECT_EQ(a.total, b.total) << q;  // every match seen: exact
            if (a.hits.size() == req.limit) ++full_pages;
            compared += a.hits.size();
          }
        }
      }
    }
  }
  EXPECT_GE(compared, 900u);
  EXPECT_GE(full_pages, 70u);

  // Equal scores and equal dates: the lower document id first, as in one match.
  const std::string ties = (dir.path / "ties").string();
  {
    IndexWriter w(ties, 5000);
    for (int i = 0; i < 60; ++i)
      w.write(test::make_record("t:" + std::to_string(i), "t", "message", 1600000000 + (i % 3) * 86400, "release notes"));
    w.commit();
  }
  Searcher whole_ties(ties), halves_ties(ties);
  whole_ties.set_split(never);
  halves_ties.set_split(always_split());
  SearchRequest req;
  req.query = "release notes";
  req.group = Group::None;
  req.limit = 30;
  whole_ties.search(req);
  halves_ties.search(req);
  std::vector<std::string> a, b;
  for (const auto& h : whole_ties.search(req).hits) a.push_back(h.record.id);
  for (const auto& h : halves_ties.search(req).hits) b.push_back(h.record.id);
  ASSERT_EQ(a.size(), 30u);
  EXPECT_EQ(a.front(), "t:2");  // the newest day (i % 3 == 2), lowest id
  EXPECT_EQ(a, b);
}

// From its second search on, a searcher counts facets from a table of every
// document's packed facets in memory instead of reading each match's: the
// counts are the same, exact or estimated from a sample, for every caller.
TEST(facets_memory_test, facets_counted_from_memory_are_those_read_from_the_index) {
  TempDir dir;
  const std::string db = julia_and_fixture(dir);
  size_t sampled = 0, exact = 0;
  for (const char* q : {"the", "julia", "is:reply", "package OR function", "deploy", "the package", ""}) {
    for (uint64_t up_to : {uint64_t(5000), uint64_t(40)}) {
      for (const Access& access : {Access::everything(), Access{false, {"slack:U100"}}, Access::public_only()}) {
        SearchRequest req;
        req.query = q;
        req.facets = true;
        req.exact_facets_up_to = up_to;
        req.access = access;
        req.group = Group::None;  // a grouped total is an estimate of conversations, made two ways
        Searcher s(db);
        const SearchResult from_index = s.search(req);
        const SearchResult from_memory = s.search(req);
        ASSERT_TRUE(from_index.facets && from_memory.facets) << q;
        EXPECT_EQ(from_index.facets->by_name, from_memory.facets->by_name) << q << " up to " << up_to;
        EXPECT_EQ(from_index.facets->sample_every, from_memory.facets->sample_every) << q;
        EXPECT_EQ(from_index.total, from_memory.total) << q;
        (from_memory.facets->sample_every > 1 ? sampled : exact) += 1;
        uint64_t sources = 0;
        for (const auto& [name, counts] : from_memory.facets->by_name)
          if (name == "source")
            for (const auto& [value, n] : counts) sources += n;
        if (from_memory.facets->sample_every == 1) EXPECT_EQ(sources, s.count(q, access)) << q;
      }
    }
  }
  EXPECT_GE(sampled, 6u);
  EXPECT_GE(exact, 12u);
}

// A match that sees every match (there are no more than the documents it
// asks for, so Xapian skips none) counts their facets as it goes, and the
// pass of their own is not run: the counts and totals are those of the pass
// (reached here through a page deep enough for Xapian to collapse
// conversations, which always counts in a pass), whole or split, for every
// caller.
TEST(facets_in_match_test, facets_counted_by_the_match_are_those_of_a_pass_of_their_own) {
  TempDir dir;
  const std::string db = julia_and_fixture(dir);
  Searcher whole(db), halves(db);
  halves.set_split(always_split());
  size_t in_match = 0, in_pass = 0;
  for (const char* q : {"deploy", "macro", "\"the package\"", "julia package", "precompile", "type is", "the the",
                        "julia", "segfault"}) {
    for (const Access& access : {Access::everything(), Access{false, {"slack:U100"}}, Access::public_only()}) {
      for (Group group : {Group::None, Group::Thread}) {
        SearchRequest req;
        req.query = q;
        req.facets = true;
        req.group = group;
        req.access = access;
        SearchRequest deep = req;
        deep.group = Group::Thread;
        deep.offset = 300;  // past the conversations grouped in memory: Xapian collapses
        whole.search(req);  // the second search has the table
        halves.search(req);
        const SearchResult a = whole.search(req), b = halves.search(req), pass = whole.search(deep);
        ASSERT_TRUE(a.facets && b.facets && pass.facets) << q;
        EXPECT_FALSE(pass.facets->counted_in_match) << q;
        EXPECT_EQ(a.facets->by_name, pass.facets->by_name) << q;
        EXPECT_EQ(b.facets->by_name, pass.facets->by_name) << q << " split";
        EXPECT_EQ(a.facets->sample_every, 1u) << q;
        // A grouped total past a page is an estimate of conversations, made
        // from each half's estimate when split.
        if (group == Group::None || a.facets->counted_in_match) {
          EXPECT_EQ(a.total, b.total) << q;
        }
        const uint64_t n = whole.count(q, access);
        if (group == Group::None) {
          EXPECT_EQ(a.total, n) << q;
        }
        EXPECT_LE(a.total, n) << q;
        for (const SearchResult* r : {&a, &b}) (r->facets->counted_in_match ? in_match : in_pass) += 1;
        if (n <= 10) {
          EXPECT_TRUE(a.facets->counted_in_match) << q;  // a page of 10 holds them all
        }
        if (n > 25) {
          EXPECT_FALSE(a.facets->counted_in_match) << q;  // the match skipped some
        }
      }
    }
  }
  EXPECT_GE(in_match, 40u);
  EXPECT_GE(in_pass, 12u);

  // Estimated from a sample, whole and split: the sample picks documents by
  // id, so the halves' samples are the whole's when the rate is the same.
  size_t sampled = 0;
  for (const char* q : {"the", "julia", "is:reply", "is:thread", "source:slack"}) {
    SearchRequest req;
    req.query = q;
    req.facets = true;
    req.group = Group::None;
    req.exact_facets_up_to = 40;
    whole.search(req);
    halves.search(req);
    const SearchResult a = whole.search(req), b = halves.search(req);
    ASSERT_TRUE(a.facets && b.facets) << q;
    EXPECT_GT(a.facets->sample_every, 1u) << q;
    if (a.facets->sample_every != b.facets->sample_every) continue;  // the halves' estimates summed differ
    EXPECT_EQ(a.facets->by_name, b.facets->by_name) << q;
    ++sampled;
  }
  EXPECT_GE(sampled, 4u);
}

// From its second search on, a searcher answers filters' terms that many
// documents hold from bitmaps in memory: hits, order, scores, counts and
// facets are those of the terms' posting lists, for filters, negations and
// restricted callers (whose private documents' term is one) and date ranges
// (whole years and months are terms), whole and split.
TEST(bitmaps_test, filters_answered_from_bitmaps_give_what_their_posting_lists_give) {
  TempDir dir;
  const std::string db = julia_and_fixture(dir);
  Searcher lists(db), bits(db), bits_split(db);
  lists.set_bitmaps_from(UINT64_MAX);
  bits.set_bitmaps_from(1);
  bits_split.set_bitmaps_from(1);
  bits_split.set_split(always_split());
  size_t compared = 0;
  const Access restricted{false, {"slack:U100"}};
  for (const char* q : {"julia is:reply", "the is:thread", "package source:slack", "is:reply", "source:slack",
                        "julia -is:reply", "julia OR package is:reply", "the type:message", "is:private",
                        "the -source:slack", "type:message is:thread -is:reply", "julia after:2020-09-15",
                        "the before:2021-02-10", "date:2020..2021-03", "package during:2021",
                        "julia date:2020-07-04..2021-01-20", "after:2020-10-01 -is:reply", ""}) {
    for (Group group : {Group::None, Group::Thread}) {
      for (const Access& access : {Access::everything(), restricted, Access::public_only()}) {
        for (size_t offset : {0, 10}) {
          SearchRequest req;
          req.query = q;
          req.group = group;
          req.access = access;
          req.offset = offset;
          req.facets = true;
          for (Searcher* s : {&lists, &bits, &bits_split}) s->search(req);  // the second search has the table
          const SearchResult a = lists.search(req);
          for (Searcher* s : {&bits, &bits_split}) {
            const SearchResult b = s->search(req);
            ASSERT_NO_FATAL_FAILURE(expect_same_hits(a, b, q));
            for (const auto& h : b.hits) EXPECT_TRUE(access.may_see(h.record)) << h.record.id;
            ASSERT_TRUE(a.facets && b.facets) << q;
            if (a.facets->sample_every == b.facets->sample_every) {
              EXPECT_EQ(a.facets->by_name, b.facets->by_name) << q;
            }
            if (group == Group::None) {
              EXPECT_EQ(a.total, b.total) << q;
            }
            compared += b.hits.size();
          }
        }
      }
    }
  }
  EXPECT_GE(compared, 800u);
  EXPECT_EQ(lists.bitmaps(), bits.bitmaps());  // one table for the database's revision, shared
  EXPECT_GE(bits.bitmaps(), 4u);  // of is:reply, is:thread, source:slack, type:message and is:private
}

// Phrases of real messages, two and three words from the start of every
// fifth text of the Slack history that has them, quoted.
std::vector<std::string> phrases_of_julia() {
  test::CollectingSink sink;
  const fs::path path = test::realdata("slack/julialang-slack-history");
  reader_for(path, "")->read(path, ReaderOptions{}, sink);
  std::vector<std::string> out;
  for (size_t i = 0; i < sink.records.size(); i += 5) {
    std::vector<std::string> words;
    std::string w;
    for (char c : sink.records[i].text + " ") {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        w += c;
      } else if (!w.empty()) {
        words.push_back(w);
        w.clear();
      }
    }
    if (words.size() >= 3) out.push_back("\"" + words[0] + " " + words[1] + " " + words[2] + "\"");
    if (words.size() >= 5) out.push_back("\"" + words[3] + " " + words[4] + "\"");
  }
  return out;
}

// Each document's word-pair filter rules out, before Xapian reads the
// positions of a phrase's words, the documents that cannot hold it: hits,
// order, scores and counts are those of the positions alone, for phrases
// alone, with words, filters and negations, under an OR (not filtered),
// titles, hyphenated words, grouped or not, whole and split; and so on an
// index some of whose documents an older Lore wrote without the filter.
TEST(pairs_test, phrases_checked_against_the_word_pairs_first_find_what_positions_alone_find) {
  TempDir dir;
  const std::string db = julia_and_fixture(dir);
  // The same index with every other document as an older Lore wrote it.
  const std::string older = (dir.path / "older").string();
  fs::copy(db, older);
  {
    Xapian::WritableDatabase w(older, Xapian::DB_OPEN);
    for (Xapian::docid id = 1; id <= w.get_lastdocid(); id += 2) {
      Xapian::Document doc = w.get_document(id);
      doc.remove_value(field(Field::Pairs).slot);
      w.replace_document(id, doc);
    }
    w.commit();
  }
  std::vector<std::string> queries = phrases_of_julia();
  ASSERT_GT(queries.size(), 100u);
  for (const char* q : {"\"the the\"", "\"of the\"", "\"in the\" julia", "\"is the\" -is:reply",
                        "\"the package\" OR julia", "\"to the\" is:thread", "title:\"deploy freeze\"",
                        "\"deploy freeze\"", "follow-up", "\"a deploy freeze during the database\"", "\"the\"",
                        "julia \"the code\" \"in the\""})
    queries.emplace_back(q);
  size_t compared = 0, with_hits = 0;
  for (const std::string& path : {db, older}) {
    Searcher positions(path), pairs(path), pairs_split(path);
    positions.set_pairs_from(UINT64_MAX);
    pairs.set_pairs_from(0);
    pairs_split.set_pairs_from(0);
    pairs_split.set_split(always_split());
    for (const std::string& q : queries) {
      for (Group group : {Group::None, Group::Thread}) {
        SearchRequest req;
        req.query = q;
        req.group = group;
        req.limit = 20;
        for (Searcher* s : {&positions, &pairs, &pairs_split}) s->search(req);  // the second search has the table
        const SearchResult a = positions.search(req);
        with_hits += !a.hits.empty();
        for (Searcher* s : {&pairs, &pairs_split}) {
          const SearchResult b = s->search(req);
          ASSERT_NO_FATAL_FAILURE(expect_same_hits(a, b, q));
          if (a.hits.size() < req.limit) EXPECT_EQ(a.total, b.total) << q;
          compared += b.hits.size();
        }
      }
    }
    EXPECT_EQ(positions.pair_memory_bytes(), pairs.pair_memory_bytes());  // one table for the revision, shared
  }
  EXPECT_GE(with_hits, 400u);
  EXPECT_GE(compared, 3000u);
  // Only a phrase whose rarest word enough documents hold needs the filters.
  Searcher rare(db);
  rare.set_pairs_from(UINT64_MAX - 1);
  SearchRequest req;
  req.query = "\"the package\"";
  rare.search(req);
  rare.search(req);
  EXPECT_EQ(rare.pair_memory_bytes(), 0u);
  Searcher common(db);
  common.set_pairs_from(0);
  common.search(req);
  common.search(req);
  EXPECT_GT(common.pair_memory_bytes(), 8 * Xapian::Database(db).get_doccount());
}

// A time limit stops the counting of facets, not the page: past it, the
// facets count only what was seen. (Xapian's own time limit is not used: its
// timer could write into a finished match's frame.)
TEST(time_limit_test, past_the_limit_facets_count_only_what_was_seen) {
  TempDir dir;
  const std::string db = (dir.path / "db").string();
  test::import_file(db, test::realdata("slack/julialang-slack-history"));
  Searcher s(db);
  const uint64_t all = s.count("the", Access::everything());
  ASSERT_GT(all, 200u);
  auto counted = [&](double limit) {
    SearchRequest req;
    req.query = "the";
    req.group = Group::None;
    req.facets = true;
    req.exact_facets_up_to = UINT64_MAX;
    req.time_limit = limit;
    const SearchResult r = s.search(req);
    EXPECT_EQ(r.hits.size(), 10u);  // the page is whole either way
    uint64_t n = 0;
    for (const auto& [name, counts] : r.facets->by_name)
      if (name == "source")
        for (const auto& [value, c] : counts) n += c;
    return n;
  };
  EXPECT_EQ(counted(0), all);
  EXPECT_EQ(counted(60), all);
  EXPECT_LE(counted(1e-9), 64u);  // the clock is read every 64th document
}

TEST(spelling_test, only_public_versions_of_a_document_feed_the_spelling_table) {
  TempDir dir;
  const std::string db = (dir.path / "db").string();
  auto spelled = [&](const std::string& w) {
    Xapian::Database d(db);
    auto it = d.spellings_begin();
    it.skip_to(w);
    return it != d.spellings_end() && *it == w ? it.get_termfreq() : 0u;
  };
  Record r = test::make_record("t:1", "t", "message", 1600000000, "zanzibar harbour");
  Record other = r;
  other.id = "t:2";
  other.text = "zanzibar ferry";
  {
    IndexWriter w(db);
    w.write(r);
    w.write(other);
    w.commit();
  }
  EXPECT_EQ(spelled("zanzibar"), 2u);
  EXPECT_EQ(spelled("harbour"), 1u);
  // Restricted now: its words leave the table, the other document's stay.
  r.principals = {"slack:U1"};
  r.text = "zanzibar harbour lighthouse";
  {
    IndexWriter w(db);
    EXPECT_EQ(w.write(r), IndexWriter::Outcome::Updated);
    w.commit();
  }
  EXPECT_EQ(spelled("zanzibar"), 1u);
  EXPECT_EQ(spelled("harbour"), 0u);
  EXPECT_EQ(spelled("lighthouse"), 0u);
  // Public again, edited; then the other one deleted.
  r.principals.clear();
  r.text = "lighthouse keeper";
  other.deleted = true;
  {
    IndexWriter w(db);
    w.write(r);
    EXPECT_EQ(w.write(other), IndexWriter::Outcome::Removed);
    w.commit();
  }
  EXPECT_EQ(spelled("zanzibar"), 0u);
  EXPECT_EQ(spelled("ferry"), 0u);
  EXPECT_EQ(spelled("lighthouse"), 1u);
  EXPECT_EQ(spelled("keeper"), 1u);
}

TEST(synonyms_test, the_glossary_widens_searches_and_a_new_one_replaces_it) {
  TempDir dir;
  const std::string db = (dir.path / "db").string();
  import(db, test::source_root() / "tests" / "fixtures" / "filters.jsonl");
  {
    std::ofstream f(dir.path / "glossary.txt");
    f << "# term synonym...\n"
         "hiatus freeze\n"
         "\"release stop\" freeze, moratorium\n"
         "lonely\n";
  }
  auto entries = IndexWriter::read_synonyms((dir.path / "glossary.txt").string());
  ASSERT_EQ(entries, (std::vector<std::vector<std::string>>{{"hiatus", "freeze"},
                                                            {"release stop", "freeze", "moratorium"}}));
  auto found = [&](const std::string& q) {
    Searcher s(db);
    std::set<std::string> out;
    for (const auto& h : s.search({q, 0, 100, Sort::Relevance, Group::None, false, Access::everything()}).hits)
      out.insert(h.record.id);
    return out;
  };
  const std::set<std::string> freeze = found("freeze");
  EXPECT_EQ(freeze.size(), 6u);
  EXPECT_EQ(found("hiatus"), std::set<std::string>{});
  {
    IndexWriter w(db);
    EXPECT_EQ(w.replace_synonyms(entries), 2u);
  }
  EXPECT_EQ(found("hiatus"), freeze);
  EXPECT_EQ(found("release stop"), freeze);
  EXPECT_EQ(found("moratorium"), std::set<std::string>{});  // one way: term to synonyms
  EXPECT_EQ(found("\"hiatus\""), std::set<std::string>{});  // not inside phrases
  {
    IndexWriter w(db);
    EXPECT_EQ(w.replace_synonyms({{"pause", "freeze"}}), 1u);
  }
  EXPECT_EQ(found("hiatus"), std::set<std::string>{});
  EXPECT_EQ(found("pause"), freeze);
}

TEST_F(SearchTest, similar_conversations_come_only_from_what_the_caller_may_see) {
  Searcher s(db_);
  const Access secret_repo = Access::parse("github:acme/secret");
  // The secret issue shares "heron" and "acquisition" with the leadership
  // channel's message: similar to a caller who sees both, not to one who
  // sees only the issue.
  auto all = s.similar(GS1, 10, Access::everything());
  auto some = s.similar(GS1, 10, secret_repo);
  auto has = [](const SearchResult& r, const std::string& id) {
    for (const auto& h : r.hits)
      if (h.record.id == id) return true;
    return false;
  };
  EXPECT_TRUE(has(all, S6));
  EXPECT_FALSE(has(some, S6));
  for (const auto& h : some.hits) EXPECT_TRUE(secret_repo.may_see(h.record)) << h.record.id;
  // The seed's own conversation is never among them; a hidden seed is unknown.
  for (const auto& h : s.similar(S1, 10, Access::public_only()).hits) {
    EXPECT_NE(h.record.thread_id(), S1);
    EXPECT_TRUE(h.record.principals.empty()) << h.record.id;
  }
  EXPECT_FALSE(s.similar(S1, 10, Access::public_only()).hits.empty());
  EXPECT_THROW(s.similar(S6, 10, Access::public_only()), Error);
}

}  // namespace
}  // namespace lore
