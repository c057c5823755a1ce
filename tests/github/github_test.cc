// The GitHub readers on the real samples under ../shared/realdata: a
// migration archive (as a folder and as a .tar.gz made here), REST dumps and
// recorded API sessions, a python-github-backup tree, and GH Archive hours.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dates.h"
#include "errors.h"
#include "reader.h"
#include "test_archive.h"
#include "test_util.h"

namespace fs = std::filesystem;
using lore::Record;
using lore::test::CollectingSink;
using lore::test::realdata;
using lore::test::TempDir;

namespace {

const char* kMigration = "github-migration/milahu-nixpkgs-github-data";
const char* kRest = "github-rest-json/github3py-cassettes";
const char* kBackup = "github-backup-layout/erasmolpa-gh-backup";
const char* kGha = "gharchive/go-faster-gha/internal/entry/_testdata";

CollectingSink import(const fs::path& path, std::string_view format = {}) {
  CollectingSink sink;
  auto reader = lore::reader_for(path, format);
  reader->read(path, lore::ReaderOptions{}, sink);
  return sink;
}

std::string sniffed(const fs::path& path) { return std::string(lore::reader_for(path, {})->format()); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, std::string_view content) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
}

// A fresh folder under the system temp dir, removed when the test ends.
std::string replace_once(std::string s, std::string_view from, std::string_view to) {
  size_t p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

// A copy of the real migration folder to change in a test.
void copy_migration(const fs::path& to) {
  for (const auto& e : fs::directory_iterator(realdata(kMigration)))
    if (e.is_regular_file()) fs::copy_file(e.path(), to / e.path().filename());
}

size_t count_skips(const CollectingSink& s, std::string_view category) {
  return std::count(s.skips.begin(), s.skips.end(), std::string(category));
}

std::vector<const Record*> thread_of(const CollectingSink& s, std::string_view thread) {
  std::vector<const Record*> out;
  for (const auto& r : s.records)
    if (r.thread_id() == thread) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [](const Record* a, const Record* b) { return a->date < b->date; });
  return out;
}

int64_t at(const char* iso) { return lore::parse_iso8601(iso).value(); }

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), std::string(x)) != v.end();
}

// ---------------------------------------------------------------------------
// Migration archive

