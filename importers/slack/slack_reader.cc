// Slack's standard workspace export, as a .zip or an unpacked folder:
//
//   users.json org_users.json channels.json groups.json dms.json mpims.json
//   general/2021-03-04.json      one folder a conversation, one file a day
//
// Read in two passes over lore::Tree so that a zip is never unpacked and
// memory holds the metadata plus one day file at a time: first the metadata
// (who is who, which conversations are private and who is in them), then the
// day files. Some tools wrap the export in one top folder; the export's root
// is wherever its metadata files are.
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

void register_slack_history_readers(std::vector<std::unique_ptr<Reader>>& out);

namespace {

using slack::SlackConversation;
using slack::SlackDirectory;

constexpr std::string_view kMetadata[] = {"users.json", "org_users.json", "channels.json",
                                          "groups.json", "dms.json",       "mpims.json"};

bool is_metadata(std::string_view base) {
  for (auto m : kMetadata)
    if (base == m) return true;
  return false;
}

std::string_view base_name(std::string_view name) {
  size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// "2021-03-04.json"
bool is_day_file(std::string_view base) {
  if (base.size() != 15 || base.substr(10) != ".json") return false;
  for (size_t i = 0; i < 10; ++i) {
    bool dash = i == 4 || i == 7;
    if (dash ? base[i] != '-' : !std::isdigit(static_cast<unsigned char>(base[i]))) return false;
  }
  return true;
}

// The folder (with trailing '/', or empty) holding the export's metadata:
// the shallowest one that holds a metadata file; nullopt when none does.
std::optional<std::string> export_root(const std::vector<std::string>& names) {
  std::optional<std::string> best;
  for (const auto& n : names) {
    if (!is_metadata(base_name(n))) continue;
    std::string dir = n.substr(0, n.size() - base_name(n).size());
    if (!best || std::count(dir.begin(), dir.end(), '/') < std::count(best->begin(), best->end(), '/'))
      best = dir;
  }
  return best;
}

// The first non-space bytes of a file, to tell a list of channel objects
// ('[' '{') from the history dump's list of ids ('[' '"').
std::string peek(const fs::path& p, size_t n = 64) {
  std::ifstream in(p, std::ios::binary);
  char buf[512];
  in.read(buf, sizeof buf);
  std::string out;
  for (std::streamsize i = 0; i < in.gcount() && out.size() < n; ++i)
    if (!std::isspace(static_cast<unsigned char>(buf[i]))) out += buf[i];
  return out;
}

// A metadata file of the standard export: an array of objects, or empty.
bool metadata_shape(const std::string& head) {
  return head.empty() || head.rfind("[{", 0) == 0 || head.rfind("[]", 0) == 0;
}

const char* kExpected =
    "expected a Slack export: a folder or .zip holding users.json and/or channels.json "
    "and one folder of YYYY-MM-DD.json day files per conversation";

class SlackReader : public Reader {
 public:
  std::string_view format() const override { return "slack"; }
  std::string_view description() const override {
    return "Slack workspace export (.zip or folder with users.json, channels.json, channel/YYYY-MM-DD.json)";
  }

  int sniff(const fs::path& path) const override {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      int score = 0;
      for (auto m : kMetadata) {
        fs::path p = path / std::string(m);
        if (!fs::is_regular_file(p, ec)) continue;
        if (!metadata_shape(peek(p))) return 0;  // e.g. the history dump's channels.json
        score = m == "channels.json" || m == "users.json" ? 90 : std::max(score, 60);
      }
      return score;
    }
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (!(magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)) return 0;
    try {
      auto tree = Tree::open(path, ReaderOptions{}.limits);
      if (!tree) return 0;
      auto names = tree->names();
      auto root = export_root(names);
      if (!root) return 0;
      for (const auto& n : names)
        if (n == *root + "names.json" || n.rfind(*root + "messages/", 0) == 0) return 0;  // the history dump
      return 90;
    } catch (const Error&) {
      return 0;
    }
  }

  void read(const fs::path& path, const ReaderOptions& options, RecordSink& sink) override {
    auto tree = Tree::open(path, options.limits);
    if (!tree) throw Error(Error::Code::Input, path.string() + ": " + kExpected);
    const auto names = tree->names();
    for (const auto& [name, reason] : tree->refused()) sink.reject(slack::at_file(tree->display(name)), reason);
    auto found = export_root(names);
    if (!found) throw Error(Error::Code::Input, path.string() + ": no users.json or channels.json; " + kExpected);
    const std::string root = *found;

    auto too_large = [&](const std::string& name, uint64_t size) {
      sink.reject(slack::at_file(tree->display(name)), "entry of " + std::to_string(size) +
                                                     " bytes is larger than the cap of " +
                                                     std::to_string(options.limits.max_entry_bytes));
    };

    // The users and conversations, read before any message (an export
    // lists them first: the pass ends there).
    std::vector<std::string> metadata;
    for (const auto& name : names)
      if (name.size() > root.size() && name.compare(0, root.size(), root) == 0 &&
          name.find('/', root.size()) == std::string::npos && is_metadata(base_name(name)))
        metadata.push_back(name);
    SlackDirectory dir;
    tree->each_named(
        metadata,
        [&](const std::string& name, std::string&& content) {
          if (content.find_first_not_of(" \t\r\n") == std::string::npos) return;  // empty file: nothing listed
          Position where = slack::at_file(tree->display(name));
          rapidjson::Document doc;
          if (auto err = slack::parse_json(doc, content, where)) return sink.reject(where, *err);
          if (!doc.IsArray()) return sink.reject(where, "expected a JSON array");
          std::string_view base = base_name(name);
          if (base == "users.json" || base == "org_users.json")
            dir.add_users(doc);
          else if (base == "channels.json")
            dir.add_conversations(doc, SlackConversation::Kind::Public);
          else if (base == "groups.json")
            dir.add_conversations(doc, SlackConversation::Kind::Private);
          else if (base == "dms.json")
            dir.add_conversations(doc, SlackConversation::Kind::Direct);
          else if (base == "mpims.json")
            dir.add_conversations(doc, SlackConversation::Kind::Group);
        },
        too_large);
    dir.finish();

    tree->each(
        [&](std::string_view name) {
          if (name.size() <= root.size() || name.substr(0, root.size()) != root) return false;
          std::string_view rest = name.substr(root.size());
          size_t slash = rest.find('/');
          return slash != std::string_view::npos && slash > 0 && rest.find('/', slash + 1) == std::string_view::npos &&
                 is_day_file(rest.substr(slash + 1));
        },
        [&](const std::string& name, std::string&& content) {
          std::string rest = name.substr(root.size());
          SlackConversation conv = dir.conversation(rest.substr(0, rest.find('/')));
          Position where = slack::at_file(tree->display(name));
          rapidjson::Document doc;
          if (auto err = slack::parse_json(doc, content, where)) return sink.reject(where, *err);
          if (!doc.IsArray()) return sink.reject(where, "expected a JSON array of messages");
          slack::emit_messages(doc, where.file, conv, dir, options, sink);
        },
        too_large);
  }
};

}  // namespace

void register_slack_readers(std::vector<std::unique_ptr<Reader>>& out) {
  out.push_back(std::make_unique<SlackReader>());
  register_slack_history_readers(out);
}

}  // namespace lore
