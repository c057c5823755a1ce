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
Extracted slack_to_text(std::string_view markup, const SlackNameLookup& user_name = {},
                        const SlackNameLookup& channel_name = {});

}  // namespace lore::text
