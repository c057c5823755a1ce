// Placeholder: filled by the Slack importer work.
#include "text/slack_markup.h"

namespace lore::text {

Extracted slack_to_text(std::string_view markup, const SlackNameLookup&, const SlackNameLookup&) {
  Extracted out;
  out.text = std::string(markup);
  return out;
}

}  // namespace lore::text
