#include <gtest/gtest.h>

#include "dates.h"

namespace lore {

TEST(dates_test, parses_the_forms_exports_use) {
  struct Row {
    const char* in;
    int64_t expected;
  } rows[] = {
      {"2021-03-04T05:06:07Z", 1614834367},
      {"2021-03-04T05:06:07.123Z", 1614834367},
      {"2021-03-04T07:06:07+02:00", 1614834367},
      {"2021-03-04T00:06:07-0500", 1614834367},
      {"2021-03-04 05:06:07", 1614834367},
      {"2021-03-04", 1614816000},
      {"1970-01-01T00:00:00Z", 0},
      {"2000-02-29T12:00:00Z", 951825600},
  };
  for (const auto& row : rows) {
    auto t = parse_iso8601(row.in);
    ASSERT_TRUE(t.has_value()) << row.in;
    EXPECT_EQ(*t, row.expected) << row.in;
  }
}

TEST(dates_test, refuses_what_is_not_a_date) {
  for (const char* bad : {"", "yesterday", "2021-13-01", "2021-03-04T25:00:00Z", "2021-03-04Tfoo", "2021/03/04",
                          "2021-03-04T05:06:07Zjunk"})
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
}

TEST(dates_test, formats_round_trip) {
  for (int64_t t : {1614834367LL, 951825600LL, 4102444799LL, 1LL})
    EXPECT_EQ(parse_iso8601(format_iso8601(t)).value(), t);
  EXPECT_EQ(format_iso8601(1614834367), "2021-03-04T05:06:07Z");
  EXPECT_EQ(format_iso8601(0), "");
}

TEST(dates_test, slack_timestamps) {
  EXPECT_EQ(parse_epoch_seconds("1355517523.000005").value(), 1355517523);
  EXPECT_EQ(parse_epoch_seconds("1355517523").value(), 1355517523);
  EXPECT_FALSE(parse_epoch_seconds("abc").has_value());
  EXPECT_FALSE(parse_epoch_seconds("").has_value());
}

}  // namespace lore
