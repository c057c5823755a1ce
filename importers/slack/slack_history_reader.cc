// A history dump made with Slack's Web API rather than Slack's exporter:
//
//   channels.json              ["C01SM0JR1J7", ...]   (ids only)
//   names.json                 {"C01SM0JR1J7": "nix", ...}
//   messages/<id>/<page>.json  conversations.history pages {"messages": [...]}
//   threads/<id>/<ts>.json     conversations.replies: the root, then its replies
//   users/<id>.json            one users.info object each
//
// The message objects are the ones a standard export holds, so they go
// through the same conversion. A thread file repeats its root and any reply
// that was also sent to the channel; both are already in the channel's
// history pages, so from a thread file only the other replies are taken.
// That keeps the reader free of a table of every message seen.
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>

#include "errors.h"
#include "slack/slack_message.h"
#include "tree.h"

namespace fs = std::filesystem;

namespace lore {

namespace {

using slack::SlackConversation;
using slack::SlackDirectory;

std::string str(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

// A reply that only the thread file holds (see the comment at the top).
bool thread_only(const rapidjson::Value& m) {
  if (!m.IsObject()) return true;  // let the conversion reject it
  std::string ts = str(m, "ts"), thread_ts = str(m, "thread_ts");
  if (!ts.empty() && (thread_ts.empty() || ts == thread_ts)) return false;
  return str(m, "subtype") != "thread_broadcast";
}

// "<root>messages/<id>/<file>.json" -> "<id>"; empty when `name` is not one.
std::string channel_of(std::string_view name, std::string_view root, std::string_view folder) {
  if (name.substr(0, root.size()) != root) return {};
  name.remove_prefix(root.size());
  if (name.substr(0, folder.size()) != folder) return {};
  name.remove_prefix(folder.size());
  size_t slash = name.find('/');
  if (slash == std::string_view::npos || slash == 0 || name.find('/', slash + 1) != std::string_view::npos ||
      name.size() < 5 || name.substr(name.size() - 5) != ".json")
    return {};
  return std::string(name.substr(0, slash));
}

const char* kExpected =
    "expected a Slack history dump: a folder holding channels.json (a list of channel ids), names.json, "
    "messages/<channel>/*.json and threads/<channel>/<ts>.json";

class SlackHistoryReader : public Reader {
 public:
  std::string_view format() const override { return "slack-history"; }
  std::string_view description() const override {
    return "Slack Web API history dump (channels.json ids, names.json, messages/<id>/, threads/<id>/, users/)";
  }

  int sniff(const fs::path& path) const override {
    std::error_code ec;
    if (!fs::is_directory(path, ec) || !fs::is_directory(path / "messages", ec)) return 0;
    if (fs::is_regular_file(path / "names.json", ec)) return 95;
    std::ifstream in(path / "channels.json", std::ios::binary);
    char buf[64] = {};
    in.read(buf, sizeof buf);
    std::string head;
    for (std::streamsize i = 0; i < in.gcount(); ++i)
      if (!std::isspace(static_cast<unsigned char>(buf[i]))) head += buf[i];
    return head.rfind("[\"", 0) == 0 ? 90 : 0;
  }

  void read(const fs::path& path, const ReaderOptions& options, RecordSink& sink) override {
    auto tree = Tree::open(path, options.limits);
    if (!tree) throw Error(Error::Code::Input, path.string() + ": " + kExpected);
    const auto names = tree->names();
    for (const auto& [name, reason] : tree->refused()) sink.reject(slack::at_file(tree->display(name)), reason);
    // The root is where names.json or channels.json lies (a zip may wrap it in a folder).
    std::optional<std::string> found;
    for (const auto& n : names) {
      size_t slash = n.rfind('/');
      std::string base = slash == std::string::npos ? n : n.substr(slash + 1);
      if (base != "names.json" && base != "channels.json") continue;
      std::string dir = n.substr(0, n.size() - base.size());
      if (!found || dir.size() < found->size()) found = dir;
    }
    bool has_messages = false;
    if (found)
      for (const auto& n : names) has_messages |= !channel_of(n, *found, "messages/").empty();
    if (!found || !has_messages) throw Error(Error::Code::Input, path.string() + ": " + kExpected);
    const std::string root = *found;

    auto too_large = [&](const std::string& name, uint64_t size) {
      sink.reject(slack::at_file(tree->display(name)), "entry of " + std::to_string(size) +
                                                     " bytes is larger than the cap of " +
                                                     std::to_string(options.limits.max_entry_bytes));
    };

    SlackDirectory dir;
    tree->each(
        [&](std::string_view name) {
          if (name == root + "names.json") return true;
          std::string_view rest = name.substr(std::min(root.size(), name.size()));
          return name.substr(0, root.size()) == root && rest.rfind("users/", 0) == 0 &&
                 rest.find('/', 6) == std::string_view::npos && rest.size() > 11 &&
                 rest.substr(rest.size() - 5) == ".json";
        },
        [&](const std::string& name, std::string&& content) {
          Position where = slack::at_file(tree->display(name));
          rapidjson::Document doc;
          if (auto err = slack::parse_json(doc, content, where)) return sink.reject(where, *err);
          if (name == root + "names.json") {
            if (!doc.IsObject()) return sink.reject(where, "expected an object of channel id to name");
            for (const auto& [id, value] : doc.GetObject())
              if (value.IsString()) dir.name_channel(id.GetString(), value.GetString());
          } else {
            dir.add_users(doc);
          }
        },
        too_large);
    dir.finish();

    tree->each(
        [&](std::string_view name) {
          return !channel_of(name, root, "messages/").empty() || !channel_of(name, root, "threads/").empty();
        },
        [&](const std::string& name, std::string&& content) {
          bool thread_file = name.substr(root.size()).rfind("threads/", 0) == 0;
          std::string id = channel_of(name, root, thread_file ? "threads/" : "messages/");
          SlackConversation conv = dir.conversation(id);
          conv.id_known = true;  // folders here are named by channel id
          Position where = slack::at_file(tree->display(name));
          rapidjson::Document doc;
          if (auto err = slack::parse_json(doc, content, where)) return sink.reject(where, *err);
          const rapidjson::Value* messages = &doc;
          if (doc.IsObject()) {
            auto it = doc.FindMember("messages");
            messages = it == doc.MemberEnd() ? nullptr : &it->value;
          }
          if (!messages || !messages->IsArray())
            return sink.reject(where, thread_file ? "expected a JSON array of messages"
                                                  : "expected {\"messages\": [...]}");
          slack::emit_messages(*messages, where.file, conv, dir, options, sink, thread_file ? thread_only : nullptr);
        },
        too_large);
  }
};

}  // namespace

void register_slack_history_readers(std::vector<std::unique_ptr<Reader>>& out) {
  out.push_back(std::make_unique<SlackHistoryReader>());
}

}  // namespace lore
