// What the importers must show, through the programs a user runs: lore-index
// on the real samples, then lore-search counts, ids and conversations.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "programs.h"
#include "test_archive.h"
#include "access_checks.h"
#include "test_util.h"

namespace lore {
namespace {

namespace fs = std::filesystem;

using test::Outcome;
using test::Programs;

// ------------------------------------------------------------------- Slack

TEST(acceptance_test, slack_houstondatavis_folder_and_zip) {
  Programs p;
  const fs::path folder = test::realdata("slack/houstondatavis-slack-export");
  const fs::path zip = p.dir() / "houston.zip";
  test::pack_folder(folder, zip, test::Packing::Zip);
  const std::string db = (p.dir() / "folder.db").string(), zdb = (p.dir() / "zip.db").string();

  Outcome r = p.index(db, {folder.string()});
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("\tslack\t1031\t1031\t0\t0\t0\t351\t0\t"), std::string::npos) << r.out;
  ASSERT_EQ(p.index(zdb, {zip.string()}).exit, 0);
  test::expect_private_marked(db);

  EXPECT_EQ(p.count(db, ""), 1031u);
  const std::pair<const char*, uint64_t> channels[] = {
      {"datajam", 146}, {"datasets", 17}, {"design-thinking", 2}, {"examples", 58}, {"general", 403},
      {"get_feedback", 135}, {"meetup-", 74}, {"organizations", 2}, {"readings", 34}, {"sci", 48},
      {"sponsors", 8}, {"talks", 16}, {"team-d3", 21}, {"tools", 62}, {"tutorials", 5}};
  uint64_t sum = 0;
  for (auto [channel, n] : channels) {
    EXPECT_EQ(p.count(db, std::string("in:") + channel), n) << channel;
    EXPECT_EQ(p.count(zdb, std::string("in:#") + channel), n) << channel;
    sum += n;
  }
  EXPECT_EQ(sum, 1031u);

  // Names from users.json work in from:, by handle and by display name.
  EXPECT_EQ(p.count(db, "from:neerajt in:general"), 124u);
  EXPECT_EQ(p.count(db, "from:\"Neeraj Tandon\" in:general"), 124u);
  EXPECT_EQ(p.count(db, "author:U061A5N1G in:general"), 124u);

  // Findable by id, with the text as a person reads it.
  EXPECT_EQ(p.search(db, {"--format", "ids", "--show", "slack:C061A2UGJ/1433558696.000004"}),
            "slack:C061A2UGJ/1433558696.000004\n");
  std::string shown = p.search(db, {"--show", "slack:C061A2UGJ/1433558696.000004"});
  EXPECT_NE(shown.find("Neeraj Tandon"), std::string::npos);
  EXPECT_NE(shown.find("Hello!"), std::string::npos);

  // The zip gives the very same documents.
  EXPECT_EQ(p.search(db, {"--export", ""}), p.search(zdb, {"--export", ""}));
  // No raw Slack markup anywhere.
  std::string all = p.search(db, {"--export", ""});
  EXPECT_EQ(all.find("<@U"), std::string::npos);
  EXPECT_EQ(all.find("<#C"), std::string::npos);

