// Internal to text extraction: the output side shared by the Markdown and
// HTML renderers (breaks between blocks, collapsed inline whitespace, link
// targets found in plain text).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "text/extract.h"

namespace lore::text::detail {

/// Adds `s` to `v` unless it is already there (links and mentions are kept
/// once each, in order of first appearance).
inline void add_once(std::vector<std::string>& v, std::string_view s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
}

/// True for an http(s) or mailto target, the only ones counted as links.
inline bool is_link_target(std::string_view url) {
  auto starts = [&](std::string_view scheme) {
    if (url.size() <= scheme.size()) return false;
    for (size_t i = 0; i < scheme.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
    return true;
  };
  return starts("http://") || starts("https://") || starts("mailto:");
}

/// Calls `f(offset, url)` for every bare http(s)/mailto URL in plain text,
/// leaving out the sentence punctuation that usually follows one.
template <class F>
void for_each_bare_link(std::string_view t, F f) {
  size_t i = 0;
  while (i < t.size()) {
    size_t at = std::string_view::npos;
    for (std::string_view scheme : {"http://", "https://", "mailto:"}) at = std::min(at, t.find(scheme, i));
    if (at == std::string_view::npos) return;
    size_t end = at;
    while (end < t.size()) {
      unsigned char c = static_cast<unsigned char>(t[end]);
      if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`') break;
      ++end;
    }
    std::string_view url = t.substr(at, end - at);
    while (!url.empty()) {
      char c = url.back();
      bool unbalanced_paren = c == ')' && url.find('(') == std::string_view::npos;
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || unbalanced_paren)
        url.remove_suffix(1);
      else
        break;
    }
    // "xhttp://" is part of a word, not a link.
    bool word_before = at > 0 && std::isalnum(static_cast<unsigned char>(t[at - 1])) != 0;
    if (!word_before && is_link_target(url)) f(at, url);
    i = end > at ? end : at + 1;
  }
}

/// `s` with every byte that is not part of a well-formed UTF-8 sequence
/// replaced by U+FFFD, so that the text can go into JSON and the index.
inline std::string valid_utf8(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size() && !(len == 2 && c < 0xC2) && !(len == 4 && c > 0xF4);
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && len == 3) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // overlong, surrogate
    } else if (ok && len == 4) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);  // overlong, past U+10FFFF
    }
    if (ok) {
      r.append(s.substr(i, len));
      i += len;
    } else {
      r.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return r;
}

/// Builds the rendered text. Inline text goes through `inline_text` (runs of
/// whitespace become one space, as a browser shows them) or `verbatim`
/// (code, kept as written); `block_break(1)` asks for a line break and
/// `block_break(2)` for a blank line before whatever comes next, so empty
/// blocks leave nothing and breaks never pile up.
class TextBuffer {
 public:
  /// Asks for at least `lines` newlines before the next text (capped at 2).
  void block_break(int lines) {
    pending_break_ = std::min(2, std::max(pending_break_, lines));
    pending_space_ = false;
  }
  /// A forced line break (<br>, a Markdown hard break): adds one newline to
  /// what is pending, still capped at one blank line.
  void line_break() {
    pending_break_ = std::min(2, pending_break_ + 1);
    pending_space_ = false;
  }
  /// Asks for a space before the next text, unless a line starts there.
  void space() { pending_space_ = true; }

  /// Appends text whose whitespace runs collapse to single spaces.
  void inline_text(std::string_view t) {
    size_t i = 0;
    while (i < t.size()) {
      if (is_space(t[i])) {
        pending_space_ = true;
        ++i;
        continue;
      }
      size_t j = i;
      while (j < t.size() && !is_space(t[j])) ++j;
      flush_pending();
      out_.append(t.substr(i, j - i));
      i = j;
    }
  }

  /// Appends text as written (code, <pre>, an already rendered fragment),
  /// line breaks included.
  void verbatim(std::string_view t) {
    if (t.empty()) return;
    flush_pending();
    out_.append(t);
  }

  /// The text, trimmed, with no run of more than one blank line, as valid
  /// UTF-8.
  std::string finish() {
    std::string r;
    r.reserve(out_.size());
    size_t newlines = 0;
    for (char c : out_) {
      if (c == '\n') {
        // Spaces and tabs at a line end are never worth keeping.
        while (!r.empty() && (r.back() == ' ' || r.back() == '\t' || r.back() == '\r')) r.pop_back();
        if (++newlines > 2) continue;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        newlines = 0;
      }
      r.push_back(c);
    }
    size_t b = 0;
    while (b < r.size() && is_space(r[b])) ++b;
    size_t e = r.size();
    while (e > b && is_space(r[e - 1])) --e;
    return valid_utf8(std::string_view(r).substr(b, e - b));
  }

  /// True when nothing but whitespace has been written on the current line.
  bool at_line_start() const { return out_.empty() || out_.back() == '\n'; }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

  void flush_pending() {
    if (pending_break_ > 0) {
      if (!out_.empty()) {
        while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t')) out_.pop_back();
        int have = 0;
        for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n' && have < 2; ++it) ++have;
        for (int k = have; k < pending_break_; ++k) out_.push_back('\n');
      }
    } else if (pending_space_ && !at_line_start() && !is_space(out_.back())) {
      out_.push_back(' ');
    }
    pending_break_ = 0;
    pending_space_ = false;
  }

  std::string out_;
  int pending_break_ = 0;
  bool pending_space_ = false;
};

}  // namespace lore::text::detail
