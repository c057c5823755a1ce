#include "text/features.h"

#include <algorithm>
#include <cctype>

namespace lore::text {

namespace {

void add_unique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

bool word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80; }

}  // namespace

bool has_link(std::string_view t) {
  for (std::string_view scheme : {"http://", "https://", "mailto:"}) {
    size_t p = t.find(scheme);
    if (p != std::string_view::npos && p + scheme.size() < t.size() &&
        !std::isspace(static_cast<unsigned char>(t[p + scheme.size()])))
      return true;
  }
  return false;
}

bool has_code(std::string_view t) {
  if (t.find("```") != std::string_view::npos) return true;
  size_t open = t.find('`');
  if (open == std::string_view::npos) return false;
  size_t close = t.find('`', open + 1);
  return close != std::string_view::npos && close > open + 1;
}

std::vector<std::string> find_mentions(std::string_view t) {
  std::vector<std::string> out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '@') continue;
    // "a@b.com" is an address, not a mention.
    if (i > 0 && word_char(static_cast<unsigned char>(t[i - 1]))) continue;
    size_t j = i + 1;
    while (j < t.size() && word_char(static_cast<unsigned char>(t[j]))) ++j;
    std::string name(t.substr(i + 1, j - i - 1));
    while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.pop_back();
    if (!name.empty()) add_unique(out, name);
    i = j - 1;
  }
  return out;
}

void apply_features(const Extracted& e, Record& r) {
  if (e.has_link || !e.links.empty()) add_unique(r.has, "link");
  if (e.has_image) add_unique(r.has, "image");
  if (e.has_code) add_unique(r.has, "code");
  for (const auto& m : e.mentions) add_unique(r.mentions, m);
}

}  // namespace lore::text