void expect_milahu(const CollectingSink& s) {
  EXPECT_EQ(s.count_kind("issue"), 77u);
  EXPECT_EQ(s.count_kind("pull_request"), 3u);
  EXPECT_EQ(s.count_kind("issue_comment"), 52u);
  EXPECT_EQ(s.records.size(), 132u);
  EXPECT_EQ(count_skips(s, "issue_events"), 128u);  // both pages of issue events
  EXPECT_TRUE(s.rejects.empty());

  const Record* i2 = s.find("github:milahu/nixpkgs#2");
  ASSERT_NE(i2, nullptr);
  EXPECT_EQ(i2->kind, "issue");
  EXPECT_EQ(i2->source, "github");
  EXPECT_EQ(i2->space, "milahu/nixpkgs");
  EXPECT_EQ(i2->space_aliases, std::vector<std::string>{"nixpkgs"});
  EXPECT_EQ(i2->title, "trace: warning: Use `stdenv.tests` instead. `passthru` is a `mkDerivation` detail.");
  EXPECT_EQ(i2->state, "open");
  EXPECT_EQ(i2->author, "milahu");
  EXPECT_EQ(i2->author_id, "12958815");  // from the avatar URL in users_000001.json
  EXPECT_EQ(i2->date, at("2023-08-11T13:54:47Z"));
  EXPECT_EQ(i2->url, "https://github.com/milahu/nixpkgs/issues/2");
  EXPECT_TRUE(i2->thread.empty() || i2->thread == i2->id);
  EXPECT_TRUE(i2->principals.empty());
  EXPECT_TRUE(i2->tags.empty());
  EXPECT_TRUE(contains(i2->has, "code"));  // fenced blocks in the body
  EXPECT_EQ(i2->text.find("```"), std::string::npos);  // Markdown rendered

  // Closed issues are exactly those with closed_at.
  std::set<std::string> closed;
  for (const auto& r : s.records)
    if (r.kind == "issue" && r.state == "closed") closed.insert(r.id);
  std::set<std::string> want;
  for (int n : {34, 35, 45, 49, 50, 51, 79}) want.insert("github:milahu/nixpkgs#" + std::to_string(n));
  EXPECT_EQ(closed, want);

  const Record* pr1 = s.find("github:milahu/nixpkgs#1");
  ASSERT_NE(pr1, nullptr);
  EXPECT_EQ(pr1->kind, "pull_request");
  EXPECT_EQ(pr1->state, "closed");  // closed_at set, merged_at null
  EXPECT_EQ(pr1->title, "ignore");
  const Record* pr77 = s.find("github:milahu/nixpkgs#77");
  ASSERT_NE(pr77, nullptr);
  EXPECT_EQ(pr77->state, "open");
  EXPECT_EQ(pr77->title, "prometheus.exporters.qbittorrent: init");
  EXPECT_NE(s.find("github:milahu/nixpkgs#78"), nullptr);

  // Issue 68 and its 20 comments, oldest first.
  auto t68 = thread_of(s, "github:milahu/nixpkgs#68");
  ASSERT_EQ(t68.size(), 21u);
  EXPECT_EQ(t68[0]->id, "github:milahu/nixpkgs#68");
  EXPECT_EQ(t68[0]->title, "haveno: add package");
  EXPECT_EQ(t68[1]->id, "github:milahu/nixpkgs#68/comment/2236141512");
  EXPECT_EQ(t68[1]->author, "Kreyren");  // the login; users_000001.json knows the name
  EXPECT_TRUE(contains(t68[1]->author_aliases, "KREYREN"));
  EXPECT_TRUE(contains(t68[1]->author_aliases, "11302521"));
  EXPECT_EQ(t68[1]->parent, "github:milahu/nixpkgs#68");
  EXPECT_EQ(t68[2]->id, "github:milahu/nixpkgs#68/comment/2236173318");
  EXPECT_EQ(t68[2]->author, "linsui");
  EXPECT_EQ(t68[20]->id, "github:milahu/nixpkgs#68/comment/2265180954");
  EXPECT_EQ(t68[20]->date, at("2024-08-02T11:43:40Z"));
  for (const auto* r : t68) EXPECT_EQ(r->space, "milahu/nixpkgs");

  // Issues and PRs with comments are answered (Record::answered): exactly the
  // items the issue comments name.
  std::set<std::string> answered, named;
  for (const auto& r : s.records) {
    if (r.answered) answered.insert(r.id);
    if (r.kind == "issue_comment") named.insert(r.thread);
  }
  EXPECT_TRUE(answered.count("github:milahu/nixpkgs#68"));
  EXPECT_GT(answered.size(), 5u);
  EXPECT_EQ(answered, named);

  const Record* c6 = s.find("github:milahu/nixpkgs#6/comment/1693523116");
  ASSERT_NE(c6, nullptr);
  EXPECT_EQ(c6->kind, "issue_comment");
  EXPECT_EQ(c6->thread, "github:milahu/nixpkgs#6");
  EXPECT_EQ(c6->url, "https://github.com/milahu/nixpkgs/issues/6#issuecomment-1693523116");
  EXPECT_EQ(c6->text.rfind("incremental builds\n\na fundamental problem of nix", 0), 0u) << c6->text;

  // Reactions, real names, attachments.
  const Record* i24 = s.find("github:milahu/nixpkgs#24");
  ASSERT_NE(i24, nullptr);
  EXPECT_TRUE(contains(i24->has, "reaction"));
  EXPECT_FALSE(contains(i2->has, "reaction"));
  size_t with_reaction = 0;
  for (const auto& r : s.records) with_reaction += contains(r.has, "reaction");
  EXPECT_EQ(with_reaction, 10u);  // 3 issues + 7 comments with a non-empty reactions array
  const Record* nika = s.find("github:milahu/nixpkgs#80/comment/2391888426");
  ASSERT_NE(nika, nullptr);
  EXPECT_EQ(nika->author, "Nika03");
  EXPECT_EQ(nika->author_id, "70658529");
  EXPECT_TRUE(contains(nika->author_aliases, "Nika"));
  EXPECT_TRUE(contains(nika->has, "image"));  // attachments_000001.json: a PNG on this comment
  for (const auto& r : s.records) EXPECT_FALSE(r.bot) << r.id;
}

TEST(GithubMigration, UnpackedFolder) {
  auto path = realdata(kMigration);
  EXPECT_EQ(sniffed(path), "github");
  expect_milahu(import(path));
}

TEST(GithubMigration, TarGzGivesTheSameRecords) {
  TempDir tmp("targz");
  fs::path tgz = tmp.path / "migration.tar.gz";
  lore::test::pack_folder(realdata(kMigration), tgz, lore::test::Packing::TarGz);
  EXPECT_EQ(sniffed(tgz), "github");
  auto packed = import(tgz);
  expect_milahu(packed);
  auto folder = import(realdata(kMigration));
  ASSERT_EQ(packed.records.size(), folder.records.size());
  for (const auto& r : folder.records) {
    const Record* p = packed.find(r.id);
    ASSERT_NE(p, nullptr) << r.id;
    EXPECT_EQ(p->text, r.text);
    EXPECT_EQ(p->thread_id(), r.thread_id());
    EXPECT_EQ(p->state, r.state);
    EXPECT_EQ(p->author, r.author);
  }
}

