// The WordPress importers (WXR and REST) on the real samples under
// ../shared/realdata/wxr and ../shared/realdata/wp-rest-json, plus temp
// files for what no sample has (DOCTYPE, broken bytes, gzip, comments dumps).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "errors.h"
#include "reader.h"
#include "record_json.h"
#include "test_archive.h"
#include "test_util.h"
#include "wordpress/rest_reader.h"
#include "wordpress/wp_common.h"
#include "wordpress/wxr_reader.h"
#include "wordpress/xml_clean.h"

namespace fs = std::filesystem;

namespace lore {
namespace {

using test::CollectingSink;
using test::realdata;

constexpr const char* kThemeUnit = "wxr/wptrt-theme-unit-test/themeunittestdata.wordpress.xml";
constexpr const char* kHost = "p2:wpthemetestdata.wordpress.com/";

CollectingSink read_wxr(const fs::path& path, const ReaderOptions& options = {}) {
  CollectingSink sink;
  wp::WxrReader().read(path, options, sink);
  return sink;
}

CollectingSink read_rest(const fs::path& path, const ReaderOptions& options = {}) {
  CollectingSink sink;
  wp::WpRestReader().read(path, options, sink);
  return sink;
}

size_t count_restricted(const CollectingSink& s, std::string_view kind) {
  size_t n = 0;
  for (const auto& r : s.records) n += r.kind == kind && !r.principals.empty();
  return n;
}

std::map<std::string, int> skip_counts(const CollectingSink& s) {
  std::map<std::string, int> out;
  for (const auto& k : s.skips) ++out[k];
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A scratch folder per test, removed afterwards.
class Scratch {
 public:
  Scratch() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("lore-wp-") + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  fs::path write(const std::string& name, std::string_view content) const {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// ---------------------------------------------------------------- WXR: theme unit test

TEST(WxrThemeUnitTest, CountsMatchTheAcceptanceNumbers) {
  auto s = read_wxr(realdata(kThemeUnit));
  EXPECT_TRUE(s.rejects.empty());
  EXPECT_EQ(s.count_kind("post"), 49u);
  EXPECT_EQ(count_restricted(s, "post"), 1u);  // 48 public + 1 password-protected
  EXPECT_EQ(s.count_kind("page"), 21u);
  EXPECT_EQ(count_restricted(s, "page"), 0u);
  EXPECT_EQ(s.count_kind("comment"), 25u);
  EXPECT_EQ(s.records.size(), 95u);
  // Posts that come with comments are answered: exactly those the comments name
  // (a post whose only comments are pingbacks or unapproved is not).
  std::set<std::string> answered, named;
  for (const auto& r : s.records) {
    if (r.answered) answered.insert(r.id);
    if (r.kind == "comment") named.insert(r.thread);
  }
  EXPECT_FALSE(named.empty());
  EXPECT_EQ(answered, named);
  std::map<std::string, int> expected_skips = {
      {"post_type:attachment", 38}, {"post_type:nav_menu_item", 70}, {"status:draft", 1}, {"status:future", 1},
      {"comment:pingback", 2},      {"comment:trackback", 2},        {"comment:unapproved", 3}};
  EXPECT_EQ(skip_counts(s), expected_skips);
}

TEST(WxrThemeUnitTest, SpecialCharacterTitleAndPostFields) {
  auto s = read_wxr(realdata(kThemeUnit));
  const Record* r = s.find(std::string(kHost) + "1174");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->title, "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>");
  EXPECT_EQ(r->source, "p2");
  EXPECT_EQ(r->kind, "post");
  EXPECT_EQ(r->space, "wpthemetestdata.wordpress.com");
  EXPECT_EQ(r->author, "Theme Buster");
  EXPECT_EQ(r->author_id, "themedemos");
  EXPECT_EQ(r->author_aliases, (std::vector<std::string>{"themedemos", "Theme Buster"}));
  EXPECT_EQ(r->date, 1357408820);  // wp:post_date_gmt 2013-01-05 18:00:20
  EXPECT_EQ(r->url, "https://wpthemetestdata.wordpress.com/2013/01/05/title-with-special-characters/");
  // Category "Markup" and tag "markup" are one tag; first spelling kept.
  EXPECT_EQ(r->tags, (std::vector<std::string>{"Classic", "html", "Markup", "post", "title"}));
  EXPECT_TRUE(r->principals.empty());
  EXPECT_TRUE(r->thread.empty() || r->thread == r->id);
  EXPECT_EQ(r->text.rfind("Putting special characters in the title should have no adverse effect", 0), 0u);
}

TEST(WxrThemeUnitTest, PasswordProtectedPostAndItsCommentAreRestricted) {
  auto s = read_wxr(realdata(kThemeUnit));
  const Record* post = s.find(std::string(kHost) + "1168");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->title, "Template: Password Protected (the password is \"enter\")");
  EXPECT_EQ(post->principals, (std::vector<std::string>{"p2:wpthemetestdata.wordpress.com"}));
  const Record* c = s.find(std::string(kHost) + "1168/comment/926");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->principals, post->principals);
  EXPECT_EQ(c->text, "This comment should not be visible until the password is entered.");
}

TEST(WxrThemeUnitTest, ThreadedCommentsFormAChain) {
  auto s = read_wxr(realdata(kThemeUnit));
  const std::string post = std::string(kHost) + "1148";
  const std::vector<std::string> chain = {"904", "905", "906", "907", "910", "911", "912", "913", "914", "915"};
  std::string parent = post;
  for (const auto& id : chain) {
    const Record* c = s.find(post + "/comment/" + id);
    ASSERT_NE(c, nullptr) << id;
    EXPECT_EQ(c->kind, "comment");
    EXPECT_EQ(c->title, "");
    EXPECT_EQ(c->thread, post);
    EXPECT_EQ(c->parent, parent) << id;
    EXPECT_EQ(c->url, "https://wpthemetestdata.wordpress.com/2012/01/03/template-comments/#comment-" + id);
    parent = c->id;
  }
  const Record* depth10 = s.find(post + "/comment/915");
  ASSERT_NE(depth10, nullptr);
  EXPECT_EQ(depth10->text, "Comment Depth 10 Also an author comment.");
  EXPECT_EQ(depth10->author, "themedemos");
  EXPECT_EQ(depth10->date, 1363274087);  // 2013-03-14 15:14:47 GMT
  size_t on_1148 = 0;
  for (const auto& r : s.records) on_1148 += r.thread == post;
  EXPECT_EQ(on_1148, 19u);
}

TEST(WxrThemeUnitTest, BlockCommentsAndShortcodesAreGoneButCaptionsStay) {
  auto s = read_wxr(realdata(kThemeUnit));
  for (const auto& r : s.records) {
    EXPECT_EQ(r.text.find("[gallery"), std::string::npos) << r.id;
    EXPECT_EQ(r.text.find("[caption"), std::string::npos) << r.id;
    EXPECT_EQ(r.text.find("<!-- /wp:"), std::string::npos) << r.id;
  }
  const Record* align = s.find(std::string(kHost) + "1177");
  ASSERT_NE(align, nullptr);
  EXPECT_NE(align->text.find("Look at 580x300 getting some caption love."), std::string::npos);
  EXPECT_NE(std::find(align->has.begin(), align->has.end(), "image"), align->has.end());
  // Bracketed prose is not a shortcode.
  const Record* standard = s.find(std::string(kHost) + "358");
  ASSERT_NE(standard, nullptr);
  EXPECT_NE(standard->text.find("beaching their coracles [simple boat]"), std::string::npos);
  // A code block that shows a block comment keeps it: it is text there.
  const Record* formatting = s.find(std::string(kHost) + "1732");
  ASSERT_NE(formatting, nullptr);
  EXPECT_NE(formatting->text.find("The code block starts with\n<!-- wp:code -->"), std::string::npos);
}

TEST(WxrThemeUnitTest, GzipGivesTheSameRecords) {
  Scratch scratch;
  fs::path gz = scratch.dir() / "themeunittestdata.wordpress.xml.gz";
  test::gzip_file(realdata(kThemeUnit), gz);
  ASSERT_GT(wp::WxrReader().sniff(gz), 90);
  auto plain = read_wxr(realdata(kThemeUnit));
  auto packed = read_wxr(gz);
  EXPECT_TRUE(packed.rejects.empty());
  ASSERT_EQ(packed.records.size(), plain.records.size());
  for (size_t i = 0; i < plain.records.size(); ++i) {
    EXPECT_EQ(packed.records[i].id, plain.records[i].id);
    EXPECT_EQ(packed.records[i].text, plain.records[i].text);
    EXPECT_EQ(packed.records[i].principals, plain.records[i].principals);
  }
  EXPECT_EQ(packed.skips, plain.skips);
}

// ---------------------------------------------------------------- WXR: every other sample

struct WxrCase {
  const char* file;
  size_t posts, pages, comments, restricted, rejects;
};

// A sink that, like lore-index's, finishes records itself.
struct DeferringSink : CollectingSink {
  bool defers_work() const override { return true; }
};

// Rendering left to the writer gives the very records rendered at once.
TEST(WxrThemeUnitTest, BodiesLeftToTheWriterRenderTheSame) {
  auto now = read_wxr(realdata(kThemeUnit));
  DeferringSink later;
  wp::WxrReader().read(realdata(kThemeUnit), {}, later);
  ASSERT_EQ(later.records.size(), now.records.size());
  size_t deferred = 0;
  for (size_t i = 0; i < later.records.size(); ++i) {
    Record& r = later.records[i];
    EXPECT_EQ(now.records[i].deferred, nullptr);
    if (r.deferred) {
      ++deferred;
      EXPECT_TRUE(r.text.empty()) << r.id;
      EXPECT_FALSE(r.raw.empty()) << r.id;
    }
    r.finish();
    EXPECT_EQ(r.deferred, nullptr);
    EXPECT_TRUE(r.raw.empty());
    EXPECT_EQ(record_to_json(r, JsonForm::Compact), record_to_json(now.records[i], JsonForm::Compact)) << r.id;
  }
  size_t with_text = 0;
  for (const auto& r : now.records) with_text += !r.text.empty();
  EXPECT_GE(deferred, with_text);  // every body that has any text was left to the writer
  EXPECT_GT(with_text, 80u);
}

TEST(WxrSamples, PinnedCountsPerFile) {
  const WxrCase cases[] = {
      {"wxr/wptrt-theme-unit-test/theme-preview.xml", 7, 0, 2, 0, 0},
      {"wxr/jekyll-import/test/mocks/sitetitle.wordpress.2025-01-19.000.xml", 7, 1, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/co-authors-plus.xml", 4, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/feature-image-captions.xml", 3, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/has-audio-enclosure-with-libsyn-embed.xml", 1, 0, 0, 0,
       0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/has-audio-enclosure.xml", 1, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/has-meta.xml", 0, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/has-yoast-meta.xml", 2, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/multiple/attachments-only.xml", 0, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/multiple/pages-only.xml", 0, 1, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/multiple/posts-only.xml", 2, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/sample-no-slug.xml", 2, 1, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/sample-with-alt.xml", 1, 0, 0, 0, 0},
      {"wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/sample.xml", 2, 1, 0, 0, 0},
      {"wxr/wordpress-importer/e2e/fixtures/wxr-base-url-rewriting.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/e2e/fixtures/wxr-comprehensive.xml", 1, 1, 1, 0, 0},
      {"wxr/wordpress-importer/e2e/fixtures/wxr-css-urls.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/e2e/fixtures/wxr-simple.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/a11y-unit-test-data.xml", 45, 17, 22, 2, 0},
      {"wxr/wordpress-importer/phpunit/data/authors-multiline.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/backslashes.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/blank-lines.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/cdata-edge.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/chunked-meta.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/crazy-cdata-escaped.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/large-authors.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/missing-tags.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/multiple-cdata.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/namespace-edge-cases.xml", 5, 0, 0, 0, 1},
      {"wxr/wordpress-importer/phpunit/data/post-content-blank-lines.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/slashes.xml", 1, 0, 1, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/small-export.xml", 6, 4, 1, 1, 0},
      {"wxr/wordpress-importer/phpunit/data/term-formats.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/term-meta.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/test-serialized-comment-meta.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/test-serialized-postmeta-no-cdata.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/test-serialized-postmeta-with-cdata.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/test-serialized-term-meta.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/test-utw-post-meta-import.xml", 0, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/theme-unit-test-data.xml", 56, 21, 26, 2, 0},
      {"wxr/wordpress-importer/phpunit/data/valid-wxr-1.0.xml", 3, 3, 1, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/valid-wxr-1.1.xml", 1, 1, 1, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/wxr-flat-attachment-different-site.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/wxr-flat-attachment-same-site.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/wxr-simple.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/wxr-utf-8-challenges.xml", 1, 0, 0, 0, 0},
      {"wxr/wordpress-importer/phpunit/data/wxr-with-sub-data.xml", 1, 0, 0, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    EXPECT_GE(wp::WxrReader().sniff(realdata(c.file)), 90);
    EXPECT_EQ(wp::WpRestReader().sniff(realdata(c.file)), 0);
    auto s = read_wxr(realdata(c.file));
    EXPECT_EQ(s.count_kind("post"), c.posts);
    EXPECT_EQ(s.count_kind("page"), c.pages);
    EXPECT_EQ(s.count_kind("comment"), c.comments);
    EXPECT_EQ(s.records.size(), c.posts + c.pages + c.comments);
    size_t restricted = 0;
    for (const auto& r : s.records) restricted += !r.principals.empty();
    EXPECT_EQ(restricted, c.restricted);
    EXPECT_EQ(s.rejects.size(), c.rejects);
  }
}

TEST(WxrSamples, Wxr10UsesTheOldNamespaceAndPrivatePostsAreRestricted) {
  auto s = read_wxr(realdata("wxr/wordpress-importer/phpunit/data/small-export.xml"));
  size_t private_posts = 0;
  for (const auto& r : s.records)
    if (!r.principals.empty()) {
      ++private_posts;
      EXPECT_EQ(r.principals, (std::vector<std::string>{"p2:localhost"}));
    }
  EXPECT_EQ(private_posts, 1u);
  EXPECT_EQ(skip_counts(s), (std::map<std::string, int>{{"status:draft", 1}}));

  auto old = read_wxr(realdata("wxr/wordpress-importer/phpunit/data/valid-wxr-1.0.xml"));
  ASSERT_EQ(old.records.size(), 7u);
  for (const auto& r : old.records) {
    EXPECT_EQ(r.id.rfind("p2:localhost/", 0), 0u) << r.id;
    EXPECT_NE(r.date, 0) << r.id;
  }
}

TEST(WxrSamples, HostlessExportsFallBackToTheItemThenTheFileName) {
  // No channel link: the id uses the file's name as the host.
  auto s = read_wxr(realdata("wxr/wordpress-importer/phpunit/data/missing-tags.xml"));
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].id, "p2:missing-tags/1");
  EXPECT_EQ(s.records[0].title, "No Author Post");
  EXPECT_EQ(s.records[0].text, "text");
  EXPECT_EQ(s.records[0].author, "");
  EXPECT_EQ(s.records[0].date, 0);
  // No wp:post_id: the guid's "?p=19" carries it.
  auto preview = read_wxr(realdata("wxr/wptrt-theme-unit-test/theme-preview.xml"));
  ASSERT_NE(preview.find("p2:wp-themes.com/19"), nullptr);
  EXPECT_EQ(preview.find("p2:wp-themes.com/19")->title, "Worth A Thousand Words");
  EXPECT_EQ(preview.find("p2:wp-themes.com/8/comment/2")->parent, "p2:wp-themes.com/8");
}

TEST(WxrSamples, NamespaceEdgeCasesFollowNamespacesNotPrefixes) {
  auto s = read_wxr(realdata("wxr/wordpress-importer/phpunit/data/namespace-edge-cases.xml"));
  std::vector<std::string> ids;
  for (const auto& r : s.records) ids.push_back(r.id);
  const std::string h = "p2:namespace-edge-cases/";
  EXPECT_EQ(ids, (std::vector<std::string>{h + "1", h + "2", h + "3", h + "4", h + "6"}));
  // The item whose "wp:" prefix is bound to another namespace has no post id.
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0].first.str(), realdata("wxr/wordpress-importer/phpunit/data/namespace-edge-cases.xml").string() + ":94:1");
  EXPECT_NE(s.rejects[0].second.find("no <wp:post_id>"), std::string::npos);
  // Entity-looking text inside CDATA stays text.
  EXPECT_EQ(s.find(h + "6")->text, "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;");
}

TEST(WxrSamples, BareAmpersandsInUrlsDoNotBreakTheFile) {
  // sample.xml has unescaped '&' in an attachment URL (line 109).
  auto s = read_wxr(realdata("wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/sample.xml"));
  EXPECT_TRUE(s.rejects.empty());
  EXPECT_EQ(skip_counts(s),
            (std::map<std::string, int>{{"post_type:attachment", 1}, {"post_type:customcpt", 1}, {"status:draft", 1}}));
  ReaderOptions keep;
  keep.wp_keep_post_types = {"customcpt"};
  auto kept = read_wxr(realdata("wxr/tryghost-migrate/packages/mg-wp-xml/test/fixtures/sample.xml"), keep);
  EXPECT_EQ(kept.count_kind("post"), 3u);
}

TEST(WxrSamples, Utf8ChallengesSurviveIntact) {
  auto s = read_wxr(realdata("wxr/wordpress-importer/phpunit/data/wxr-utf-8-challenges.xml"));
  ASSERT_EQ(s.records.size(), 1u);
  const std::string& t = s.records[0].text + s.records[0].title;
  EXPECT_NE(t.find("\xE2\x80\x8B"), std::string::npos);  // U+200B zero-width space kept
  EXPECT_EQ(t.find("\xEF\xBF\xBD"), std::string::npos);  // nothing needed replacing
}

// ---------------------------------------------------------------- WXR: broken on purpose

struct BrokenCase {
  const char* file;
  uint64_t line, column;
  const char* reason;
};

TEST(WxrBroken, RefusedWithFileLineAndColumn) {
  const BrokenCase cases[] = {
      // Nested CDATA: the first "]]>" ends the section, the second is illegal.
      {"wxr/wordpress-importer/phpunit/data/crazy-cdata.xml", 18, 72, "XML is not well-formed: not well-formed"},
      // Truncated inside an item.
      {"wxr/wordpress-importer/phpunit/data/malformed-simple.xml", 14, 1, "XML is not well-formed: no element found"},
      // malformed.xml also names version "abc", which comes before its tag mismatch at 90:2.
      {"wxr/wordpress-importer/phpunit/data/malformed.xml", 33, 2, "unsupported WXR version 'abc'"},
      {"wxr/wordpress-importer/phpunit/data/invalid-version-tag.xml", 33, 2, "unsupported WXR version 'abc'"},
      {"wxr/wordpress-importer/phpunit/data/missing-version-tag.xml", 91, 1, "no <wp:wxr_version>"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    EXPECT_GE(wp::WxrReader().sniff(realdata(c.file)), 90);
    auto s = read_wxr(realdata(c.file));
    EXPECT_TRUE(s.records.empty());
    ASSERT_EQ(s.rejects.size(), 1u);
    const auto& [where, reason] = s.rejects[0];
    EXPECT_EQ(where.file, realdata(c.file).string());
    EXPECT_EQ(where.line, c.line);
    EXPECT_EQ(where.column, c.column);
    EXPECT_EQ(reason.rfind(c.reason, 0), 0u) << reason;
  }
}

TEST(WxrBroken, ItemsCompletedBeforeTheBreakAreKept) {
  // The theme unit test cut off in the middle of its 60th item.
  std::string full = slurp(realdata(kThemeUnit));
  size_t cut = 0;
  for (int i = 0; i < 59; ++i) cut = full.find("</item>", cut) + 7;
  size_t next_item = full.find("<item>", cut);
  cut = full.find("<wp:post_id>", next_item);
  Scratch scratch;
  fs::path truncated = scratch.write("truncated.xml", full.substr(0, cut));

  auto whole = read_wxr(realdata(kThemeUnit));
  auto part = read_wxr(truncated);
  ASSERT_EQ(part.rejects.size(), 1u);
  const auto& [where, reason] = part.rejects[0];
  EXPECT_EQ(where.file, truncated.string());
  uint64_t last_line = std::count(full.begin(), full.begin() + cut, '\n') + 1;
  EXPECT_EQ(where.line, last_line);
  EXPECT_NE(reason.find("59 items before it kept"), std::string::npos) << reason;
  ASSERT_GT(part.records.size(), 0u);
  ASSERT_LT(part.records.size(), whole.records.size());
  // The same 59 items closed properly give exactly the records kept.
  size_t end59 = full.rfind("</item>", next_item) + 7;
  fs::path closed = scratch.write("closed.xml", full.substr(0, end59) + "\n</channel>\n</rss>\n");
  auto expected = read_wxr(closed);
  EXPECT_TRUE(expected.rejects.empty());
  ASSERT_EQ(part.records.size(), expected.records.size());
  for (size_t i = 0; i < part.records.size(); ++i) {
    EXPECT_EQ(part.records[i].id, expected.records[i].id);
    EXPECT_EQ(part.records[i].id, whole.records[i].id);
  }
  EXPECT_EQ(part.skips, expected.skips);
}

TEST(WxrBroken, DoctypeIsRefusedAndNoEntityExpands) {
  Scratch scratch;
  fs::path p = scratch.write("doctype.xml",
                             "<?xml version=\"1.0\"?>\n"
                             "<!DOCTYPE rss [ <!ENTITY boom \"BOOMBOOMBOOM\"> ]>\n"
                             "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\n"
                             "<link>https://x.example</link><wp:wxr_version>1.2</wp:wxr_version>\n"
                             "<item><title>&boom;</title><wp:post_id>1</wp:post_id><wp:status>publish</wp:status>"
                             "<wp:post_type>post</wp:post_type></item></channel></rss>\n");
  auto s = read_wxr(p);
  EXPECT_TRUE(s.records.empty());
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0].first.str(), p.string() + ":2:15");  // where expat has read the name
  EXPECT_NE(s.rejects[0].second.find("<!DOCTYPE rss> refused"), std::string::npos) << s.rejects[0].second;
}