  // Re-import changes nothing.
  std::string stats = p.search(db, {"--stats", "--format", "json"});
  r = p.index(db, {zip.string()});
  EXPECT_NE(r.out.find("\tslack\t1031\t0\t0\t1031\t0\t351\t0\t"), std::string::npos) << r.out;
  EXPECT_EQ(p.search(db, {"--stats", "--format", "json"}), stats);
}

TEST(acceptance_test, slack_history_threads_read_back_together) {
  Programs p;
  const std::string db = (p.dir() / "db").string();
  ASSERT_EQ(p.index(db, {test::realdata("slack/julialang-slack-history").string()}).exit, 0);
  EXPECT_EQ(p.count(db, ""), 520u);
  EXPECT_EQ(p.count(db, "type:reply"), 272u);
  EXPECT_EQ(p.count(db, "in:nix"), 146u);
  // All 41 answered roots are threads, whether their page said so or not.
  EXPECT_EQ(p.count(db, "is:thread type:message"), 41u);
  // Every reply's conversation starts with its root, oldest first.
  std::string ids = p.search(db, {"--format", "ids", "--group", "none", "--limit", "5", "type:reply in:distributed"});
  std::istringstream lines(ids);
  std::string reply;
  int checked = 0;
  while (std::getline(lines, reply)) {
    std::string thread = p.search(db, {"--format", "ids", "--thread", reply});
    EXPECT_NE(thread.find(reply + "\n"), std::string::npos);
    EXPECT_NE(thread.substr(0, thread.find('\n')), reply) << "a reply came before its root";
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

// --------------------------------------------------------------- WordPress

TEST(acceptance_test, wxr_theme_unit_test) {
  Programs p;
  const std::string db = (p.dir() / "db").string();
  const fs::path wxr = test::realdata("wxr/wptrt-theme-unit-test/themeunittestdata.wordpress.xml");
  Outcome r = p.index(db, {wxr.string()});
  ASSERT_EQ(r.exit, 0) << r.err;
  test::expect_private_marked(db);
  const std::string anyone = "nobody:none";
  EXPECT_EQ(p.count(db, "type:post", anyone), 48u);
  EXPECT_EQ(p.count(db, "type:post is:private"), 1u);
  EXPECT_EQ(p.count(db, "type:page", anyone), 21u);
  EXPECT_EQ(p.count(db, "type:comment"), 25u);
  EXPECT_EQ(p.count(db, "type:post OR type:page", anyone), 69u);
  EXPECT_EQ(p.count(db, "type:post OR type:page"), 70u);
  EXPECT_EQ(p.count(db, "type:post", "p2:wpthemetestdata.wordpress.com"), 49u);
  // Each findable by id, and the export as a .xml.gz gives the same documents.
  std::string ids = p.search(db, {"--format", "ids", "--group", "none", "--limit", "1000", "type:post OR type:page OR type:comment"});
  EXPECT_EQ(std::count(ids.begin(), ids.end(), '\n'), 95);
  fs::path gz = p.dir() / "theme.xml.gz";
  test::gzip_file(wxr, gz);
  const std::string gdb = (p.dir() / "gz.db").string();
  ASSERT_EQ(p.index(gdb, {gz.string()}).exit, 0);
  EXPECT_EQ(p.search(db, {"--export", ""}), p.search(gdb, {"--export", ""}));
}

TEST(acceptance_test, wxr_broken_files_are_refused_with_file_line_and_column) {
  Programs p;
  const std::string db = (p.dir() / "db").string();
  const fs::path bad = test::realdata("wxr/wordpress-importer/phpunit/data/crazy-cdata.xml");
  const fs::path good = test::realdata("wxr/wptrt-theme-unit-test/theme-preview.xml");
  Outcome r = p.index(db, {bad.string(), good.string()});
  EXPECT_EQ(r.exit, 1);
  EXPECT_NE(r.err.find(bad.string() + ":18:72"), std::string::npos) << r.err;
  EXPECT_EQ(p.count(db, "type:post"), 7u);
}

// ------------------------------------------------------------------ GitHub

TEST(acceptance_test, github_migration_folder_and_tarball) {
  Programs p;
  const fs::path folder = test::realdata("github-migration/milahu-nixpkgs-github-data");
  const fs::path tgz = p.dir() / "migration.tar.gz";
  test::pack_folder(folder, tgz, test::Packing::TarGz);
  const std::string db = (p.dir() / "db").string(), tdb = (p.dir() / "tdb").string();
  Outcome r = p.index(db, {folder.string()});
  ASSERT_EQ(r.exit, 0) << r.err;
  ASSERT_EQ(p.index(tdb, {tgz.string()}).exit, 0);
  test::expect_private_marked(db);
  EXPECT_EQ(p.count(db, "type:issue"), 77u);
  EXPECT_EQ(p.count(db, "is:pr"), 3u);
  EXPECT_EQ(p.count(db, "type:issue_comment"), 52u);
  EXPECT_EQ(p.count(db, ""), 132u);
  EXPECT_EQ(p.count(db, "in:nixpkgs"), 132u);
  EXPECT_EQ(p.search(db, {"--export", ""}), p.search(tdb, {"--export", ""}));

  // Every comment is findable by id and in its issue's conversation.
  std::string comments = p.search(db, {"--format", "ids", "--group", "none", "--limit", "100", "type:issue_comment"});
  std::istringstream lines(comments);
  int n = 0;
  for (std::string id; std::getline(lines, id); ++n) {
    EXPECT_EQ(p.search(db, {"--format", "ids", "--show", id}), id + "\n");
    std::string thread = p.search(db, {"--format", "ids", "--thread", id});
    std::string root = id.substr(0, id.find("/comment/"));
    EXPECT_EQ(thread.substr(0, thread.find('\n')), root) << id;
    EXPECT_NE(thread.find(id + "\n"), std::string::npos) << id;
  }
  EXPECT_EQ(n, 52);
}

// ---------------------------------------------------------- the sample company

TEST(acceptance_test, the_sample_exports_give_exactly_the_documents_of_the_jsonl_sample) {
  Programs p;
  const std::string db = (p.dir() / "db").string();
  const fs::path sample = test::source_root() / "data" / "sample";
  Outcome r = p.index(db, {(sample / "slack-export.zip").string(), (sample / "github-migration.tar.gz").string(),
                           (sample / "p2.wordpress.xml").string(), (sample / "meetings.jsonl").string()});
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(p.count(db, ""), 446u);
  EXPECT_EQ(p.count(db, "source:slack"), 218u);
  EXPECT_EQ(p.count(db, "source:github"), 116u);
  EXPECT_EQ(p.count(db, "source:p2"), 92u);
  EXPECT_EQ(p.count(db, "source:meetings"), 20u);
  EXPECT_EQ(p.count(db, "is:private"), 58u);
  EXPECT_EQ(p.count(db, "", "nobody:none"), 446u - 58u);
  test::expect_private_marked(db);

  // The same ids as the JSON Lines rendering of the same story.
  auto ids_of = [](const std::string& jsonl) {
    std::set<std::string> ids;
    std::istringstream in(jsonl);
    for (std::string line; std::getline(in, line);) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      EXPECT_TRUE(d.IsObject() && d.HasMember("id")) << line;
      if (d.IsObject() && d.HasMember("id")) ids.insert(d["id"].GetString());
    }
    return ids;
  };
  std::ifstream in(sample / "company.jsonl");
  std::string jsonl((std::istreambuf_iterator<char>(in)), {});
  auto expected = ids_of(jsonl);
  EXPECT_EQ(expected.size(), 446u);
  EXPECT_EQ(ids_of(p.search(db, {"--export", ""})), expected);
}

}  // namespace
}  // namespace lore