TEST(GithubMigration, PrivateRepositoryAndLabels) {
  TempDir tmp("private");
  copy_migration(tmp.path);
  auto repo = slurp(tmp.path / "repositories_000001.json");
  spit(tmp.path / "repositories_000001.json", replace_once(repo, "\"private\": false", "\"private\": true"));
  // Give issue 2 two of the repository's labels, as the archive writes them: URLs.
  auto issues = slurp(tmp.path / "issues_000001.json");
  spit(tmp.path / "issues_000001.json",
       replace_once(issues, "\"labels\": [\n\n    ],",
                    "\"labels\": [\"https://github.com/milahu/nixpkgs/labels/bug\", "
                    "\"https://github.com/milahu/nixpkgs/labels/good%20first%20issue\"],"));
  auto s = import(tmp.path);
  EXPECT_EQ(s.records.size(), 132u);
  for (const auto& r : s.records)
    EXPECT_EQ(r.principals, std::vector<std::string>{"github:milahu/nixpkgs"}) << r.id;
  const Record* i2 = s.find("github:milahu/nixpkgs#2");
  ASSERT_NE(i2, nullptr);
  EXPECT_EQ(i2->tags, (std::vector<std::string>{"bug", "good first issue"}));
}

// Record types the real archive lacks (SOURCES.md found no public sample),
// written in the shapes GitHub's exporter uses: review states as numbers,
// review comments pointing at their review, thread and the comment they
// answer by URL, releases named by tag, bots under /apps/.
TEST(GithubMigration, ReviewsReleasesDiscussionsAndBots) {
  TempDir tmp("kinds");
  copy_migration(tmp.path);
  const std::string pr = "https://github.com/milahu/nixpkgs/pull/77";
  spit(tmp.path / "bots_000001.json",
       R"([{"type": "bot", "url": "https://github.com/apps/dependabot", "login": "dependabot[bot]"}])");
  spit(tmp.path / "pull_request_reviews_000001.json",
       R"([{"type": "pull_request_review", "url": ")" + pr + R"(/files#pullrequestreview-501",
            "pull_request": ")" + pr + R"(", "user": "https://github.com/ryantm", "body": "",
            "formatter": "markdown", "state": 40, "reactions": [],
            "created_at": "2024-05-01T10:00:00Z", "submitted_at": "2024-05-01T10:05:00Z"},
           {"type": "pull_request_review", "url": ")" + pr + R"(/files#pullrequestreview-502",
            "pull_request": ")" + pr + R"(", "user": "https://github.com/milahu", "body": "",
            "state": 0, "created_at": "2024-05-02T10:00:00Z"}])");
  spit(tmp.path / "pull_request_review_threads_000001.json",
       R"([{"type": "pull_request_review_thread", "url": ")" + pr + R"(/files#pullrequestreviewthread-9",
            "pull_request": ")" + pr + R"(", "path": "nixos/modules/qbittorrent.nix"}])");
  spit(tmp.path / "pull_request_review_comments_000001.json",
       R"([{"type": "pull_request_review_comment", "url": ")" + pr + R"(/files#r601",
            "pull_request": ")" + pr + R"(", "pull_request_review": ")" + pr + R"(/files#pullrequestreview-501",
            "pull_request_review_thread": ")" + pr + R"(/files#pullrequestreviewthread-9",
            "user": "https://github.com/ryantm", "body": "Use `lib.mkIf` here", "path": "nixos/modules/qbittorrent.nix",
            "in_reply_to": null, "reactions": [], "created_at": "2024-05-01T10:04:00Z"},
           {"type": "pull_request_review_comment", "url": ")" + pr + R"(/files#r602",
            "pull_request": ")" + pr + R"(", "pull_request_review_thread": ")" + pr + R"(/files#pullrequestreviewthread-9",
            "user": "https://github.com/apps/dependabot", "body": "Done", "in_reply_to": ")" + pr + R"(/files#r601",
            "reactions": [], "created_at": "2024-05-01T11:00:00Z"}])");
  spit(tmp.path / "commit_comments_000001.json",
       R"([{"type": "commit_comment", "url": "https://github.com/milahu/nixpkgs/commit/abc123#commitcomment-701",
            "repository": "https://github.com/milahu/nixpkgs", "user": "https://github.com/milahu",
            "body": "typo", "path": "README.md", "commit_id": "abc123", "created_at": "2024-05-03T00:00:00Z"}])");
  spit(tmp.path / "releases_000001.json",
       R"([{"type": "release", "url": "https://github.com/milahu/nixpkgs/releases/tag/v1.0",
            "repository": "https://github.com/milahu/nixpkgs", "user": "https://github.com/milahu",
            "name": "", "tag_name": "v1.0", "body": "First *release*", "state": "published",
            "published_at": "2024-05-04T00:00:00Z", "created_at": "2024-05-03T23:00:00Z"},
           {"type": "release", "url": "https://github.com/milahu/nixpkgs/releases/tag/v2.0",
            "repository": "https://github.com/milahu/nixpkgs", "user": "https://github.com/milahu",
            "tag_name": "v2.0", "body": "wip", "state": "draft", "created_at": "2024-05-05T00:00:00Z"}])");
  spit(tmp.path / "discussions_000001.json",
       R"([{"type": "discussion", "url": "https://github.com/milahu/nixpkgs/discussions/81",
            "repository": "https://github.com/milahu/nixpkgs", "user": "https://github.com/milahu",
            "title": "Roadmap", "body": "What next?", "created_at": "2024-05-06T00:00:00Z",
            "updated_at": "2024-05-07T00:00:00Z"}])");
  spit(tmp.path / "discussion_comments_000001.json",
       R"([{"type": "discussion_comment", "url": "https://github.com/milahu/nixpkgs/discussions/81#discussioncomment-801",
            "discussion": "https://github.com/milahu/nixpkgs/discussions/81", "user": "https://github.com/ryantm",
            "body": "Flakes", "created_at": "2024-05-06T01:00:00Z"},
           {"type": "discussion_comment", "url": "https://github.com/milahu/nixpkgs/discussions/81#discussioncomment-802",
            "discussion": "https://github.com/milahu/nixpkgs/discussions/81",
            "parent": "https://github.com/milahu/nixpkgs/discussions/81#discussioncomment-801",
            "user": "https://github.com/milahu", "body": "Agreed", "created_at": "2024-05-06T02:00:00Z"}])");
  auto s = import(tmp.path);
  EXPECT_TRUE(s.rejects.empty());
  EXPECT_EQ(s.count_kind("review"), 1u);
  EXPECT_EQ(count_skips(s, "pending review"), 1u);
  EXPECT_EQ(count_skips(s, "draft release"), 1u);
  EXPECT_EQ(s.records.size(), 132u + 1 + 2 + 1 + 1 + 1 + 2);

  const Record* review = s.find("github:milahu/nixpkgs#77/review/501");
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(review->text, "Approved.");
  EXPECT_EQ(review->author, "ryantm");
  EXPECT_TRUE(contains(review->author_aliases, "Ryan Mulligan"));
  EXPECT_EQ(review->date, at("2024-05-01T10:05:00Z"));
  const Record* rc1 = s.find("github:milahu/nixpkgs#77/review-comment/601");
  ASSERT_NE(rc1, nullptr);
  EXPECT_EQ(rc1->kind, "review_comment");
  EXPECT_EQ(rc1->title, "nixos/modules/qbittorrent.nix");
  EXPECT_EQ(rc1->parent, "github:milahu/nixpkgs#77/review/501");
  EXPECT_EQ(rc1->thread, "github:milahu/nixpkgs#77");
  EXPECT_TRUE(contains(rc1->has, "code"));
  const Record* rc2 = s.find("github:milahu/nixpkgs#77/review-comment/602");
  ASSERT_NE(rc2, nullptr);
  EXPECT_EQ(rc2->title, "nixos/modules/qbittorrent.nix");  // from its review thread
  EXPECT_EQ(rc2->parent, "github:milahu/nixpkgs#77/review-comment/601");
  EXPECT_EQ(rc2->author, "dependabot[bot]");
  EXPECT_TRUE(rc2->bot);

  const Record* cc = s.find("github:milahu/nixpkgs/commit/abc123/comment/701");
  ASSERT_NE(cc, nullptr);
  EXPECT_EQ(cc->kind, "commit_comment");
  EXPECT_EQ(cc->thread, "github:milahu/nixpkgs/commit/abc123");
  EXPECT_EQ(cc->title, "README.md");

  const Record* rel = s.find("github:milahu/nixpkgs/release/v1.0");
  ASSERT_NE(rel, nullptr);
  EXPECT_EQ(rel->title, "v1.0");
  EXPECT_EQ(rel->text, "First release");
  EXPECT_EQ(rel->date, at("2024-05-04T00:00:00Z"));

  auto t81 = thread_of(s, "github:milahu/nixpkgs#81");
  ASSERT_EQ(t81.size(), 3u);
  EXPECT_EQ(t81[0]->kind, "discussion");
  EXPECT_EQ(t81[0]->title, "Roadmap");
  EXPECT_EQ(t81[0]->state, "open");
  EXPECT_EQ(t81[1]->id, "github:milahu/nixpkgs#81/comment/801");
  EXPECT_EQ(t81[1]->kind, "discussion_comment");
  EXPECT_EQ(t81[1]->parent, "github:milahu/nixpkgs#81");
  EXPECT_EQ(t81[2]->parent, "github:milahu/nixpkgs#81/comment/801");
}

