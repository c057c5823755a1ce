// Content features found in plain text, for records that arrive without them
// (a JSONL line with no "has" or "mentions").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "record.h"
#include "text/extract.h"

namespace lore::text {

/// True when `text` holds an http(s) or mailto link.
bool has_link(std::string_view text);
/// True when `text` holds code: a ``` fence or an `inline` span.
bool has_code(std::string_view text);
/// "@name" mentions in plain text, without the "@", in order, each once.
std::vector<std::string> find_mentions(std::string_view text);

/// Folds what extraction noted into the record: has: features and mentions
/// (each added once, keeping any the record already had).
void apply_features(const Extracted& extracted, Record& record);

}  // namespace lore::text
