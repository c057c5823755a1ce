// The programs as a user runs them: exit codes, error lines, output formats.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>
#include <xapian.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "programs.h"
#include "schema.h"
#include "test_util.h"

namespace lore {
namespace {

namespace fs = std::filesystem;

using test::Outcome;
using test::Programs;

// The programs run in a Programs' temporary folder, with their paths relative to the build tree.
Outcome run(const std::string& program, const std::vector<std::string>& args, const Programs& p) {
  return p.run(program, args);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kIndex = "indexer/lore-index";
const std::string kSearch = "query/lore-search";

std::string fixture() { return (test::source_root() / "tests" / "fixtures" / "filters.jsonl").string(); }

TEST(cli_test, a_missing_database_is_exit_3_with_a_hint) {
  Programs t;
  auto r = run(kSearch, {"--db", (t.dir() / "nope").string(), "deploy"}, t);
  EXPECT_EQ(r.exit, 3);
  EXPECT_EQ(r.err, "lore-search: error: no database at " + (t.dir() / "nope").string() +
                       "\nhint: create it with: lore-index --db " + (t.dir() / "nope").string() + " PATH...\n");
}

TEST(cli_test, a_second_writer_is_exit_3) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  ASSERT_EQ(run(kIndex, {"--db", db, fixture()}, t).exit, 0);
  Xapian::WritableDatabase holder(db, Xapian::DB_OPEN);  // holds the write lock
  auto r = run(kIndex, {"--db", db, fixture()}, t);
  EXPECT_EQ(r.exit, 3);
  EXPECT_NE(r.err.find("lore-index: error: database " + db + " is locked by another writer\nhint: "),
            std::string::npos)
      << r.err;
}

TEST(cli_test, a_database_of_another_schema_is_exit_3) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  {
    Xapian::WritableDatabase w(db, Xapian::DB_CREATE_OR_OPEN);
    w.set_metadata("lore:schema", "0");
    w.add_document(Xapian::Document());
    w.commit();
  }
  auto r = run(kSearch, {"--db", db, "x"}, t);
  EXPECT_EQ(r.exit, 3);
  EXPECT_NE(r.err.find("has schema version 0, this Lore needs " + std::string(kSchemaVersion)), std::string::npos) << r.err;
  EXPECT_EQ(run(kIndex, {"--db", db, fixture()}, t).exit, 3);
}

TEST(cli_test, an_unparseable_query_is_exit_2_and_bad_usage_too) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  ASSERT_EQ(run(kIndex, {"--db", db, fixture()}, t).exit, 0);
  auto r = run(kSearch, {"--db", db, "deploy", "(freeze"}, t);
  EXPECT_EQ(r.exit, 2);
  EXPECT_EQ(r.err, "lore-search: error: cannot parse query: unbalanced \"(\" at column 8\n"
                   "hint: add a \")\" or remove the \"(\"\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(run(kSearch, {"--db", db, "--bogus"}, t).exit, 2);
  EXPECT_EQ(run(kSearch, {"--db", db, "--sort", "sideways", "x"}, t).exit, 2);
  EXPECT_EQ(run(kIndex, {"--db", db}, t).exit, 2);
  EXPECT_EQ(run(kIndex, {"--db", db, "--format", "nope", fixture()}, t).exit, 2);
}

TEST(cli_test, a_malformed_line_is_exit_1_naming_the_line_and_the_rest_is_imported) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  fs::path input = t.dir() / "mixed.jsonl";
  {
    std::ofstream out(input);
    out << R"({"id":"a:1","source":"notes","kind":"post","date":"2021-01-01T00:00:00Z","text":"first good"})" << "\n"
        << R"({"id":"a:2","source":"notes","kind":"post","date":"2021-01-02T00:00:00Z","text":"broken)" << "\n"
        << R"({"id":"a:3","source":"notes","kind":"post","text":"no date"})" << "\n"
        << R"({"id":"a:4","source":"notes","kind":"post","date":"yesterday","text":"bad date"})" << "\n"
        << R"({"id":"a:5","source":"notes","kind":"post","date":"2021-01-05T00:00:00Z","text":"last good"})" << "\n";
  }
  fs::path report = t.dir() / "report.json";
  auto r = run(kIndex, {"--db", db, "--report", report.string(), input.string()}, t);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("lore-index: rejected: " + input.string() + ":2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(input.string() + ":3: missing required field \"date\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(input.string() + ":4: field \"date\" is not an ISO 8601 date: \"yesterday\""),
            std::string::npos)
      << r.err;
  EXPECT_EQ(run(kSearch, {"--db", db, "--count", ""}, t).out, "2\n");
  EXPECT_EQ(run(kSearch, {"--db", db, "--count", "good"}, t).out, "2\n");

  rapidjson::Document rep;
  std::string text = slurp(report);
  rep.Parse(text.c_str());
  ASSERT_FALSE(rep.HasParseError()) << text;
  ASSERT_EQ(rep["files"].Size(), 1u);
  EXPECT_EQ(rep["files"][0]["read"].GetUint(), 2u);
  EXPECT_EQ(rep["files"][0]["added"].GetUint(), 2u);
  EXPECT_EQ(rep["files"][0]["rejected"].GetUint(), 3u);
  ASSERT_EQ(rep["rejected"].Size(), 3u);
  EXPECT_EQ(rep["rejected"][0]["line"].GetUint(), 2u);
  EXPECT_EQ(rep["rejected"][1]["line"].GetUint(), 3u);
  EXPECT_EQ(std::string(rep["rejected"][1]["reason"].GetString()), "missing required field \"date\"");
  EXPECT_EQ(rep["documents"].GetUint(), 2u);
}