TEST(GithubMigration, MalformedPageIsRejectedTheRestImports) {
  TempDir tmp("malformed");
  copy_migration(tmp.path);
  // A second page of comments cut short, and a third whose second record has no url.
  spit(tmp.path / "issue_comments_000002.json",
       "[\n  {\n    \"type\": \"issue_comment\",\n    \"url\": \"https://github.com/milahu/nixpkgs/issues/2#issuecomment-1\"\n  ,\n");
  spit(tmp.path / "issue_comments_000003.json",
       "[{\"type\": \"issue_comment\", \"url\": \"https://github.com/milahu/nixpkgs/issues/2#issuecomment-7\","
       " \"issue\": \"https://github.com/milahu/nixpkgs/issues/2\", \"user\": \"https://github.com/milahu\","
       " \"body\": \"page three\", \"created_at\": \"2024-01-01T00:00:00Z\"},"
       " {\"type\": \"issue_comment\", \"issue\": \"https://github.com/milahu/nixpkgs/issues/2\", \"body\": \"no url\"}]");
  auto s = import(tmp.path);
  ASSERT_EQ(s.rejects.size(), 2u);
  auto first = s.rejects[0].first.str();
  auto second = s.rejects[1].first.str();
  EXPECT_EQ(first, (tmp.path / "issue_comments_000002.json").string() + ":6:1");
  EXPECT_EQ(s.rejects[0].second, "not valid JSON: Missing a name for object member.");
  EXPECT_EQ(second, (tmp.path / "issue_comments_000003.json").string() + " (item 2)");
  EXPECT_EQ(s.rejects[1].second, "comment without an id in its url");
  EXPECT_EQ(s.count_kind("issue"), 77u);
  EXPECT_EQ(s.count_kind("pull_request"), 3u);
  EXPECT_EQ(s.count_kind("issue_comment"), 53u);
  const Record* c7 = s.find("github:milahu/nixpkgs#2/comment/7");
  ASSERT_NE(c7, nullptr);
  EXPECT_EQ(c7->text, "page three");
}

