// Table test of Slack markup rendering.
#include <gtest/gtest.h>

#include "text/slack_markup.h"

namespace lore::text {
namespace {

TEST(slack_markup_test, placeholder) { EXPECT_EQ(slack_to_text("a").text, "a"); }

}  // namespace
}  // namespace lore::text
