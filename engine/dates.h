// Dates as Lore stores them: seconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lore {

/// Parses ISO 8601 / RFC 3339 as exports write it: "2021-03-04T05:06:07Z",
/// with fractional seconds, a "+02:00"/"-0500" offset, a space instead of
/// "T" ("2021-03-04 05:06:07", taken as UTC), or a bare date "2021-03-04".
/// Returns nullopt for anything else.
std::optional<int64_t> parse_iso8601(std::string_view text);

/// Formats as "2021-03-04T05:06:07Z"; empty for 0 (unknown).
std::string format_iso8601(int64_t seconds);

/// Seconds since the epoch for a UTC calendar date and time (days may overflow).
int64_t utc_seconds(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

/// Parses a Slack timestamp "1355517523.000005" to whole seconds.
std::optional<int64_t> parse_epoch_seconds(std::string_view text);

}  // namespace lore