TEST(GithubMigration, NotAnArchiveThrows) {
  TempDir tmp("notarchive");
  spit(tmp.path / "notes.txt", "hello");
  EXPECT_EQ(lore::reader_for(realdata(kMigration), {})->sniff(tmp.path), 0);
  auto reader = lore::reader_for(tmp.path, "github");
  CollectingSink sink;
  try {
    reader->read(tmp.path, lore::ReaderOptions{}, sink);
    FAIL() << "expected lore::Error";
  } catch (const lore::Error& e) {
    EXPECT_EQ(e.code(), lore::Error::Code::Input);
    EXPECT_NE(std::string(e.what()).find("not a GitHub migration archive"), std::string::npos);
  }
}

// ---------------------------------------------------------------------------
// REST dumps

void expect_github3py(const CollectingSink& s) {
  EXPECT_EQ(s.count_kind("issue"), 84u);  // 83 betamax issues + github3.py#187
  EXPECT_EQ(s.count_kind("pull_request"), 80u);  // 67 in the betamax issues list + 11 listed + #235 + #671
  EXPECT_EQ(s.count_kind("issue_comment"), 3u);
  EXPECT_EQ(s.count_kind("review"), 5u);
  EXPECT_EQ(s.count_kind("review_comment"), 3u);
  EXPECT_EQ(s.records.size(), 175u);
  EXPECT_TRUE(s.rejects.empty());

  // The issues list mixes issues and PRs; a PR is told by its pull_request key.
  const Record* pr149 = s.find("github:betamaxpy/betamax#149");
  ASSERT_NE(pr149, nullptr);
  EXPECT_EQ(pr149->kind, "pull_request");
  EXPECT_EQ(pr149->url, "https://github.com/betamaxpy/betamax/pull/149");
  size_t open = 0, closed = 0, labelled = 0;
  for (const auto& r : s.records) {
    if (r.space != "betamaxpy/betamax") continue;
    open += r.state == "open";
    closed += r.state == "closed";
    labelled += !r.tags.empty();
  }
  EXPECT_EQ(open, 16u);
  EXPECT_EQ(closed, 134u);
  EXPECT_GT(labelled, 0u);

  // The pulls API tells merged from closed.
  const Record* pr671 = s.find("github:sigmavirus24/github3.py#671");
  ASSERT_NE(pr671, nullptr);
  EXPECT_EQ(pr671->state, "merged");
  EXPECT_EQ(pr671->title, "Add support for fetching pull request reviews");
  EXPECT_EQ(pr671->author, "omgjlk");
  EXPECT_EQ(s.find("github:sigmavirus24/github3.py#235")->state, "merged");

  auto reviews = thread_of(s, "github:sigmavirus24/github3.py#671");
  ASSERT_EQ(reviews.size(), 6u);
  EXPECT_EQ(reviews[0]->id, "github:sigmavirus24/github3.py#671");
  EXPECT_EQ(reviews[1]->id, "github:sigmavirus24/github3.py#671/review/18663174");
  EXPECT_EQ(reviews[1]->kind, "review");
  EXPECT_EQ(reviews[1]->author, "sigmavirus24");
  EXPECT_EQ(reviews[1]->text, "Commented.");  // empty body: the verdict stands in
  EXPECT_EQ(reviews[1]->parent, "github:sigmavirus24/github3.py#671");
  EXPECT_EQ(reviews[1]->date, at("2017-01-26T16:35:28Z"));

  const Record* rc = s.find("github:sigmavirus24/github3.py#235/review-comment/12246783");
  ASSERT_NE(rc, nullptr);
  EXPECT_EQ(rc->kind, "review_comment");
  EXPECT_EQ(rc->title, "github3/repos/release.py");  // the file it is on
  EXPECT_EQ(rc->thread, "github:sigmavirus24/github3.py#235");
  EXPECT_EQ(rc->parent, "github:sigmavirus24/github3.py#235");
  EXPECT_EQ(rc->text.rfind("Let's revert the change to this doc-string.", 0), 0u) << rc->text;
  EXPECT_EQ(s.find("github:sigmavirus24/github3.py#235/review-comment/12246836")->title,
            "tests/unit/test_repos_release.py");

  auto t187 = thread_of(s, "github:sigmavirus24/github3.py#187");
  ASSERT_EQ(t187.size(), 4u);
  EXPECT_EQ(t187[0]->kind, "issue");
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(t187[i]->kind, "issue_comment");
    EXPECT_EQ(t187[i]->parent, "github:sigmavirus24/github3.py#187");
  }
  for (const auto& r : s.records) EXPECT_TRUE(r.principals.empty()) << r.id;  // both repositories are public
}

