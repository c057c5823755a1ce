#include "wordpress/xml_clean.h"

namespace lore::wp {

namespace {

// True when `rest` is a proper beginning of `token`: the chunk ended in the
// middle of it, so the decision waits for more bytes.
bool partial(std::string_view rest, std::string_view token) {
  return rest.size() < token.size() && token.substr(0, rest.size()) == rest;
}

bool xml_char(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

bool name_start(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':'; }
bool name_char(unsigned char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

enum class Ref { Valid, ForbiddenChar, Bare, NeedMore };

// Classifies the reference starting at rest[0] == '&'; `len` gets its length.
Ref classify_reference(std::string_view rest, bool final, size_t& len) {
  constexpr size_t kMax = 40;  // longer than any reference worth keeping
  size_t i = 1;
  auto more = [&]() { return i >= rest.size(); };
  if (more()) return final ? Ref::Bare : Ref::NeedMore;
  if (rest[i] == '#') {
    ++i;
    if (more()) return final ? Ref::Bare : Ref::NeedMore;
    bool hex = rest[i] == 'x';
    if (hex) ++i;
    uint64_t value = 0;
    size_t digits = 0;
    for (;; ++i, ++digits) {
      if (more()) return final ? Ref::Bare : Ref::NeedMore;
      unsigned char c = rest[i];
      int d = (c >= '0' && c <= '9')             ? c - '0'
              : hex && (c >= 'a' && c <= 'f')    ? c - 'a' + 10
              : hex && (c >= 'A' && c <= 'F')    ? c - 'A' + 10
                                                 : -1;
      if (d < 0) break;
      if (digits < 9) value = value * (hex ? 16 : 10) + d;
      if (i > kMax) return Ref::Bare;
    }
    if (rest[i] != ';' || digits == 0) return Ref::Bare;
    len = i + 1;
    return xml_char(static_cast<uint32_t>(digits >= 9 ? 0x110000 : value)) ? Ref::Valid : Ref::ForbiddenChar;
  }
  if (!name_start(rest[i])) return Ref::Bare;
  size_t start = i;
  while (!more() && name_char(rest[i])) {
    if (++i > kMax) return Ref::Bare;
  }
  if (more()) return final ? Ref::Bare : Ref::NeedMore;
  if (rest[i] != ';') return Ref::Bare;
  std::string_view name = rest.substr(start, i - start);
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
    len = i + 1;
    return Ref::Valid;
  }
  return Ref::Bare;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

}  // namespace

void XmlCleaner::feed(std::string_view chunk, bool final, std::string& out) {
  std::string joined;
  std::string_view data = chunk;
  if (!carry_.empty()) {
    joined = std::move(carry_);
    carry_.clear();
    joined.append(chunk);
    data = joined;
  }
  out.reserve(out.size() + data.size() + 16);
  const size_t n = data.size();
  size_t i = 0;
  auto hold_back = [&]() { carry_.assign(data.substr(i)); };
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(data[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        out += ' ';
        ++changes_;
        ++i;
        continue;
      }
      std::string_view rest = data.substr(i);
      if (state_ == State::Cdata && c == ']') {
        if (!final && partial(rest, "]]>")) return hold_back();
        if (rest.substr(0, 3) == "]]>") {
          out.append("]]>");
          i += 3;
          state_ = State::Text;
          continue;
        }
      } else if (state_ == State::Comment && c == '-') {
        if (!final && partial(rest, "-->")) return hold_back();
        if (rest.substr(0, 3) == "-->") {
          out.append("-->");
          i += 3;
          state_ = State::Text;
          continue;
        }
      } else if (state_ == State::Text && c == '<') {
        if (!final && (partial(rest, "<![CDATA[") || partial(rest, "<!--"))) return hold_back();
        if (rest.substr(0, 9) == "<![CDATA[") {
          out.append("<![CDATA[");
          i += 9;
          state_ = State::Cdata;
          continue;
        }
        if (rest.substr(0, 4) == "<!--") {
          out.append("<!--");
          i += 4;
          state_ = State::Comment;
          continue;
        }
      } else if (state_ == State::Text && c == '&') {
        size_t len = 0;
        switch (classify_reference(rest, final, len)) {
          case Ref::NeedMore:
            return hold_back();
          case Ref::Valid:
            out.append(rest.substr(0, len));
            i += len;
            continue;
          case Ref::ForbiddenChar:
            out += ' ';
            ++changes_;
            i += len;
            continue;
          case Ref::Bare:
            out.append("&amp;");
            ++changes_;
            ++i;
            continue;
        }
      }
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // A multi-byte sequence: check it byte by byte against RFC 3629, which
    // also rules out overlong forms and UTF-16 surrogates.
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    bool ok = len != 0;
    uint32_t cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; ok && k < len; ++k) {
      if (i + k >= n) {
        if (!final) return hold_back();
        ok = false;
        break;
      }
      unsigned char b = static_cast<unsigned char>(data[i + k]);
      unsigned char lo = 0x80, hi = 0xBF;
      if (k == 1) {
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
      }
      if (b < lo || b > hi) ok = false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (!ok) {
      out.append(kReplacement);
      ++changes_;
      ++i;
      continue;
    }
    if (cp == 0xFFFE || cp == 0xFFFF) {
      out.append(kReplacement);
      ++changes_;
    } else {
      out.append(data.substr(i, len));
    }
    i += len;
  }
}

}  // namespace lore::wp
