// Small string helpers that the engine and the importers share.
#pragma once

#include <string>
#include <string_view>

namespace lore::text {

/// ASCII-lowercases `s` (for keys and enumerated values such as states and
/// URLs; names and words go through lore::lowercase, which knows Unicode).
std::string ascii_lower(std::string_view s);

/// `text` cut to at most `max_bytes` (never inside a UTF-8 sequence), ending
/// on a space or newline when one falls in the second half, with "…" added
/// when anything was cut. With `at_word` false it cuts where the bytes end.
std::string clip(std::string_view text, size_t max_bytes, bool at_word = true);

}  // namespace lore::text
