// What both Slack layouts share: the people and conversations an export
// describes, and the turning of one Slack message object into a Record.
//
//   users.json / users/<id>.json  -> SlackDirectory::users
//   channels/groups/dms/mpims.json -> SlackConversation (space, principals)
//   {"type":"message","user":"U1","text":"hi <@U2>","ts":"1355517523.000005"}
//     in conversation C1 -> Record{id "slack:C1/1355517523.000005",
//                                  kind "message", text "hi @Bo", ...}
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reader.h"
#include "record.h"

namespace lore::slack {

/// One person (or bot user) as users.json describes them.
struct SlackUser {
  std::string id;
  std::string name;          ///< the handle ("ana")
  std::string real_name;     ///< "Ana Lima"
  std::string display_name;  ///< what Slack shows; may be empty
  bool bot = false;

  /// The name Lore shows: display name, else real name, else handle, else id.
  const std::string& shown() const;
};

/// One conversation: a public or private channel, a DM or a group DM.
struct SlackConversation {
  enum class Kind { Public, Private, Direct, Group };
  Kind kind = Kind::Public;
  std::string id;       ///< "C024BE91L"; the folder name when the export has none
  std::string name;     ///< channel name, or Slack's "mpdm-a--b-1"; empty for a DM
  std::string space;    ///< what Record::space gets
  std::vector<std::string> members;
  bool id_known = false;  ///< false when `id` is only the folder name
};

/// The people and conversations of one export.
class SlackDirectory {
 public:
  /// Adds the users of a users.json-like array (or one user object).
  void add_users(const rapidjson::Value& users);
  /// Adds the conversations of channels.json (Public), groups.json (Private),
  /// dms.json (Direct) or mpims.json (Group).
  void add_conversations(const rapidjson::Value& list, SlackConversation::Kind kind);
  /// Gives a channel a name (names.json of the history dump).
  void name_channel(const std::string& id, const std::string& name);
  /// Fills each conversation's space once all users are known.
  void finish();

  const SlackUser* user(std::string_view id) const;
  /// The conversation stored in folder `folder` (its name, or its id for DMs),
  /// or a public channel named after the folder when the metadata lacks it.
  SlackConversation conversation(const std::string& folder) const;
  /// A channel's name by id; empty when unknown.
  std::string channel_name(std::string_view id) const;

 private:
  std::unordered_map<std::string, SlackUser> users_;
  std::vector<SlackConversation> conversations_;
  std::unordered_map<std::string, size_t> by_key_;  // id and name -> index
};

/// What became of one message.
enum class Outcome { Record, Skip, Reject };

/// Turns message `m` of `conv` into `out`. On Skip, `why` is the category
/// (the subtype, or "empty"); on Reject, the reason.
Outcome convert_message(const rapidjson::Value& m, const SlackConversation& conv, const SlackDirectory& dir,
                        const ReaderOptions& options, Record& out, std::string& why);

/// A position naming only a file.
inline Position at_file(std::string file) {
  Position p;
  p.file = std::move(file);
  return p;
}

/// Parses `content` as JSON into `doc`; on failure fills `where` (line and
/// column) and returns the reason.
std::optional<std::string> parse_json(rapidjson::Document& doc, const std::string& content, Position& where);

/// Feeds every message of the array `messages` (from `file`) to `sink`.
void emit_messages(const rapidjson::Value& messages, const std::string& file, const SlackConversation& conv,
                   const SlackDirectory& dir, const ReaderOptions& options, RecordSink& sink,
                   bool (*keep)(const rapidjson::Value&) = nullptr);

}  // namespace lore::slack
