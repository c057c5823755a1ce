// What text extraction yields, whatever the markup it started from.
#pragma once

#include <string>
#include <vector>

namespace lore::text {

/// Plain text rendered from markup, with the features has: and mentions:
/// need noted on the way.
struct Extracted {
  std::string text;                   ///< what a person reads; paragraphs separated by "\n\n"
  std::vector<std::string> links;     ///< link targets, in order of appearance
  std::vector<std::string> mentions;  ///< "@login" mentions, without the "@"
  bool has_link = false;
  bool has_image = false;
  bool has_code = false;
};

}  // namespace lore::text