TEST(GithubRest, ExtractedResponses) {
  auto path = realdata(std::string(kRest) + "/extracted");
  EXPECT_EQ(sniffed(path), "github-rest");
  expect_github3py(import(path));
}

TEST(GithubRest, RecordedSessionsGiveTheSameRecords) {
  // The cassettes hold the same responses, base64 and gzip inside JSON.
  auto path = realdata(std::string(kRest) + "/tests/cassettes");
  EXPECT_EQ(sniffed(path), "github-rest");
  expect_github3py(import(path));
  // Both together: each item once.
  expect_github3py(import(realdata(kRest)));
}

TEST(GithubRest, SingleFile) {
  auto path = realdata(std::string(kRest) +
                       "/extracted/PullRequest_pull_reviews/repos/sigmavirus24/github3.py/pulls/671/"
                       "reviews__per_page-100.json");
  EXPECT_EQ(sniffed(path), "github-rest");
  auto s = import(path);
  EXPECT_EQ(s.records.size(), 5u);
  EXPECT_EQ(s.count_kind("review"), 5u);
}

TEST(GithubRest, PythonGithubBackupTree) {
  auto path = realdata(kBackup);
  EXPECT_EQ(sniffed(path), "github-rest");
  auto s = import(path);
  ASSERT_EQ(s.records.size(), 3u);
  EXPECT_EQ(s.count_kind("issue"), 3u);
  EXPECT_EQ(count_skips(s, "label"), 9u);  // labels/labels.json
  EXPECT_TRUE(s.rejects.empty());
  for (int n = 1; n <= 3; ++n) {
    const Record* r = s.find("github:erasmolpaorg/repo-created-with-terraform#" + std::to_string(n));
    ASSERT_NE(r, nullptr) << n;
    EXPECT_EQ(r->state, "open");
    EXPECT_EQ(r->author, "erasmolpa");
    EXPECT_EQ(r->author_id, "1197538");
    EXPECT_EQ(r->space_aliases, std::vector<std::string>{"repo-created-with-terraform"});
  }
  // Two have "body": null, the third a line of text.
  EXPECT_TRUE(s.find("github:erasmolpaorg/repo-created-with-terraform#1")->text.empty());
  EXPECT_EQ(s.find("github:erasmolpaorg/repo-created-with-terraform#3")->text, "rrrrrrrgergsdfvdfbsdb");
  EXPECT_EQ(s.find("github:erasmolpaorg/repo-created-with-terraform#1")->title, "satsdfsdfgsdfhgdsg");
}

TEST(GithubRest, BackupCommentDataAndPrivateRepository) {
  // python-github-backup embeds an issue's comments; a repository object
  // saying private makes every record of it restricted.
  TempDir tmp("backup");
  auto issue = slurp(realdata(std::string(kBackup) + "/repositories/repo-created-with-terraform/issues/2.json"));
  auto comments = slurp(realdata(std::string(kRest) +
                                 "/extracted/Issue_comments/repos/sigmavirus24/github3.py/issues/187/"
                                 "comments__per_page-100.json"));
  // Re-home the three real comments under issue 2 of the backup's repository.
  std::string moved = comments;
  for (std::string_view from : {"sigmavirus24/github3.py/issues/187", "sigmavirus24/github3.py"}) {
    std::string to = from.size() > 30 ? "erasmolpaorg/repo-created-with-terraform/issues/2"
                                      : "erasmolpaorg/repo-created-with-terraform";
    for (size_t p; (p = moved.find(from)) != std::string::npos;) moved.replace(p, from.size(), to);
  }
  spit(tmp.path / "repositories/repo-created-with-terraform/issues/2.json",
       replace_once(issue, "\"comment_data\": []", "\"comment_data\": " + moved));
  spit(tmp.path / "repositories/repo-created-with-terraform/repository.json",
       "{\"full_name\": \"erasmolpaorg/repo-created-with-terraform\", \"owner\": {\"login\": \"erasmolpaorg\"},"
       " \"html_url\": \"https://github.com/erasmolpaorg/repo-created-with-terraform\", \"private\": true}");
  auto s = import(tmp.path);
  EXPECT_TRUE(s.rejects.empty());
  ASSERT_EQ(s.records.size(), 4u);
  EXPECT_EQ(s.count_kind("issue_comment"), 3u);
  auto thread = thread_of(s, "github:erasmolpaorg/repo-created-with-terraform#2");
  ASSERT_EQ(thread.size(), 4u);
  for (const auto* r : thread)
    EXPECT_EQ(r->principals, std::vector<std::string>{"github:erasmolpaorg/repo-created-with-terraform"});
}

