// A filter between the byte stream and the XML parser that makes real-world
// WordPress exports parseable: WordPress writes whatever its database holds,
// so exports carry control characters, broken UTF-8 and bare '&' in URLs,
// each of which would stop a conforming parser at the first occurrence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lore::wp {

/// Cleans XML text given in chunks of any size. Output is valid UTF-8 with
/// only the characters XML 1.0 allows; it never adds or removes a line
/// break, so the parser's line numbers are the file's. Changes:
///  - control characters other than tab, CR and LF become a space;
///  - bytes that are not UTF-8 (and U+FFFE, U+FFFF) become U+FFFD;
///  - outside CDATA sections and comments, an '&' that does not start a
///    reference XML knows without a DTD (&amp; &lt; &gt; &quot; &apos;,
///    &#N; &#xN;) becomes "&amp;", so "&nbsp;" or "?a=1&b=2" survive as
///    text; a numeric reference to a character XML forbids becomes a space.
/// A sequence split across chunks is held back until the next chunk.
class XmlCleaner {
 public:
  /// Appends the cleaned form of `chunk` to `out`. With `final`, nothing is
  /// held back (an unfinished sequence at the very end is cleaned as is).
  void feed(std::string_view chunk, bool final, std::string& out);

  /// Number of changes made so far (for reports and tests).
  uint64_t changes() const { return changes_; }

 private:
  enum class State { Text, Cdata, Comment };
  State state_ = State::Text;
  std::string carry_;
  uint64_t changes_ = 0;
};

}  // namespace lore::wp
