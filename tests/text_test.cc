// Text extraction tables: Markdown, HTML and plain-text features.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "text/features.h"
#include "text/util.h"
#include "text/html.h"
#include "text/markdown.h"

namespace lore::text {

namespace {

// The real samples, as tests/test_util.h finds them; that header brings in
// the importers' interface, which text extraction does not depend on.
std::filesystem::path realdata(std::string_view rel) {
  return std::filesystem::path(LORE_SOURCE_ROOT) / ".." / "shared" / "realdata" / std::string(rel);
}

rapidjson::Document read_json(std::string_view rel) {
  std::ifstream in(realdata(rel), std::ios::binary);
  EXPECT_TRUE(in) << realdata(rel);
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document d;
  d.Parse(ss.str().c_str());
  EXPECT_FALSE(d.HasParseError()) << rel;
  return d;
}

// The body of the GitHub item whose "url" is `url`, from an array file.
std::string github_body(std::string_view rel, std::string_view url) {
  rapidjson::Document d = read_json(rel);
  for (const auto& item : d.GetArray())
    if (item.HasMember("url") && item["url"].GetString() == url) return item["body"].GetString();
  ADD_FAILURE() << url << " not in " << rel;
  return {};
}

using Strings = std::vector<std::string>;

}  // namespace

TEST(features_test, links_code_and_mentions_in_plain_text) {
  EXPECT_TRUE(has_link("see https://example.com/x"));
  EXPECT_FALSE(has_link("https:// nothing"));
  EXPECT_FALSE(has_link("no links here"));
  EXPECT_TRUE(has_code("run `make test` first"));
  EXPECT_TRUE(has_code("```\ncode\n```"));
  EXPECT_FALSE(has_code("a lone ` backtick"));
  EXPECT_EQ(find_mentions("ping @ana and @bo.b, mail ana@example.com, again @ana"),
            (std::vector<std::string>{"ana", "bo.b"}));
}

TEST(markdown_test, renders_what_a_reader_sees) {
  struct Row {
    const char* in;
    const char* expected;
  } rows[] = {
      {"", ""},
      {"   \n\n  ", ""},
      {"plain words", "plain words"},
      {"# Title\n\nBody", "Title\n\nBody"},
      {"Setext\n======\ntext", "Setext\n\ntext"},
      {"**bold** and *em* and _also_", "bold and em and also"},
      {"one\ntwo", "one two"},             // soft break
      {"one  \ntwo", "one\ntwo"},          // hard break (two spaces)
      {"one\\\ntwo", "one\ntwo"},          // hard break (backslash)
      {"p1\n\n\n\n\np2", "p1\n\np2"},
      {"- a\n- b\n- c", "a\nb\nc"},
      {"1. a\n2. b", "a\nb"},
      {"- a\n\n- b", "a\n\nb"},  // a loose list keeps its paragraphs
      {"- a\n  - b\n- c", "a\nb\nc"},
      {"before\n\n- a\n- b\n\nafter", "before\n\na\nb\n\nafter"},
      {"> quoted\n> more\n\nreply", "quoted more\n\nreply"},
      {"a\n\n---\n\nb", "a\n\nb"},
      {"run `make  test` now", "run make  test now"},
      {"```sh\nls -l\n  cd /\n```\nafter", "ls -l\n  cd /\n\nafter"},
      {"    indented code\n\npara", "indented code\n\npara"},
      {"See [the PR](https://x/1) and `make test` @ana", "See the PR and make test @ana"},
      {"![a cat](https://x/cat.png) sat", "a cat sat"},
      {"<https://example.com/x>", "https://example.com/x"},
      {"&amp; &copy; &#65;", "& \xC2\xA9 A"},
      {"\\*not em\\*", "*not em*"},
      {"<details><summary>Logs</summary>\n\nbody text\n\n</details>", "Logs\n\nbody text"},
      {"<details><summary>x</summary>y</details>", "x\ny"},
      {"a<br>b", "a\nb"},
      {"some <b>inline</b> html", "some inline html"},
      {"<!-- hidden -->\nshown", "shown"},
      {"| a | b |\n|---|---|\n| 1 | 2 |", "| a | b | |---|---| | 1 | 2 |"},  // no GFM tables in cmark
  };
  for (const auto& row : rows) EXPECT_EQ(markdown_to_text(row.in).text, row.expected) << "input: " << row.in;
}

TEST(markdown_test, notes_links_images_code_and_mentions) {
  Extracted e = markdown_to_text("See [the PR](https://x/1) and `make test` @ana");
  EXPECT_EQ(e.links, (Strings{"https://x/1"}));
  EXPECT_TRUE(e.has_link);
  EXPECT_TRUE(e.has_code);
  EXPECT_FALSE(e.has_image);
  EXPECT_EQ(e.mentions, (Strings{"ana"}));

  // Links in reading order, each once: explicit targets, autolinks, bare URLs
  // (without the sentence's full stop) and links in raw HTML; relative and
  // anchor targets are not links.
  e = markdown_to_text(
      "Bare https://b.example/x_y. then [rel](../docs) [anchor](#top) <https://c.example>\n\n"
      "[again](https://b.example/x_y) <a href=\"http://d.example/\">d</a> mailto:me@e.example");
  EXPECT_EQ(e.links, (Strings{"https://b.example/x_y", "https://c.example", "http://d.example/",
                              "mailto:me@e.example"}));
  EXPECT_TRUE(e.has_link);
  EXPECT_FALSE(e.has_code);
  EXPECT_TRUE(e.mentions.empty());

  // An image notes has_image; its URL is not a link.
  e = markdown_to_text("![diagram](https://x/d.png)");
  EXPECT_TRUE(e.has_image);
  EXPECT_FALSE(e.has_link);
  EXPECT_TRUE(e.links.empty());
  EXPECT_EQ(e.text, "diagram");
  e = markdown_to_text("<img src=\"https://x/d.png\" alt=\"shot\">");
  EXPECT_TRUE(e.has_image);
  EXPECT_EQ(e.text, "shot");

  // Mentions: in order, once each, not in code, not in addresses; cmark
  // splitting "@bo_b" at the underscore does not cut the name short.
  e = markdown_to_text(
      "cc @ana, @bo_b and **@cy**\n\n`@nobody` mail x@y.example\n\n```\n@nocode\n```\n\n- again @ana");
  EXPECT_EQ(e.mentions, (Strings{"ana", "bo_b", "cy"}));
  EXPECT_TRUE(e.has_code);

  e = markdown_to_text("```\nonly code\n```");
  EXPECT_TRUE(e.has_code);
  EXPECT_EQ(e.text, "only code");
  EXPECT_FALSE(markdown_to_text("no code here").has_code);
}

TEST(markdown_test, survives_hostile_input) {
  std::string deep_quotes;
  for (int i = 0; i < 10000; ++i) deep_quotes += "> ";
  EXPECT_EQ(markdown_to_text(deep_quotes + "deep").text, "deep");
  std::string deep_lists;
  for (int i = 0; i < 2000; ++i) deep_lists += std::string(static_cast<size_t>(i) * 2, ' ') + "- x\n";
  EXPECT_EQ(markdown_to_text(deep_lists).text.substr(0, 5), "x\nx\nx");
  std::string brackets(10000, '[');
  EXPECT_EQ(markdown_to_text(brackets).text, brackets);
  // Broken UTF-8 comes out as U+FFFD, never as invalid bytes.
  EXPECT_EQ(markdown_to_text("caf\xE9 ok").text, "caf\xEF\xBF\xBD ok");
}

TEST(markdown_test, real_github_issue_body) {
  // A nixpkgs issue: headings, a raw <blockquote> around a fenced block, three
  // more fences with "@runtimeShell@" placeholders, links bare and bracketed.
  std::string body = github_body("github-migration/milahu-nixpkgs-github-data/issues_000001.json",
                                 "https://github.com/milahu/nixpkgs/issues/14");
  Extracted e = markdown_to_text(body);
  EXPECT_EQ(e.text.substr(0, 15), "substituteAll\n\n");
  EXPECT_NE(e.text.find("Turns out pkgs.substituteAll has some extra functionality"), std::string::npos);
  EXPECT_NE(e.text.find("\nexec cowsay hello\n\nsee also nixpkgs/pkgs/os-specific/linux/nixos-rebuild/default.nix "),
            std::string::npos);
  EXPECT_NE(e.text.find("  pkgs = import <nixpkgs> {};\n"), std::string::npos);  // code kept verbatim
  EXPECT_EQ(e.text.find("```"), std::string::npos);
  EXPECT_EQ(e.text.find("## "), std::string::npos);
  EXPECT_EQ(e.text.find("<blockquote>"), std::string::npos);
  EXPECT_EQ(e.links,
            (Strings{"https://discourse.nixos.org/t/how-pkgs-substituteall-chmod-x-buildenv/8167/2",
                     "https://github.com/NixOS/nixpkgs/blob/master/pkgs/os-specific/linux/nixos-rebuild/default.nix",
                     "https://github.com/NixOS/nixpkgs/blob/master/pkgs/os-specific/linux/nixos-rebuild/nixos-rebuild.sh",
                     "https://ryantm.github.io/nixpkgs/builders/trivial-builders/"}));
  EXPECT_TRUE(e.has_code);
  EXPECT_FALSE(e.has_image);
  EXPECT_TRUE(e.mentions.empty());  // every "@" is inside code

  // A comment with a mention, a bare link and a quote, written with CRLFs.
  body = github_body("github-migration/milahu-nixpkgs-github-data/issue_comments_000001.json",
                     "https://github.com/milahu/nixpkgs/issues/42#issuecomment-2054197504");
  e = markdown_to_text(body);
  EXPECT_EQ(e.text,
            "@milahu hmm... promise you this isn't an insane change:\n\n"
            "https://github.com/klee/klee/releases/tag/v3.1\n\n"
            "Current recommended version is still LLVM 13\n\n"
            "I do see the reasoning for the override though.");
  EXPECT_EQ(e.mentions, (Strings{"milahu"}));
  EXPECT_EQ(e.links, (Strings{"https://github.com/klee/klee/releases/tag/v3.1"}));
  EXPECT_FALSE(e.has_code);
}

TEST(html_test, renders_what_a_browser_shows) {
  struct Row {
    const char* in;
    const char* expected;
  } rows[] = {
      {"", ""},
      {"plain", "plain"},
      {"<p>Hi &amp; <a href='https://x'>bye</a></p><script>x()</script>", "Hi & bye"},
      {"<p>One   two\n  three</p>", "One two three"},
      {"<p>a</p><p>b</p>", "a\n\nb"},
      {"<div>a</div><div>b</div>", "a\nb"},
      {"<h2>Head</h2>text", "Head\n\ntext"},
      {"a<br>b<br/>c", "a\nb\nc"},
      {"a<br><br><br><br>b", "a\n\nb"},
      {"<p>x</p>\n\n\n<p></p><div></div><p>y</p>", "x\n\ny"},
      {"<ul><li>a</li><li>b</li></ul>", "a\nb"},
      {"<p>x</p><ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><p>y</p>", "x\n\na\nb\nc\n\ny"},
      {"<table><tr><th>k</th><th>v</th></tr><tr><td>1</td><td>2</td></tr></table>", "k v\n1 2"},
      {"<blockquote><p>q1</p><p>q2</p></blockquote>after", "q1\n\nq2\n\nafter"},
      {"<p>x</p><pre>  keep\n    this  spacing</pre>next", "x\n\n  keep\n    this  spacing\n\nnext"},
      {"<p>use <code>a  b</code> here</p>", "use a b here"},
      {"<!-- wp:paragraph -->\n<p>Gutenberg</p>\n<!-- /wp:paragraph -->", "Gutenberg"},
      {"<style>p{color:red}</style><noscript>enable js</noscript><template><p>t</p></template>shown",
       "shown"},
      {"<html><head><title>T</title></head><body><p>body</p></body></html>", "body"},
      {"&lt;tag&gt; &quot;q&quot; &#8220;curly&#8221; &nbsp;x", "<tag> \"q\" \xE2\x80\x9C" "curly\xE2\x80\x9D \xC2\xA0x"},
      {"<img src='a.png' alt='A cat'> sits", "A cat sits"},
      {"<figure><img src='a.png'><figcaption>Caption</figcaption></figure>text", "Caption\n\ntext"},
      {"<dl><dt>term</dt><dd>meaning</dd></dl>", "term\nmeaning"},
      {"a<hr>b", "a\n\nb"},
      {"<b>bo</b><i>ld</i>", "bold"},
      {"<div><p>unclosed <b>bold <i>it", "unclosed bold it"},
  };
  for (const auto& row : rows) EXPECT_EQ(html_to_text(row.in).text, row.expected) << "input: " << row.in;
}

TEST(html_test, notes_links_images_and_code) {
  Extracted e = html_to_text("<p>Hi &amp; <a href='https://x'>bye</a></p><script>x()</script>");
  EXPECT_EQ(e.links, (Strings{"https://x"}));
  EXPECT_TRUE(e.has_link);
  EXPECT_FALSE(e.has_image);
  EXPECT_FALSE(e.has_code);

  // http(s) and mailto targets only, each once, in order, and bare URLs in
  // text; relative, anchor and javascript targets are not links.
  e = html_to_text(
      "<a href='/rel'>r</a><a href='#top'>t</a><a href='javascript:void(0)'>j</a>"
      "<a href='HTTPS://A.example/'>a</a> see http://b.example/p?q=1, <a href='mailto:me@c.example'>m</a>"
      "<a href='https://A.example/'>a2</a><a href='HTTPS://A.example/'>a3</a>");
  EXPECT_EQ(e.links, (Strings{"HTTPS://A.example/", "http://b.example/p?q=1", "mailto:me@c.example",
                              "https://A.example/"}));
  EXPECT_TRUE(e.has_link);
  EXPECT_TRUE(html_to_text("<a href='/only/relative'>x</a>").links.empty());
  EXPECT_FALSE(html_to_text("<a href='/only/relative'>x</a>").has_link);

  e = html_to_text("<img src='https://x/a.png'>");
  EXPECT_TRUE(e.has_image);
  EXPECT_TRUE(e.links.empty());  // an image source is not a link
  EXPECT_EQ(e.text, "");

  EXPECT_TRUE(html_to_text("<pre>x</pre>").has_code);
  EXPECT_TRUE(html_to_text("<p><code>x</code></p>").has_code);
  EXPECT_FALSE(html_to_text("<p>x</p>").has_code);
  // A URL inside code is code, not a link.
  EXPECT_TRUE(html_to_text("<code>curl https://x.example/</code>").links.empty());
  // html_to_text leaves mentions to its callers.
  EXPECT_TRUE(html_to_text("<p>@ana</p>").mentions.empty());
}

TEST(html_test, survives_hostile_input) {
  struct Row {
    std::string in;
    std::string expected;
  } rows[] = {
      {"<<<>>>", ">>>"},
      {"</p></div></b>", ""},
      {"<a href=>x</a", "x"},
      {"<p", ""},
      {"<!-- never closed <p>x</p>", ""},
      {"<script>never closed <p>x</p>", ""},
      {"<ta\xff\xfe ble>\x01\x02 junk \x7f", "junk \x7f"},  // libxml2 drops C0 controls
      {"caf\xE9", "caf\xEF\xBF\xBD"},  // not UTF-8: replaced, not passed on
  };
  for (const auto& row : rows) EXPECT_EQ(html_to_text(row.in).text, row.expected) << "input: " << row.in;

  std::string junk;
  for (int i = 0; i < 20000; ++i) junk += static_cast<char>(1 + (i * 7919) % 255);
  Extracted e = html_to_text(junk);
  EXPECT_FALSE(e.text.empty());

  // libxml2 stops building the tree past its depth limit (256): what comes
  // before is kept, and neither its parser nor our walk recurses into a crash.
  std::string deep = "<p>before</p>";
  for (int i = 0; i < 10000; ++i) deep += "<div>";
  deep += "deep";
  for (int i = 0; i < 10000; ++i) deep += "</div>";
  EXPECT_EQ(html_to_text(deep).text.substr(0, 6), "before");
  std::string nested = "<p>before</p>";
  for (int i = 0; i < 100; ++i) nested += "<div><span>";
  nested += "deep";
  for (int i = 0; i < 100; ++i) nested += "</span></div>";
  EXPECT_EQ(html_to_text(nested + "<p>after</p>").text, "before\n\ndeep\n\nafter");
}

TEST(html_test, real_wordpress_post_bodies) {
  rapidjson::Document post = read_json("wp-rest-json/tryghost-migrate/packages/mg-wp-api/test/fixtures/single-post.json");
  Extracted e = html_to_text(post["content"]["rendered"].GetString());
  EXPECT_EQ(e.text,
            "This is my strong headline thing.\n\n"
            "Note: this article contains awesomeness\n\n"
            "This is a paragraph of text. This is a very short example post.\n\n"
            "My awesome image\n"
            "srcset images\n\n"
            "Lorem ipsum\n\n"
            "Dolor simet");
  EXPECT_EQ(e.text.find('<'), std::string::npos);
  EXPECT_TRUE(e.has_image);
  EXPECT_FALSE(e.has_link);
  EXPECT_FALSE(e.has_code);

  // A Japanese post: eight distinct http(s) anchors, two captioned images.
  post = read_json("wp-rest-json/tuqulore-design-lab/handson-fetch-router-finish/public/wp-json/wp/v2/posts/1244.json");
  e = html_to_text(post["content"]["rendered"].GetString());
  EXPECT_EQ(e.text.find('<'), std::string::npos);
  EXPECT_EQ(e.text.substr(0, e.text.find('\n')),
            "先日、「ハード・ソフト・ネット、そしてMake、 素朴なWebデザイナーの向き合うこれから」というタイトルで、"
            "HTML5 CONFERENCE 2016に講演させてもらった。");
  EXPECT_NE(e.text.find("\n\nHTML5 CONFERENCE 2016登壇時の写真\n\n"), std::string::npos);  // an alt text
  EXPECT_EQ(e.links,
            (Strings{"http://events.html5j.org/conference/2016/9/session/#session_id_e1",
                     "http://events.html5j.org/conference/2016/9/", "http://design-lab.tuqulore.com/software-student/",
                     "http://design-lab.tuqulore.com/offshore_vietnam/", "http://cssnite.jp/",
                     "https://twitter.com/swwwitch", "http://www.dtp-transit.jp/adobe/illustrator/post_1967.html",
                     "http://www.taaze.tw/sing.html?pid=11100789267"}));
  EXPECT_TRUE(e.has_image);
  EXPECT_FALSE(e.has_code);
}

}  // namespace lore::text

namespace lore::text {

TEST(util_test, clip_and_ascii_lower) {
  struct Row {
    const char* in;
    size_t max;
    bool at_word;
    const char* out;
  } rows[] = {
      {"short", 10, true, "short"},
      {"deploy freeze window", 15, true, "deploy freeze…"},
      {"deploy freeze window", 15, false, "deploy freeze w…"},
      {"averyveryverylongword", 10, true, "averyveryv…"},
      {"caf\xc3\xa9s", 4, false, "caf…"},  // never inside the two bytes of é
  };
  for (const auto& r : rows) EXPECT_EQ(clip(r.in, r.max, r.at_word), r.out) << r.in;
  EXPECT_EQ(ascii_lower("HTTPS://GitHub.com/O/R"), "https://github.com/o/r");
  EXPECT_EQ(ascii_lower("\xc3\x89T\xc3\x89"), "\xc3\x89t\xc3\x89");  // non-ASCII bytes untouched
}

}  // namespace lore::text