TEST(GithubRest, MalformedFileIsRejectedTheRestImports) {
  TempDir tmp("restbad");
  fs::copy_file(realdata(std::string(kBackup) + "/repositories/repo-created-with-terraform/issues/1.json"),
                tmp.path / "1.json");
  spit(tmp.path / "2.json", "{\n  \"number\": 2,\n  \"title\": \"x\"\n  \"html_url\": 5\n}\n");
  auto s = import(tmp.path, "github-rest");
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0].first.str(), (tmp.path / "2.json").string() + ":4:3");
  EXPECT_EQ(s.rejects[0].second, "not valid JSON: Missing a comma or '}' after an object member.");
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].id, "github:erasmolpaorg/repo-created-with-terraform#1");
}

// ---------------------------------------------------------------------------
// GH Archive

TEST(GhArchive, SampleAcrossSchemaEras) {
  auto path = realdata(std::string(kGha) + "/sample.small.json");
  EXPECT_EQ(sniffed(path), "gharchive");
  auto s = import(path);
  EXPECT_TRUE(s.rejects.empty());
  EXPECT_EQ(s.count_kind("issue"), 56u);
  EXPECT_EQ(s.count_kind("pull_request"), 137u);
  EXPECT_EQ(s.count_kind("issue_comment"), 59u);
  EXPECT_EQ(s.count_kind("review"), 12u);
  EXPECT_EQ(s.count_kind("review_comment"), 12u);
  EXPECT_EQ(s.count_kind("commit_comment"), 3u);
  EXPECT_EQ(s.count_kind("release"), 5u);
  EXPECT_EQ(s.records.size(), 284u);
  EXPECT_EQ(count_skips(s, "PushEvent"), 770u);
  EXPECT_EQ(count_skips(s, "WatchEvent"), 85u);
  EXPECT_EQ(count_skips(s, "CreateEvent"), 161u);
  // Pre-2015 events that carry only ids.
  EXPECT_EQ(count_skips(s, "IssueCommentEvent without content"), 12u);
  EXPECT_EQ(count_skips(s, "IssuesEvent without content"), 10u);
  EXPECT_EQ(count_skips(s, "CommitCommentEvent without content"), 1u);

  const Record* rel = s.find("github:Ariel-Rodriguez/react-amp-template/release/4761776");
  ASSERT_NE(rel, nullptr);
  EXPECT_EQ(rel->kind, "release");
  EXPECT_EQ(rel->title, "Alpha release");
  EXPECT_EQ(rel->author, "Ariel-Rodriguez");
  EXPECT_NE(rel->updated, 0);

  const Record* cc = s.find(
      "github:brettcannon/python-modernize/commit/9ae47a82d2b23d9baab0f48becb4f813e7082a7b/comment/9223448");
  ASSERT_NE(cc, nullptr);
  EXPECT_EQ(cc->kind, "commit_comment");
  EXPECT_EQ(cc->title, ".travis.yml");
  EXPECT_EQ(cc->thread, "github:brettcannon/python-modernize/commit/9ae47a82d2b23d9baab0f48becb4f813e7082a7b");
  EXPECT_EQ(cc->author, "daira");
  EXPECT_TRUE(contains(cc->has, "link"));

  // The pre-2015 review comment: repository from "repository", not "repo".
  size_t found = 0;
  for (const auto& r : s.records)
    if (r.kind == "review_comment" && r.space == "Shopify/liquid-c") {
      ++found;
      EXPECT_EQ(r.title, "ext/liquid_c/variable.c");
      EXPECT_EQ(r.id.substr(r.id.find("/review-comment/")), "/review-comment/15125167");
    }
  EXPECT_EQ(found, 1u);
  for (const auto& r : s.records) {
    EXPECT_NE(r.updated, 0) << r.id;
    EXPECT_FALSE(r.space.empty()) << r.id;
  }
}

TEST(GhArchive, ZstdHourMatchesPlain) {
  auto plain = import(realdata(std::string(kGha) + "/2019-11-27T03.first100.json"));
  auto zst_path = realdata(std::string(kGha) + "/2019-11-27T03.first100.json.zst");
  EXPECT_EQ(sniffed(zst_path), "gharchive");
  auto zst = import(zst_path);
  EXPECT_EQ(plain.count_kind("pull_request"), 5u);
  EXPECT_EQ(plain.count_kind("issue"), 2u);
  EXPECT_EQ(plain.count_kind("issue_comment"), 1u);
  EXPECT_EQ(plain.records.size(), 8u);
  EXPECT_EQ(plain.skips.size(), 93u);
  ASSERT_EQ(zst.records.size(), plain.records.size());
  for (size_t i = 0; i < plain.records.size(); ++i) {
    EXPECT_EQ(zst.records[i].id, plain.records[i].id);
    EXPECT_EQ(zst.records[i].text, plain.records[i].text);
  }
  EXPECT_EQ(zst.skips, plain.skips);
}