TEST(WxrBroken, NotWxrThrows) {
  Scratch scratch;
  fs::path html = scratch.write("page.xml", "<html><body>hello</body></html>");
  EXPECT_EQ(wp::WxrReader().sniff(html), 0);
  CollectingSink sink;
  try {
    wp::WxrReader().read(html, {}, sink);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Error::Code::Input);
    EXPECT_EQ(std::string(e.what()), html.string() + ": root element <html> is not <rss>: expected a WordPress export (WXR)");
  }
}

TEST(WxrBroken, ControlCharactersAndInvalidUtf8AreCleaned) {
  Scratch scratch;
  fs::path p = scratch.write(
      "dirty.xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
      "<channel>\n<link>https://dirty.example/?a=1&b=2</link><wp:wxr_version>1.2</wp:wxr_version>\n"
      "<item><title>Bell\x07 and caf\xE9 &amp; &nbsp;</title><link>https://dirty.example/?p=5&x=1</link>"
      "<wp:post_id>5</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
      "<content:encoded><![CDATA[<p>a &amp;&b \x01\xFF\xC3</p>]]></content:encoded></item>\n"
      "</channel></rss>\n");
  auto s = read_wxr(p);
  EXPECT_TRUE(s.rejects.empty());
  ASSERT_EQ(s.records.size(), 1u);
  const Record& r = s.records[0];
  EXPECT_EQ(r.id, "p2:dirty.example/5");
  EXPECT_EQ(r.url, "https://dirty.example/?p=5&x=1");
  EXPECT_EQ(r.title, "Bell and caf\xEF\xBF\xBD & \xC2\xA0");
  EXPECT_EQ(r.text, "a &&b \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(XmlCleaner, SplitSequencesGiveTheSameOutputAsWhole) {
  const std::string input =
      "<a href=\"x?y=1&z=2\">caf\xC3\xA9 \xF0\x9F\x98\x80 &amp; &#x1; &#233; &nbsp; \x02</a>"
      "<![CDATA[ & <b> \xE2\x82\xAC ]]><!-- & <![CDATA[ --> & \xE2\x82 end";
  std::string whole;
  wp::XmlCleaner once;
  once.feed(input, true, whole);
  EXPECT_EQ(whole,
            "<a href=\"x?y=1&amp;z=2\">caf\xC3\xA9 \xF0\x9F\x98\x80 &amp;   &#233; &amp;nbsp;  </a>"
            "<![CDATA[ & <b> \xE2\x82\xAC ]]><!-- & <![CDATA[ --> &amp; \xEF\xBF\xBD\xEF\xBF\xBD end");
  for (size_t size = 1; size <= 7; ++size) {
    std::string pieces;
    wp::XmlCleaner cleaner;
    for (size_t i = 0; i < input.size(); i += size) cleaner.feed(input.substr(i, size), false, pieces);
    cleaner.feed({}, true, pieces);
    EXPECT_EQ(pieces, whole) << "chunks of " << size;
    EXPECT_EQ(cleaner.changes(), once.changes());
  }
}

// ---------------------------------------------------------------- shared mapping functions

TEST(WpText, ShortcodesAndBlockComments) {
  EXPECT_EQ(wp::strip_shortcodes("a [caption id=\"attachment_1\" width=\"300\"]<img src=x> A cat[/caption] b"),
            "a <img src=x> A cat b");
  EXPECT_EQ(wp::strip_shortcodes("x[gallery ids=\"1,2\"]y"), "xy");
  EXPECT_EQ(wp::strip_shortcodes("x[gallery]y[embed]https://v[/embed]"), "xyhttps://v");
  EXPECT_EQ(wp::strip_shortcodes("see [1] and [citation needed] and [[gallery]]"),
            "see [1] and [citation needed] and [gallery]");
  EXPECT_EQ(wp::strip_block_comments("<!-- wp:paragraph {\"a\":1} --><p>x</p><!-- /wp:paragraph --><!--more-->"
                                     "<!-- a note -->"),
            "<p>x</p><!-- a note -->");
  EXPECT_EQ(wp::host_of("https://User@Example.COM:8080/a?b"), "example.com");
  EXPECT_EQ(wp::host_of("ftp://example.com/"), "");
  EXPECT_EQ(wp::wp_date("0000-00-00 00:00:00", "2012-01-05 14:30:46"), 1325773846);
  EXPECT_EQ(wp::wp_date("", ""), 0);
}

// ---------------------------------------------------------------- REST

constexpr const char* kGhost = "wp-rest-json/tryghost-migrate/packages/mg-wp-api/test/fixtures/";
constexpr const char* kTuqulore = "wp-rest-json/tuqulore-design-lab/handson-fetch-router-finish/public/wp-json";

std::string ghost(std::string_view name) { return std::string(kGhost) + std::string(name); }

struct RestCase {
  const char* file;
  size_t posts, pages, rejects;
};

TEST(WpRestSamples, PinnedCountsPerFile) {
  const RestCase cases[] = {
      {"co-authors-post.json", 1, 0, 0},
      {"dated-posts.json", 0, 0, 3},
      {"multiple-users.json", 0, 0, 0},
      {"single-coauthor-post.json", 1, 0, 0},
      {"single-cpt-post.json", 0, 0, 0},
      {"single-page.json", 0, 1, 0},
      {"single-post-no-author.json", 1, 0, 0},
      {"single-post-with-duplicate-images.json", 1, 0, 0},
      {"single-post-with-html-in-title.json", 1, 0, 0},
      {"single-post-with-linked-images.json", 1, 0, 0},
      {"single-post-with-smaller-images.json", 1, 0, 0},
      {"single-post.json", 1, 0, 0},
      {"single-user.json", 0, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    fs::path p = realdata(ghost(c.file));
    EXPECT_GE(wp::WpRestReader().sniff(p), 60);
    EXPECT_EQ(wp::WxrReader().sniff(p), 0);
    auto s = read_rest(p);
    EXPECT_EQ(s.count_kind("post"), c.posts);
    EXPECT_EQ(s.count_kind("page"), c.pages);
    EXPECT_EQ(s.records.size(), c.posts + c.pages);
    EXPECT_EQ(s.rejects.size(), c.rejects);
  }
}

TEST(WpRestSamples, SinglePostWithEmbeddedAuthorAndTerms) {
  auto s = read_rest(realdata(ghost("single-post.json")));
  ASSERT_EQ(s.records.size(), 1u);
  const Record& r = s.records[0];
  EXPECT_EQ(r.id, "p2:mysite.com/12345");
  EXPECT_EQ(r.kind, "post");
  EXPECT_EQ(r.space, "mysite.com");
  EXPECT_EQ(r.title, "My Awesome Post");
  EXPECT_EQ(r.author, "Guest Writer");
  EXPECT_EQ(r.author_id, "guest-writer");
  EXPECT_EQ(r.date, 1573141014);  // date_gmt 2019-11-07T15:36:54
  EXPECT_EQ(r.url, "https://mysite.com/bloob/2020/09/05/my-awesome-post-with-a-canonical");
  // Category "Boop" and tag "boop" are one; "Bar &amp; Baz" is decoded.
  EXPECT_EQ(r.tags, (std::vector<std::string>{"Boop", "foo", "Bar & Baz", "beep"}));
  EXPECT_TRUE(r.principals.empty());
}

TEST(WpRestSamples, HtmlTitleNoAuthorAndCustomTypes) {
  auto html = read_rest(realdata(ghost("single-post-with-html-in-title.json")));
  ASSERT_EQ(html.records.size(), 1u);
  EXPECT_EQ(html.records[0].title,
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
            "dolore magna aliqua");
  auto anon = read_rest(realdata(ghost("single-post-no-author.json")));
  ASSERT_EQ(anon.records.size(), 1u);
  EXPECT_EQ(anon.records[0].author, "");
  EXPECT_EQ(anon.records[0].author_id, "");
  auto cpt = read_rest(realdata(ghost("single-cpt-post.json")));
  EXPECT_EQ(skip_counts(cpt), (std::map<std::string, int>{{"post_type:mycpt", 1}}));
  ReaderOptions keep;
  keep.wp_keep_post_types = {"mycpt"};
  auto kept = read_rest(realdata(ghost("single-cpt-post.json")), keep);
  ASSERT_EQ(kept.records.size(), 1u);
  EXPECT_EQ(kept.records[0].kind, "post");
  EXPECT_EQ(kept.records[0].url, "https://mysite.com/mycpt/my-cpt-post");
  auto dated = read_rest(realdata(ghost("dated-posts.json")));
  ASSERT_EQ(dated.rejects.size(), 3u);
  EXPECT_EQ(dated.rejects[1].first.str(), realdata(ghost("dated-posts.json")).string() + " (item 2)");
  EXPECT_EQ(dated.rejects[1].second, "post has no \"id\"");
}

TEST(WpRestSamples, FolderLayoutDeduplicatesCollectionAndSingles) {
  fs::path dir = realdata(kTuqulore);
  EXPECT_GE(wp::WpRestReader().sniff(dir), 80);
  EXPECT_EQ(wp::WxrReader().sniff(dir), 0);
  auto s = read_rest(dir);
  EXPECT_TRUE(s.rejects.empty());
  EXPECT_EQ(s.count_kind("post"), 10u);
  EXPECT_EQ(skip_counts(s), (std::map<std::string, int>{{"duplicate", 10}}));
  const Record* r = s.find("p2:design-lab.tuqulore.com/1526");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->title, "新しい発見は孤独から得られる");
  EXPECT_EQ(r->author_id, "6");  // no users file: the REST user id is the key
  EXPECT_EQ(r->date, 1483508657);  // 2017-01-04T05:44:17 GMT
  EXPECT_EQ(r->updated, 1483509278);
  EXPECT_TRUE(r->tags.empty());  // term ids with no terms file name nothing
  EXPECT_FALSE(r->text.empty());
  EXPECT_EQ(r->text.find('<'), std::string::npos);
}

TEST(WpRestSamples, WholeFixtureFolderResolvesUsers) {
  auto s = read_rest(realdata("wp-rest-json/tryghost-migrate"));
  EXPECT_EQ(s.count_kind("post"), 3u);  // 7 single posts share ids 12345 and 99999
  EXPECT_EQ(s.count_kind("page"), 1u);
  EXPECT_EQ(skip_counts(s), (std::map<std::string, int>{{"duplicate", 5}, {"post_type:mycpt", 1}}));
  EXPECT_EQ(s.rejects.size(), 3u);
  const Record* page = s.find("p2:mysite.com/2");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->author, "Example User");
  EXPECT_EQ(page->author_id, "example");
}

