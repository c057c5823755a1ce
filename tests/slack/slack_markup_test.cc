// Table test of Slack markup rendering (text/slack_markup.h).
#include <gtest/gtest.h>

#include "text/slack_markup.h"

namespace lore::text {
namespace {

std::string user_name(std::string_view id) {
  if (id == "U061A1R2R") return "Micah Stubbs";
  if (id == "U8X25EBAB") return "汉语 हिन्दी";
  return {};
}

std::string channel_name(std::string_view id) { return id == "C061A2UGJ" ? "general" : std::string(); }

struct Row {
  const char* markup;
  const char* text;
  std::vector<std::string> links;
  std::vector<std::string> mentions;
  bool code = false;
};

TEST(slack_markup_test, table) {
  const Row rows[] = {
      {"plain words", "plain words", {}, {}},
      {"<@U061A1R2R> said hi", "@Micah Stubbs said hi", {}, {"Micah Stubbs"}},
      {"<@U061A1R2R|micahstubbs> has joined", "@Micah Stubbs has joined", {}, {"Micah Stubbs"}},
      {"ask <@U8X25EBAB>", "ask @汉语 हिन्दी", {}, {"汉语 हिन्दी"}},
      // Unknown to the directory: the legacy label, else the id.
      {"<@U0NOBODY|ghost> left", "@ghost left", {}, {"ghost"}},
      {"cc <@U0NOBODY>", "cc @U0NOBODY", {}, {"U0NOBODY"}},
      {"<@U061A1R2R> and <@U061A1R2R>", "@Micah Stubbs and @Micah Stubbs", {}, {"Micah Stubbs"}},
      {"see <#C061A2UGJ|general>", "see #general", {}, {}},
      {"see <#C061A2UGJ>", "see #general", {}, {}},
      {"see <#C0UNKNOWN>", "see #C0UNKNOWN", {}, {}},
      {"<!here> lunch", "@here lunch", {}, {}},
      {"<!here|here> lunch", "@here lunch", {}, {}},
      {"<!channel> and <!everyone>", "@channel and @everyone", {}, {}},
      {"<!subteam^S0614TZR7|@design-team> look", "@design-team look", {}, {}},
      {"<!subteam^S0614TZR7> look", "@S0614TZR7 look", {}, {}},
      {"on <!date^1392734382^{date_pretty}|Feb 18, 2014>", "on Feb 18, 2014", {}, {}},
      {"<https://example.com/a?b=1&amp;c=2|the doc>", "the doc", {"https://example.com/a?b=1&c=2"}, {}},
      {"<http://opendata.stackexchange.com/>", "http://opendata.stackexchange.com/",
       {"http://opendata.stackexchange.com/"}, {}},
      {"mail <mailto:a@example.com|a@example.com>", "mail a@example.com", {"mailto:a@example.com"}, {}},
      {"mail <mailto:a@example.com>", "mail a@example.com", {"mailto:a@example.com"}, {}},
      {"Q&amp;A &lt;tag&gt;", "Q&A <tag>", {}, {}},
      {"a &amp;lt; b", "a &lt; b", {}, {}},  // decoded once, not twice
      {"1 < 2 and 3 > 2", "1 < 2 and 3 > 2", {}, {}},
      {"x <not closed\n<@U061A1R2R>", "x <not closed\n@Micah Stubbs", {}, {"Micah Stubbs"}},
      {"run `make test` now", "run `make test` now", {}, {}, true},
      {"```\nx = 1\n```", "```\nx = 1\n```", {}, {}, true},
      {":tada: *bold* _it_", ":tada: *bold* _it_", {}, {}},
      {"", "", {}, {}},
  };
  for (const auto& row : rows) {
    Extracted e = slack_to_text(row.markup, user_name, channel_name);
    EXPECT_EQ(e.text, row.text) << row.markup;
    EXPECT_EQ(e.links, row.links) << row.markup;
    EXPECT_EQ(e.has_link, !row.links.empty()) << row.markup;
    EXPECT_EQ(e.mentions, row.mentions) << row.markup;
    EXPECT_EQ(e.has_code, row.code) << row.markup;
  }
}

TEST(slack_markup_test, without_lookups) {
  Extracted e = slack_to_text("hi <@U1> in <#C2>");
  EXPECT_EQ(e.text, "hi @U1 in #C2");
  EXPECT_EQ(e.mentions, (std::vector<std::string>{"U1"}));
}

TEST(slack_markup_test, bare_url_counts_as_link) {
  Extracted e = slack_to_text("see https://julialang.org for more");
  EXPECT_TRUE(e.has_link);
  EXPECT_TRUE(e.links.empty());
}

}  // namespace
}  // namespace lore::text
