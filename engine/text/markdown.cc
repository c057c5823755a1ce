// Placeholder: filled by the text-extraction work.
#include "text/markdown.h"

namespace lore::text {

Extracted markdown_to_text(std::string_view in) {
  Extracted out;
  out.text = std::string(in);
  return out;
}

}  // namespace lore::text
