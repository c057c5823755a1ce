#include "slack/slack_message.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <set>

#include "dates.h"
#include "text/features.h"
#include "text/slack_markup.h"

namespace lore::slack {

namespace {

using rapidjson::Value;

std::string str(const Value& obj, const char* key) {
  if (!obj.IsObject()) return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return {};
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  // Old exports write some numbers as numbers, newer ones as strings.
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return {};
}

const Value* member(const Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

const Value* array(const Value& obj, const char* key) {
  const Value* v = member(obj, key);
  return v && v->IsArray() ? v : nullptr;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

void fill_user(const Value& u, SlackUser& user) {
  user.id = str(u, "id");
  user.name = str(u, "name");
  user.real_name = str(u, "real_name");
  if (const Value* p = member(u, "profile")) {
    user.display_name = str(*p, "display_name");
    if (user.real_name.empty()) user.real_name = str(*p, "real_name");
  }
  if (const Value* b = member(u, "is_bot"); b && b->IsBool()) user.bot = b->GetBool();
}

// Events about the channel rather than conversation in it.
bool is_event_subtype(std::string_view s) {
  static const std::set<std::string_view> events = {
      "channel_join",      "channel_leave",   "group_join",      "group_leave",   "channel_archive",
      "channel_unarchive", "group_archive",   "group_unarchive", "bot_add",       "bot_remove",
      "pinned_item",       "unpinned_item",   "channel_purpose", "channel_topic", "channel_name",
      "group_purpose",     "group_topic",     "group_name"};
  return events.count(s) > 0;
}

// Collects the text of a message's parts and the features found on the way.
struct Parts {
  std::vector<std::string> texts;
  text::Extracted features;

  void add(text::Extracted&& e) {
    if (!e.text.empty()) texts.push_back(std::move(e.text));
    for (auto& l : e.links) features.links.push_back(std::move(l));
    for (auto& m : e.mentions) add_unique(features.mentions, m);
    features.has_link |= e.has_link;
    features.has_code |= e.has_code;
    features.has_image |= e.has_image;
  }
  void add_plain(std::string s) {
    if (!s.empty()) texts.push_back(std::move(s));
  }
  std::string joined() const {
    std::string out;
    for (const auto& t : texts) {
      if (!out.empty()) out += "\n\n";
      out += t;
    }
    return out;
  }
};

// Renders Block Kit: rich_text trees, section/header/context text, tables.
// Interactive parts (buttons, menus, accessories) carry no content.
class BlockRenderer {
 public:
  BlockRenderer(const text::SlackNameLookup& users, const text::SlackNameLookup& channels)
      : users_(users), channels_(channels) {}

  void block(const Value& b) {
    std::string type = str(b, "type");
    if (type == "rich_text") {
      elements(b);
    } else if (type == "section") {
      if (const Value* t = member(b, "text")) text_object(*t);
      if (const Value* f = array(b, "fields"))
        for (const auto& x : f->GetArray()) line(), text_object(x);
    } else if (type == "header") {
      if (const Value* t = member(b, "text")) text_object(*t);
    } else if (type == "context") {
      if (const Value* e = array(b, "elements"))
        for (const auto& x : e->GetArray()) {
          if (str(x, "type") == "image")
            out_.text += str(x, "alt_text");
          else
            text_object(x);
          out_.text += ' ';
        }
    } else if (type == "table") {
      if (const Value* rows = array(b, "rows"))
        for (const auto& row : rows->GetArray()) {
          line();
          if (!row.IsArray()) continue;
          bool first = true;
          for (const auto& cell : row.GetArray()) {
            if (!first) out_.text += " | ";
            first = false;
            if (str(cell, "type") == "rich_text")
              elements(cell);
            else
              text_object(cell);
            while (!out_.text.empty() && out_.text.back() == '\n') out_.text.pop_back();
          }
        }
    } else if (type == "image") {
      out_.text += str(b, "alt_text");
      out_.has_image = true;
    }
    line();
  }

  text::Extracted take() {
    while (!out_.text.empty() && (out_.text.back() == '\n' || out_.text.back() == ' ')) out_.text.pop_back();
    return std::move(out_);
  }

 private:
  void line() {
    if (!out_.text.empty() && out_.text.back() != '\n') out_.text += '\n';
  }

  void text_object(const Value& t) {
    std::string type = str(t, "type");
    std::string s = str(t, "text");
    if (type == "mrkdwn") {
      text::Extracted e = text::slack_to_text(s, users_, channels_);
      out_.text += e.text;
      for (auto& l : e.links) out_.links.push_back(std::move(l));
      for (auto& m : e.mentions) add_unique(out_.mentions, m);
      out_.has_link |= e.has_link;
      out_.has_code |= e.has_code;
    } else {
      out_.text += s;
    }
  }

  void elements(const Value& container) {
    const Value* e = array(container, "elements");
    if (!e) return;
    for (const auto& x : e->GetArray()) element(x);
  }

  void element(const Value& x) {
    std::string type = str(x, "type");
    if (type == "rich_text_section") {
      elements(x);
      line();
    } else if (type == "rich_text_preformatted") {
      out_.has_code = true;
      elements(x);
      line();
    } else if (type == "rich_text_quote") {
      elements(x);
      line();
    } else if (type == "rich_text_list") {
      if (const Value* items = array(x, "elements"))
        for (const auto& item : items->GetArray()) {
          out_.text += "- ";
          elements(item);
          line();
        }
    } else if (type == "text") {
      if (const Value* style = member(x, "style"); style && style->IsObject()) {
        if (const Value* code = member(*style, "code"); code && code->IsBool() && code->GetBool())
          out_.has_code = true;
      }
      out_.text += str(x, "text");
    } else if (type == "link") {
      std::string url = str(x, "url"), label = str(x, "text");
      if (!url.empty()) out_.links.push_back(url), out_.has_link = true;
      out_.text += label.empty() ? url : label;
    } else if (type == "user") {
      std::string id = str(x, "user_id");
      std::string name = users_ ? users_(id) : std::string();
      if (name.empty()) name = id;
      out_.text += "@" + name;
      add_unique(out_.mentions, name);
    } else if (type == "channel") {
      std::string id = str(x, "channel_id");
      std::string name = channels_ ? channels_(id) : std::string();
      out_.text += "#" + (name.empty() ? id : name);
    } else if (type == "usergroup") {
      out_.text += "@" + str(x, "usergroup_id");
    } else if (type == "broadcast") {
      out_.text += "@" + str(x, "range");
    } else if (type == "emoji") {
      out_.text += ":" + str(x, "name") + ":";
    } else if (type == "date") {
      out_.text += str(x, "fallback");
    }
  }

  const text::SlackNameLookup& users_;
  const text::SlackNameLookup& channels_;
  text::Extracted out_;
};

// "https://acme.slack.com/archives/C1/p1355517523000005" (Slack's permalink form).
std::string permalink(const std::string& workspace, const SlackConversation& conv, const std::string& ts,
                      const std::string& thread_ts) {
  if (workspace.empty() || !conv.id_known) return {};
  std::string base = workspace;
  if (base.find("://") == std::string::npos) base = "https://" + base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string digits;
  for (char c : ts)
    if (c != '.') digits += c;
  std::string url = base + "/archives/" + conv.id + "/p" + digits;
  if (!thread_ts.empty() && thread_ts != ts) url += "?thread_ts=" + thread_ts + "&cid=" + conv.id;
  return url;
}

}  // namespace

const std::string& SlackUser::shown() const {
  if (!display_name.empty()) return display_name;
  if (!real_name.empty()) return real_name;
  if (!name.empty()) return name;
  return id;
}

void SlackDirectory::add_users(const Value& users) {
  auto add = [this](const Value& u) {
    SlackUser user;
    fill_user(u, user);
    if (!user.id.empty()) users_[user.id] = std::move(user);
  };
  if (users.IsArray()) {
    for (const auto& u : users.GetArray()) add(u);
  } else if (users.IsObject()) {
    // users.info answers {"ok":true,"user":{...}}; dumps often keep just the user.
    if (const Value* u = member(users, "user"); u && u->IsObject())
      add(*u);
    else
      add(users);
  }
}

void SlackDirectory::add_conversations(const Value& list, SlackConversation::Kind kind) {
  if (!list.IsArray()) return;
  for (const auto& c : list.GetArray()) {
    SlackConversation conv;
    conv.kind = kind;
    conv.id = str(c, "id");
    conv.name = str(c, "name");
    if (conv.id.empty() && conv.name.empty()) continue;
    conv.id_known = !conv.id.empty();
    if (conv.id.empty()) conv.id = conv.name;
    if (const Value* m = array(c, "members"))
      for (const auto& u : m->GetArray())
        if (u.IsString()) add_unique(conv.members, u.GetString());
    // A channel listed in channels.json with is_private (some tools write one
    // file for all) is private all the same.
    if (kind == SlackConversation::Kind::Public) {
      if (const Value* p = member(c, "is_private"); p && p->IsBool() && p->GetBool())
        conv.kind = SlackConversation::Kind::Private;
    }
    size_t index = conversations_.size();
    by_key_[conv.id] = index;
    if (!conv.name.empty()) by_key_[conv.name] = index;
    conversations_.push_back(std::move(conv));
  }
}

void SlackDirectory::name_channel(const std::string& id, const std::string& name) {
  auto it = by_key_.find(id);
  if (it == by_key_.end()) {
    SlackConversation conv;
    conv.id = id;
    conv.id_known = true;
    by_key_[id] = conversations_.size();
    conversations_.push_back(std::move(conv));
    it = by_key_.find(id);
  }
  conversations_[it->second].name = name;
  if (!name.empty()) by_key_[name] = it->second;
}

void SlackDirectory::finish() {
  for (auto& c : conversations_) {
    if (c.kind == SlackConversation::Kind::Direct || c.kind == SlackConversation::Kind::Group) {
      // "dm:ana,bo" / "mpdm:ana,bo,cy": the members' handles, sorted, so the
      // space reads as who talked and stays the same across exports.
      std::vector<std::string> handles;
      for (const auto& m : c.members) {
        const SlackUser* u = user(m);
        add_unique(handles, u && !u->name.empty() ? u->name : m);
      }
      std::sort(handles.begin(), handles.end());
      std::string space = c.kind == SlackConversation::Kind::Direct ? "dm:" : "mpdm:";
      for (size_t i = 0; i < handles.size(); ++i) space += (i ? "," : "") + handles[i];
      if (handles.empty()) space += c.name.empty() ? c.id : c.name;
      c.space = space;
    } else {
      c.space = c.name.empty() ? c.id : c.name;
    }
  }
}

const SlackUser* SlackDirectory::user(std::string_view id) const {
  auto it = users_.find(std::string(id));
  return it == users_.end() ? nullptr : &it->second;
}

SlackConversation SlackDirectory::conversation(const std::string& folder) const {
  auto it = by_key_.find(folder);
  if (it != by_key_.end()) return conversations_[it->second];
  SlackConversation conv;
  conv.id = folder;
  conv.name = folder;
  conv.space = folder;
  return conv;
}

std::string SlackDirectory::channel_name(std::string_view id) const {
  auto it = by_key_.find(std::string(id));
  if (it == by_key_.end()) return {};
  const auto& c = conversations_[it->second];
  return c.name.empty() ? c.space : c.name;
}

Outcome convert_message(const Value& m, const SlackConversation& conv, const SlackDirectory& dir,
                        const ReaderOptions& options, Record& r, std::string& why) {
  if (!m.IsObject()) {
    why = "message is not a JSON object";
    return Outcome::Reject;
  }
  const std::string ts = str(m, "ts");
  if (ts.empty()) {
    why = "message has no ts";
    return Outcome::Reject;
  }
  auto date = parse_epoch_seconds(ts);
  if (!date) {
    why = "ts '" + ts + "' is not a Slack timestamp";
    return Outcome::Reject;
  }
  const std::string subtype = str(m, "subtype");
  if (is_event_subtype(subtype)) {
    why = subtype;
    return Outcome::Skip;
  }

  const std::string prefix = "slack:" + conv.id + "/";
  r.id = prefix + ts;
  r.source = "slack";
  r.space = conv.space;
  add_unique(r.space_aliases, conv.id);
  if (!conv.name.empty()) {
    if (conv.kind == SlackConversation::Kind::Public || conv.kind == SlackConversation::Kind::Private)
      add_unique(r.space_aliases, "#" + conv.name);
    else
      add_unique(r.space_aliases, conv.name);
  }
  if (conv.kind != SlackConversation::Kind::Public)
    for (const auto& u : conv.members) add_unique(r.principals, "slack:" + u);
  r.date = *date;
  const std::string thread_ts = str(m, "thread_ts");
  if (!thread_ts.empty() && thread_ts != ts) {
    r.kind = "reply";
    r.thread = prefix + thread_ts;
    r.parent = r.thread;
  } else {
    r.kind = "message";
    // A root others answered says so: the writer need not mark it later.
    const Value* count = member(m, "reply_count");
    const Value* replies = array(m, "replies");
    r.answered = (count && count->IsInt64() && count->GetInt64() > 0) || (replies && !replies->Empty());
  }
  r.url = permalink(options.slack_workspace_url, conv, ts, thread_ts);

  // A deleted root that still has replies: the thread needs it, its words are gone.
  if (subtype == "tombstone") return Outcome::Record;

  // Who wrote it. A legacy file_comment carries its author in the comment.
  std::string user_id = str(m, "user");
  const Value* comment = member(m, "comment");
  if (user_id.empty() && comment) user_id = str(*comment, "user");
  const SlackUser* user = dir.user(user_id);
  const Value* profile = member(m, "user_profile");
  const std::string bot_id = str(m, "bot_id");
  r.bot = subtype == "bot_message" || !bot_id.empty() || (user && user->bot);

  text::SlackNameLookup user_name = [&](std::string_view id) -> std::string {
    if (const SlackUser* u = dir.user(id)) return u->shown();
    if (profile && id == user_id) {
      for (const char* key : {"display_name", "real_name", "name"}) {
        std::string s = str(*profile, key);
        if (!s.empty()) return s;
      }
    }
    return {};
  };
  text::SlackNameLookup channel_name = [&](std::string_view id) { return dir.channel_name(id); };

  if (r.bot) {
    std::string name = str(m, "username");
    if (const Value* bp = member(m, "bot_profile"); name.empty() && bp) name = str(*bp, "name");
    if (const Value* a = array(m, "attachments"); name.empty() && a)
      for (const auto& x : a->GetArray())
        if (name.empty()) name = str(x, "author_name");
    if (name.empty() && !user_id.empty()) name = user_name(user_id);
    r.author = name.empty() ? (bot_id.empty() ? user_id : bot_id) : name;
    r.author_id = user_id.empty() ? bot_id : user_id;
    add_unique(r.author_aliases, str(m, "username"));
    if (user) {
      add_unique(r.author_aliases, user->real_name);
      add_unique(r.author_aliases, user->name);
      add_unique(r.author_aliases, user->display_name);
    }
    add_unique(r.author_aliases, bot_id);
    add_unique(r.author_aliases, user_id);
  } else if (!user_id.empty()) {
    r.author = user_name(user_id);
    if (r.author.empty()) r.author = user_id;
    r.author_id = user_id;
    if (user) {
      add_unique(r.author_aliases, user->real_name);
      add_unique(r.author_aliases, user->name);
      add_unique(r.author_aliases, user->display_name);
    } else if (profile) {
      for (const char* key : {"real_name", "name", "display_name"}) add_unique(r.author_aliases, str(*profile, key));
    }
    add_unique(r.author_aliases, user_id);
  }
  r.author_aliases.erase(std::remove(r.author_aliases.begin(), r.author_aliases.end(), r.author),
                         r.author_aliases.end());

  Parts parts;
  const std::string markup = str(m, "text");
  if (!markup.empty()) {
    parts.add(text::slack_to_text(markup, user_name, channel_name));
  } else if (const Value* blocks = array(m, "blocks")) {
    BlockRenderer render(user_name, channel_name);
    for (const auto& b : blocks->GetArray()) render.block(b);
    parts.add(render.take());
  }
  // Legacy file shares keep the uploader's first comment apart from the text.
  if (const Value* ic = member(m, "initial_comment"))
    parts.add(text::slack_to_text(str(*ic, "comment"), user_name, channel_name));

  const Value* attachments = array(m, "attachments");
  if (attachments) {
    for (const auto& a : attachments->GetArray()) {
      size_t before = parts.texts.size();
      for (const char* key : {"pretext", "title", "text"})
        parts.add(text::slack_to_text(str(a, key), user_name, channel_name));
      if (const Value* fields = array(a, "fields"))
        for (const auto& f : fields->GetArray()) {
          std::string line = str(f, "title");
          std::string value = str(f, "value");
          if (!line.empty() && !value.empty()) line += ": ";
          line += value;
          parts.add(text::slack_to_text(line, user_name, channel_name));
        }
      // fallback is the plain summary of the rest: only worth having alone.
      if (parts.texts.size() == before) parts.add(text::slack_to_text(str(a, "fallback"), user_name, channel_name));
      for (const char* key : {"title_link", "from_url", "original_url"}) {
        std::string link = str(a, key);
        if (!link.empty()) {
          parts.features.links.push_back(link);
          parts.features.has_link = true;
          break;
        }
      }
    }
  }

  bool has_files = false;
  auto add_file = [&](const Value& f) {
    if (!f.IsObject()) return;
    has_files = true;
    std::string name = str(f, "name"), title = str(f, "title");
    parts.add_plain(title.empty() || title == name ? name : (name.empty() ? title : title + " (" + name + ")"));
    if (str(f, "mimetype").rfind("image/", 0) == 0) parts.features.has_image = true;
  };
  if (const Value* files = array(m, "files"))
    for (const auto& f : files->GetArray()) add_file(f);
  if (const Value* f = member(m, "file")) add_file(*f);

  r.text = parts.joined();
  if (r.text.empty() && !has_files && !(attachments && !attachments->Empty())) {
    why = "empty";
    return Outcome::Skip;
  }
  text::apply_features(parts.features, r);
  if (has_files) add_unique(r.has, "file");
  if (const Value* reactions = array(m, "reactions"); reactions && !reactions->Empty()) add_unique(r.has, "reaction");
  if (const Value* edited = member(m, "edited"); edited && edited->IsObject()) {
    r.edited = true;
    if (auto when = parse_epoch_seconds(str(*edited, "ts"))) r.updated = *when;
  }
  return Outcome::Record;
}

std::optional<std::string> parse_json(rapidjson::Document& doc, const std::string& content, Position& where) {
  doc.Parse(content.data(), content.size());
  if (!doc.HasParseError()) return std::nullopt;
  auto [line, column] = line_column(content, doc.GetErrorOffset());
  where.line = line;
  where.column = column;
  return std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError());
}

void emit_messages(const Value& messages, const std::string& file, const SlackConversation& conv,
                   const SlackDirectory& dir, const ReaderOptions& options, RecordSink& sink,
                   bool (*keep)(const Value&)) {
  size_t n = 0;
  for (const auto& m : messages.GetArray()) {
    ++n;
    if (keep && !keep(m)) continue;
    Record r;
    std::string why;
    switch (convert_message(m, conv, dir, options, r, why)) {
      case Outcome::Record:
        if (r.text.size() > options.limits.max_record_bytes) {
          sink.reject(Position{file, 0, 0, "message " + std::to_string(n)},
                      "text of " + std::to_string(r.text.size()) + " bytes is larger than the cap of " +
                          std::to_string(options.limits.max_record_bytes));
          break;
        }
        sink.record(std::move(r));
        break;
      case Outcome::Skip:
        sink.skip(why);
        break;
      case Outcome::Reject:
        sink.reject(Position{file, 0, 0, "message " + std::to_string(n)}, why);
        break;
    }
  }
}

}  // namespace lore::slack
