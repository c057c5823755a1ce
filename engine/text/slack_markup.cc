#include "text/slack_markup.h"

#include <algorithm>
#include <cctype>

#include "text/features.h"

namespace lore::text {

namespace {

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// Slack escapes only these three in message text; &quot; and &#39; show up in
// text that went through other tools (bridges, importers), so they are decoded too.
void append_decoded(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static constexpr std::pair<std::string_view, char> entities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
      bool done = false;
      for (const auto& [name, ch] : entities) {
        if (s.substr(i, name.size()) == name) {
          out += ch;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += s[i];
  }
}

std::string decoded(std::string_view s) {
  std::string out;
  append_decoded(out, s);
  return out;
}

// A link target is anything with a URI scheme ("https:", "mailto:", "tel:");
// Slack wraps every link it recognised in <...>.
bool looks_like_uri(std::string_view target) {
  size_t colon = target.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = target[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) return false;
  }
  return true;
}

// Renders the inside of one "<...>" entity.
void render_entity(std::string_view inner, const SlackNameLookup& user_name, const SlackNameLookup& channel_name,
                   Extracted& out) {
  std::string_view target = inner, label;
  bool has_label = false;
  if (size_t bar = inner.find('|'); bar != std::string_view::npos) {
    target = inner.substr(0, bar);
    label = inner.substr(bar + 1);
    has_label = true;
  }
  std::string& t = out.text;
  if (!target.empty() && target.front() == '@') {
    std::string id(target.substr(1));
    std::string name = user_name ? user_name(id) : std::string();
    if (name.empty() && has_label && !label.empty()) name = decoded(label.front() == '@' ? label.substr(1) : label);
    if (name.empty()) name = id;
    t += '@';
    t += name;
    add_unique(out.mentions, name);
    return;
  }
  if (!target.empty() && target.front() == '#') {
    std::string id(target.substr(1));
    std::string name = has_label && !label.empty() ? decoded(label) : std::string();
    if (name.empty() && channel_name) name = channel_name(id);
    if (name.empty()) name = id;
    t += '#';
    t += name;
    return;
  }
  if (!target.empty() && target.front() == '!') {
    std::string_view special = target.substr(1);
    if (has_label && !label.empty()) {
      // "<!subteam^S1|@team>", "<!date^1392734382^{date}|Feb 18>", "<!here|here>"
      if (special == "here" || special == "channel" || special == "everyone") {
        t += '@';
        t += special;
      } else {
        append_decoded(t, label);
      }
      return;
    }
    if (special.rfind("subteam^", 0) == 0) {
      t += '@';
      t += special.substr(8);
      return;
    }
    if (size_t caret = special.find('^'); caret != std::string_view::npos) special = special.substr(0, caret);
    t += '@';
    t += special;
    return;
  }
  if (looks_like_uri(target)) {
    out.links.push_back(decoded(target));
    out.has_link = true;
    if (has_label && !label.empty())
      append_decoded(t, label);
    else
      append_decoded(t, target.rfind("mailto:", 0) == 0 ? target.substr(7) : target);
    return;
  }
  // Not an entity Slack writes: keep what the author typed.
  t += '<';
  append_decoded(t, inner);
  t += '>';
}

}  // namespace

Extracted slack_to_text(std::string_view markup, const SlackNameLookup& user_name,
                        const SlackNameLookup& channel_name) {
  Extracted out;
  out.text.reserve(markup.size());
  size_t plain_from = 0;
  for (size_t i = 0; i < markup.size(); ++i) {
    if (markup[i] != '<') continue;
    // An entity never spans lines; a lone '<' is only possible in text that
    // was not escaped by Slack, and is kept as it is.
    size_t close = markup.find_first_of(">\n<", i + 1);
    if (close == std::string_view::npos || markup[close] != '>') continue;
    append_decoded(out.text, markup.substr(plain_from, i - plain_from));
    render_entity(markup.substr(i + 1, close - i - 1), user_name, channel_name, out);
    i = close;
    plain_from = close + 1;
  }
  append_decoded(out.text, markup.substr(std::min(plain_from, markup.size())));
  if (has_code(out.text)) out.has_code = true;
  if (!out.has_link && has_link(out.text)) out.has_link = true;
  return out;
}

}  // namespace lore::text