TEST(GhArchive, SingleWatchEvent) {
  auto s = import(realdata(std::string(kGha) + "/2019-11-27T03.single.json"));
  EXPECT_TRUE(s.records.empty());
  EXPECT_EQ(s.skips, std::vector<std::string>{"WatchEvent"});
}

// Two events of one issue, the newer first: the newer state wins.
std::string issue_event(const char* action, const char* state, const char* title, const char* updated) {
  return std::string("{\"id\":\"1\",\"type\":\"IssuesEvent\",\"actor\":{\"id\":7,\"login\":\"ana\"},"
                     "\"repo\":{\"id\":9,\"name\":\"acme/widgets\"},\"payload\":{\"action\":\"") +
         action + "\",\"issue\":{\"html_url\":\"https://github.com/acme/widgets/issues/5\",\"number\":5,\"title\":\"" +
         title + "\",\"state\":\"" + state +
         "\",\"user\":{\"login\":\"ana\",\"id\":7,\"type\":\"User\"},\"labels\":[{\"name\":\"bug\"}],"
         "\"body\":\"It **breaks**\",\"created_at\":\"2020-01-01T00:00:00Z\",\"updated_at\":\"" +
         updated + "\"}},\"public\":true,\"created_at\":\"" + updated + "\"}\n";
}

TEST(GhArchive, LatestStateWinsWhateverTheOrder) {
  TempDir tmp("order");
  std::string lines = issue_event("closed", "closed", "Widgets break (fixed)", "2020-01-03T00:00:00Z") +
                      issue_event("opened", "open", "Widgets break", "2020-01-01T00:00:00Z");
  spit(tmp.path / "events.ndjson", lines);
  lore::test::gzip_bytes(lines, tmp.path / "events.json.gz");
  for (const char* name : {"events.ndjson", "events.json.gz"}) {
    auto path = tmp.path / name;
    EXPECT_EQ(sniffed(path), "gharchive") << name;
    auto s = import(path);
    ASSERT_EQ(s.records.size(), 1u) << name;
    const Record& r = s.records[0];
    EXPECT_EQ(r.id, "github:acme/widgets#5");
    EXPECT_EQ(r.state, "closed");
    EXPECT_EQ(r.title, "Widgets break (fixed)");
    EXPECT_EQ(r.updated, at("2020-01-03T00:00:00Z"));
    EXPECT_EQ(r.date, at("2020-01-01T00:00:00Z"));
    EXPECT_EQ(r.text, "It breaks");
    EXPECT_EQ(r.tags, std::vector<std::string>{"bug"});
    EXPECT_EQ(r.author, "ana");
  }
  // And in the other order, the same.
  spit(tmp.path / "forward.ndjson",
       issue_event("opened", "open", "Widgets break", "2020-01-01T00:00:00Z") +
           issue_event("closed", "closed", "Widgets break (fixed)", "2020-01-03T00:00:00Z"));
  auto s = import(tmp.path / "forward.ndjson");
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].state, "closed");
}

TEST(GhArchive, BadLineIsRejectedTheRestImports) {
  TempDir tmp("badline");
  std::string lines = issue_event("opened", "open", "Widgets break", "2020-01-01T00:00:00Z") +
                      "{\"id\":\"2\",\"type\":\"IssuesEvent\",\"payload\":{\"issue\":{\"number\":}}}\n" +
                      "{\"id\":\"3\",\"type\":\"IssuesEvent\",\"actor\":{},\"repo\":{\"name\":\"acme/widgets\"},"
                      "\"payload\":{\"action\":\"opened\",\"issue\":{\"title\":\"no number\"}},"
                      "\"created_at\":\"2020-01-01T00:00:00Z\"}\n";
  spit(tmp.path / "events.json", lines);
  auto s = import(tmp.path / "events.json");
  ASSERT_EQ(s.rejects.size(), 2u);
  EXPECT_EQ(s.rejects[0].first.str(), (tmp.path / "events.json").string() + ":2:61");
  EXPECT_EQ(s.rejects[0].second, "not valid JSON: Invalid value.");
  EXPECT_EQ(s.rejects[1].first.str(), (tmp.path / "events.json").string() + ":3 (IssuesEvent)");
  EXPECT_EQ(s.rejects[1].second, "issue without a number");
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].id, "github:acme/widgets#5");
}

TEST(GithubReaders, DetectionPicksEachFormat) {
  EXPECT_EQ(sniffed(realdata(kMigration)), "github");
  EXPECT_EQ(sniffed(realdata(kBackup)), "github-rest");
  EXPECT_EQ(sniffed(realdata(kRest)), "github-rest");
  EXPECT_EQ(sniffed(realdata(std::string(kGha) + "/sample.small.json")), "gharchive");
  // Not ours: a WordPress REST dump and a Slack export.
  auto readers = lore::all_readers();
  for (const auto& r : readers) {
    if (r->format().rfind("github", 0) != 0 && r->format() != "gharchive") continue;
    EXPECT_EQ(r->sniff(realdata("wp-rest-json/tuqulore-design-lab")), 0) << r->format();
    EXPECT_EQ(r->sniff(realdata("slack/houstondatavis-slack-export")), 0) << r->format();
  }
}

}  // namespace
