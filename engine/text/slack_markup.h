// Slack's message markup ("mrkdwn" plus <...> entities) to plain text.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "text/extract.h"

namespace lore::text {

/// Looks up a display name for a Slack user, channel or user-group id;
/// returns empty when unknown.
using SlackNameLookup = std::function<std::string(std::string_view id)>;

/// Renders Slack markup to what a person reads: "<@U123>" -> "@Display Name"
/// (via `user_name`, else the id), "<#C123|general>" -> "#general",
/// "<https://x|label>" -> "label" (link noted), "<!here>" -> "@here",
/// "<!subteam^S1|@team>" -> "@team", "&amp;" "&lt;" "&gt;" decoded.
/// Mentioned people's resolved names go to Extracted::mentions; link targets
/// to Extracted::links; code spans and fences set has_code. Mrkdwn emphasis
/// (*bold*, _italic_) is left as typed: it reads naturally and is dropped
/// by the tokenizer anyway.
/// Example: "Ask <@U1> in <#C2|ops>: <https://x/y|the doc> &amp; more"
///   with U1 -> "Ana" gives text "Ask @Ana in #ops: the doc & more",
///   mentions {"Ana"}, links {"https://x/y"}, has_link.
Extracted slack_to_text(std::string_view markup, const SlackNameLookup& user_name = {},
                        const SlackNameLookup& channel_name = {});

}  // namespace lore::text