TEST(cli_test, a_file_of_no_known_format_is_rejected_and_the_others_imported) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  fs::path junk = t.dir() / "junk.bin";
  std::ofstream(junk) << "this is not an export\n";
  auto r = run(kIndex, {"--db", db, junk.string(), fixture()}, t);
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find("lore-index: error: " + junk.string() + ": not a format Lore can import"), std::string::npos)
      << r.err;
  EXPECT_EQ(run(kSearch, {"--db", db, "--count", ""}, t).out, "16\n");
  auto missing = run(kIndex, {"--db", db, (t.dir() / "absent.jsonl").string()}, t);
  EXPECT_EQ(missing.exit, 1);
  EXPECT_NE(missing.err.find("no such file or folder"), std::string::npos) << missing.err;
}

TEST(cli_test, reimport_leaves_stats_unchanged_and_export_round_trips) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  ASSERT_EQ(run(kIndex, {"--db", db, fixture()}, t).exit, 0);
  auto before = run(kSearch, {"--db", db, "--stats", "--format", "json"}, t);
  auto second = run(kIndex, {"--db", db, fixture()}, t);
  EXPECT_EQ(second.exit, 0);
  EXPECT_NE(second.out.find("\tjsonl\t16\t0\t0\t16\t0\t0\t0\t"), std::string::npos) << second.out;
  auto after = run(kSearch, {"--db", db, "--stats", "--format", "json"}, t);
  EXPECT_EQ(before.out, after.out);

  auto exported = run(kSearch, {"--db", db, "--export", ""}, t);
  EXPECT_EQ(exported.exit, 0);
  fs::path dump = t.dir() / "dump.jsonl";
  std::ofstream(dump) << exported.out;
  std::string db2 = (t.dir() / "db2").string();
  ASSERT_EQ(run(kIndex, {"--db", db2, dump.string()}, t).exit, 0);
  EXPECT_EQ(run(kSearch, {"--db", db2, "--export", ""}, t).out, exported.out);
  // The restricted documents keep their principals through the round trip.
  EXPECT_EQ(run(kSearch, {"--db", db2, "--as", "slack:U999", "--count", ""}, t).out, "12\n");
}

