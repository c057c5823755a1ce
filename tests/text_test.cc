// Text extraction tables: Markdown, HTML and plain-text features.
#include <gtest/gtest.h>

#include "text/features.h"

namespace lore::text {

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

}  // namespace lore::text