TEST(WpRest, CommentsUsersAndTermsDumpedApart) {
  Scratch scratch;
  scratch.write("wp/v2/users.json", R"([{"id":7,"name":"Ana Lima","slug":"ana","link":"https://p2.example/author/ana"}])");
  scratch.write("wp/v2/tags.json",
                R"([{"id":3,"name":"Deploys &amp; Ops","slug":"deploys","taxonomy":"post_tag"},
                    {"id":4,"name":"resolved","slug":"resolved","taxonomy":"p2_resolved"}])");
  scratch.write("wp/v2/posts.json",
                R"([{"id":10,"date":"2021-03-04T06:06:07","date_gmt":"2021-03-04T05:06:07","status":"publish",
                     "type":"post","link":"https://p2.example/2021/03/04/freeze/","title":{"rendered":"Freeze"},
                     "content":{"rendered":"<p>Deploy <b>freeze</b> [gallery ids=\"1\"]</p>","protected":false},
                     "author":7,"tags":[3,4],"categories":[]},
                    {"id":11,"status":"publish","type":"post","link":"https://p2.example/?p=11",
                     "title":{"rendered":"Secret"},"content":{"rendered":"","protected":true},"author":8}])");
  scratch.write("wp/v2/comments.json",
                R"([{"id":100,"post":10,"parent":0,"author":7,"author_name":"Ana Lima","date_gmt":"2021-03-04T07:00:00",
                     "content":{"rendered":"<p>Agreed</p>"},"link":"https://p2.example/2021/03/04/freeze/#comment-100",
                     "status":"approved","type":"comment"},
                    {"id":101,"post":10,"parent":100,"author":0,"author_name":"Guest","date_gmt":"2021-03-04T08:00:00",
                     "content":{"rendered":"<p>Me too</p>"},"link":"https://p2.example/2021/03/04/freeze/#comment-101",
                     "status":"approved","type":"comment"},
                    {"id":102,"post":11,"parent":0,"author":0,"author_name":"X","content":{"rendered":"hidden"},
                     "link":"https://p2.example/?p=11#comment-102","status":"approved","type":"comment"},
                    {"id":103,"post":10,"parent":0,"author_name":"Spam","content":{"rendered":"buy"},
                     "link":"https://p2.example/#comment-103","status":"spam","type":"comment"}])");
  scratch.write("wp/v2/broken.json", "[{\"id\": 1,\n  oops}]");
  EXPECT_GE(wp::WpRestReader().sniff(scratch.dir()), 80);
  auto s = read_rest(scratch.dir());
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0].first.str(), (scratch.dir() / "wp/v2/broken.json").string() + ":2:3");
  ASSERT_EQ(s.records.size(), 5u);
  const Record* post = s.find("p2:p2.example/10");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->author, "Ana Lima");
  EXPECT_EQ(post->author_id, "ana");
  EXPECT_EQ(post->tags, (std::vector<std::string>{"Deploys & Ops"}));
  EXPECT_EQ(post->text, "Deploy freeze");
  EXPECT_EQ(post->state, "resolved");
  EXPECT_EQ(post->date, 1614834367);
  const Record* secret = s.find("p2:p2.example/11");
  ASSERT_NE(secret, nullptr);
  EXPECT_EQ(secret->principals, (std::vector<std::string>{"p2:p2.example"}));
  EXPECT_EQ(secret->author_id, "8");
  const Record* reply = s.find("p2:p2.example/10/comment/101");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->kind, "comment");
  EXPECT_EQ(reply->thread, "p2:p2.example/10");
  EXPECT_EQ(reply->parent, "p2:p2.example/10/comment/100");
  EXPECT_EQ(reply->author, "Guest");
  EXPECT_EQ(reply->text, "Me too");
  EXPECT_EQ(reply->url, "https://p2.example/2021/03/04/freeze/#comment-101");
  EXPECT_EQ(s.find("p2:p2.example/10/comment/100")->author_id, "ana");
  EXPECT_EQ(s.find("p2:p2.example/11/comment/102")->principals, (std::vector<std::string>{"p2:p2.example"}));
  EXPECT_EQ(skip_counts(s), (std::map<std::string, int>{{"comment:spam", 1}}));
}

TEST(WordpressReaders, RegisteredUnderTheirFormatNames) {
  auto readers = all_readers();
  std::vector<std::string> names;
  for (const auto& r : readers) names.emplace_back(r->format());
  EXPECT_NE(std::find(names.begin(), names.end(), "wxr"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "wp-rest"), names.end());
  EXPECT_EQ(reader_for(realdata(kThemeUnit), "")->format(), "wxr");
  EXPECT_EQ(reader_for(realdata(ghost("single-post.json")), "")->format(), "wp-rest");
}

}  // namespace
}  // namespace lore