TEST(cli_test, json_output_has_the_spec_shape) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  ASSERT_EQ(run(kIndex, {"--db", db, fixture()}, t).exit, 0);
  auto r = run(kSearch, {"--db", db, "--format", "json", "--facets", "--limit", "2", "deploy"}, t);
  ASSERT_EQ(r.exit, 0) << r.err;
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  EXPECT_EQ(std::string(d["query"].GetString()), "deploy");
  EXPECT_EQ(d["offset"].GetUint(), 0u);
  EXPECT_EQ(d["limit"].GetUint(), 2u);
  EXPECT_TRUE(d["corrected"].IsNull());
  ASSERT_EQ(d["hits"].Size(), 2u);
  for (const char* key : {"id", "source", "kind", "space", "thread", "parent", "title", "author", "author_id", "date",
                          "url", "tags", "state", "score", "snippet", "thread_matches"})
    EXPECT_TRUE(d["hits"][0].HasMember(key)) << key;
  for (const char* key : {"source", "kind", "space", "author", "tag", "year"})
    EXPECT_TRUE(d["facets"].HasMember(key)) << key;

  auto ids = run(kSearch, {"--db", db, "--format", "ids", "--sort", "oldest", "--group", "none", "in:general"}, t);
  EXPECT_EQ(ids.out, "slack:C200/1617235200.000100\nslack:C200/1617321599.000100\n");
  auto show = run(kSearch, {"--db", db, "--format", "json", "--show", "github:acme/api#13"}, t);
  EXPECT_EQ(show.exit, 0);
  EXPECT_NE(show.out.find("\"state\":\"merged\""), std::string::npos);
  auto hidden = run(kSearch, {"--db", db, "--as", "slack:U999", "--show", "github:acme/secret#1"}, t);
  EXPECT_EQ(hidden.exit, 2);
  EXPECT_EQ(hidden.err.rfind("lore-search: error: no document github:acme/secret#1\n", 0), 0u) << hidden.err;
  auto thread = run(kSearch, {"--db", db, "--format", "ids", "--thread", "slack:C100/1614841567.000300"}, t);
  EXPECT_EQ(thread.out,
            "slack:C100/1614834367.000100\nslack:C100/1614837967.000200\nslack:C100/1614841567.000300\n");
}

TEST(cli_test, a_glossary_is_stored_by_lore_index_and_used_by_lore_search) {
  Programs t;
  std::string db = (t.dir() / "db").string();
  ASSERT_EQ(run(kIndex, {"--db", db, fixture()}, t).exit, 0);
  std::string glossary = (t.dir() / "glossary.txt").string();
  std::ofstream(glossary) << "sketch draft\n";
  auto before = run(kSearch, {"--db", db, "--format", "ids", "--group", "none", "sketch"}, t);
  EXPECT_EQ(before.out, "");
  auto stored = run(kIndex, {"--db", db, "--synonyms", glossary}, t);
  ASSERT_EQ(stored.exit, 0) << stored.err;
  EXPECT_EQ(stored.out, "glossary " + glossary + ": 1 terms with synonyms\n");
  auto after = run(kSearch, {"--db", db, "--format", "ids", "--group", "none", "sketch"}, t);
  EXPECT_EQ(after.out, "github:acme/api#12/comment/9001\n");
  auto missing = run(kIndex, {"--db", db, "--synonyms", (t.dir() / "none.txt").string()}, t);
  EXPECT_EQ(missing.exit, 2);
  // Did you mean, as people see it.
  auto typo = run(kSearch, {"--db", db, "--as", "slack:U999", "drafy"}, t);
  EXPECT_EQ(typo.exit, 0);
  EXPECT_EQ(typo.out, "Did you mean: draft\n\nNo matches for drafy\n");
}

}  // namespace
}  // namespace lore
