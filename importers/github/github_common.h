// What the three GitHub readers share: JSON accessors, the parsing of the
// URLs GitHub records use to point at each other, the ids of SPEC section 2,
// and RestMapper, which turns REST-shaped objects (the REST API, the files of
// python-github-backup, the payloads of GH Archive events) into Records.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "reader.h"
#include "record.h"

namespace lore::github {

using Json = rapidjson::Value;

/// The member `key` of object `o`, or nullptr when absent or null.
const Json* get(const Json& o, const char* key);
/// The string member `key`, or "" when absent, null or not a string.
std::string_view get_str(const Json& o, const char* key);
/// An id member given as a number or a string, as decimal text; "" when absent.
std::string get_id(const Json& o, const char* key);
/// True when the member is the boolean true.
bool get_bool(const Json& o, const char* key);
/// The member parsed as an ISO 8601 date; 0 when absent or unparsable.
int64_t get_date(const Json& o, const char* key);

/// A repository as "owner" and "name".
struct Repo {
  std::string owner;
  std::string name;
  bool empty() const { return owner.empty() || name.empty(); }
  /// "owner/name".
  std::string full() const { return owner + "/" + name; }
  /// Lower-cased "owner/name", for maps (GitHub names ignore case).
  std::string key() const;
};

/// The repository a GitHub URL points into: "https://github.com/o/r/...",
/// "https://api.github.com/repos/o/r/...", an Enterprise host alike. Empty
/// when the URL names none.
Repo repo_from_url(std::string_view url);
/// The issue, pull request or discussion number in a URL
/// (".../issues/7", ".../pull/7", ".../pulls/7", ".../discussions/7"); "" if none.
std::string number_from_url(std::string_view url);
/// The trailing digits of a URL's fragment ("#issuecomment-12" -> "12",
/// "#discussion_r34" -> "34", "#r56" -> "56"); "" when there are none.
std::string fragment_id(std::string_view url);
/// The last path segment of a URL (without query or fragment), %-decoded.
std::string last_segment(std::string_view url);
/// %XX decoding of a URL piece.
std::string url_decode(std::string_view s);

/// Ids of SPEC section 2.
std::string item_id(const Repo& repo, std::string_view number);
std::string sub_id(const Repo& repo, std::string_view number, std::string_view what, std::string_view id);
std::string release_id(const Repo& repo, std::string_view id);
std::string commit_thread_id(const Repo& repo, std::string_view sha);

/// Who wrote something, as far as the input knows.
struct Author {
  std::string login;
  std::string id;    ///< numeric user id when known
  std::string name;  ///< real name when known
  bool bot = false;
};

/// The author of a REST user object (null means GitHub's "ghost" user).
Author rest_author(const Json* user);
/// True for logins GitHub gives apps ("dependabot[bot]").
bool bot_login(std::string_view login);

/// Sets source, kind, id, space and space_aliases.
void init_record(Record& r, const Repo& repo, std::string kind, std::string id);
/// Renders a Markdown body into r.text and notes its features.
void set_body(Record& r, std::string_view markdown);
/// A comment counts as edited when the export says it changed after it was
/// written (date and updated set); for issues and PRs updated_at moves with
/// every comment, so it says nothing there.
void set_edited(Record& r);
/// Sets author, author_id, author_aliases and bot.
void set_author(Record& r, const Author& a);
/// Adds `value` to `v` unless it is already there.
void add_unique(std::vector<std::string>& v, std::string value);

/// Where a REST-shaped object came from when the object itself does not
/// say: the repository (from an event or a folder) and the number of the
/// issue or pull request it hangs under (python-github-backup's
/// comment_data arrays).
struct Hint {
  Repo repo;
  std::string number;
};

/// What kind of GitHub object a REST-shaped JSON object is.
enum class RestKind {
  Issue,          ///< issues API item (an issue, or a PR when it has "pull_request")
  Pull,           ///< pulls API item
  IssueComment,
  Review,
  ReviewComment,
  CommitComment,
  Release,
  Discussion,
  DiscussionComment,
  Repository,
  Event,          ///< an events API / GH Archive event
  Other,          ///< a GitHub object Lore does not index (label, user, hook, ...)
  Unknown,
};

/// Guesses the kind from the object's keys.
RestKind classify(const Json& o);
/// A short name for skip() counts ("label", "user", "issue_event", ...).
std::string other_category(const Json& o);

/// What became of one input object.
struct Outcome {
  enum class Status { Ok, Skip, Reject };
  Status status = Status::Ok;
  std::string why;  ///< the skip category or the reject reason
  static Outcome ok() { return {}; }
  static Outcome skip(std::string category) { return {Status::Skip, std::move(category)}; }
  static Outcome reject(std::string reason) { return {Status::Reject, std::move(reason)}; }
  bool is_ok() const { return status == Status::Ok; }
};

/// Converts one REST-shaped object of the kind classify() found to a Record.
Outcome map_rest(RestKind kind, const Json& o, const Hint& hint, Record& out);

/// Hands `outcome` to the sink: the record, a skip, or a reject at `where`.
void deliver(Outcome outcome, Record&& record, const Position& where, RecordSink& sink);

/// The records one event (GH Archive, or the events API) carries: the item
/// the event is about first, then any issue or PR it embeds as a snapshot.
/// Fills `out` and returns ok, or a skip/reject when it carries none.
Outcome map_event(const Json& event, std::vector<Record>& out);

/// Keeps, per id, the newest version of each record seen (by `updated`), so
/// that the order the input lists them in does not matter; emits them at the
/// end in the order ids were first seen.
class LatestRecords {
 public:
  /// `primary` says the record comes from its own event or object rather
  /// than from a snapshot embedded in another one; on equal `updated` a
  /// primary version wins, and a later one over an earlier.
  void keep(Record&& record, bool primary);
  /// Marks every record of repository `space` (a Repo::key()) private.
  void set_private(const std::string& repo_key, bool is_private) { private_[repo_key] = is_private; }
  /// Sends everything kept to `sink` and forgets it.
  void emit(RecordSink& sink);
  size_t size() const { return records_.size(); }

 private:
  struct Kept {
    Record record;
    bool primary;
  };
  std::vector<Kept> records_;
  std::map<std::string, size_t> index_;
  std::map<std::string, bool> private_;
};

/// The JSON parse error of `doc` as "not valid JSON: <what>" and its position.
std::string parse_error(const rapidjson::Document& doc, std::string_view text, const std::string& file,
                        Position& where);

/// True when `name` ends with `suffix`.
bool ends_with(std::string_view name, std::string_view suffix);
/// The part of a '/'-separated name after the last '/'.
std::string_view base_name(std::string_view name);

}  // namespace lore::github
