#include "text/util.h"

namespace lore::text {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string clip(std::string_view text, size_t max_bytes, bool at_word) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string head(text.substr(0, cut));
  if (at_word) {
    size_t space = head.find_last_of(" \n");
    if (space != std::string::npos && space > max_bytes / 2) head.resize(space);
  }
  return head + "…";
}

}  // namespace lore::text
