// The record: one imported item (a Slack message, a GitHub comment, a P2 post)
// as every importer hands it to the engine. SPEC section 2 names the fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lore {

/// One item of company history, independent of where it came from.
/// Importers fill it; the schema (engine/schema.h) turns it into a Xapian
/// document. Dates are seconds since the Unix epoch, UTC; 0 means unknown.
struct Record {
  std::string id;      ///< globally unique, e.g. "slack:C024BE91L/1355517523.000005"
  std::string source;  ///< "slack", "github", "p2", or a JSONL record's own
  std::string kind;    ///< "message", "reply", "post", "issue", ... (SPEC section 2)
  std::string space;   ///< channel name, "owner/repo", P2 host
  std::string thread;  ///< id of the conversation's root; empty (or its own id) for a root
  std::string parent;  ///< id of the item this one answers, if any
  std::string title;
  std::string author;     ///< display name
  std::string author_id;  ///< the source's stable user key
  int64_t date = 0;
  int64_t updated = 0;
  std::string url;
  std::vector<std::string> tags;  ///< P2 tags and categories, GitHub labels
  std::string state;              ///< "open", "closed", "merged", "resolved", "unresolved" or empty
  std::string text;               ///< plain text, markup already rendered

  /// Principals that may see the record; empty means public (SPEC section 5).
  std::vector<std::string> principals;
  /// Content features for has:, a subset of link, file, image, code, reaction.
  std::vector<std::string> has;
  /// Names of people the text mentions, for mentions:.
  std::vector<std::string> mentions;
  /// Other names the author goes by (login, real name), so from: finds them.
  std::vector<std::string> author_aliases;
  /// Other names the space goes by (a channel id, "repo" for "owner/repo").
  std::vector<std::string> space_aliases;

  bool bot = false;     ///< written by a bot or integration
  bool edited = false;  ///< edited after it was first written
  /// The export says this item was deleted: the engine removes it by id.
  bool deleted = false;
  /// The source says others answered this root (Slack's reply_count), so it
  /// is part of a thread from the start. Only a hint, not part of the JSON
  /// form: without it the writer marks the root when an answer arrives, at
  /// the cost of rewriting the root's document.
  bool answered = false;

  /// Work a reader left for the writer (RecordSink::defers_work()): turning
  /// `raw` into the text and its features, done once on a writer thread
  /// before the record is hashed, so that the reading thread only parses.
  /// Not part of the JSON form; finish() does it and clears both.
  void (*deferred)(Record&) = nullptr;
  std::string raw;  ///< what `deferred` works from (a WordPress body's HTML)

  /// Does the work a reader left (deferred), if any.
  void finish() {
    if (!deferred) return;
    auto work = deferred;
    deferred = nullptr;
    work(*this);
    raw.clear();
    raw.shrink_to_fit();
  }

  /// The thread id, defaulting to the record's own id for a root.
  const std::string& thread_id() const { return thread.empty() ? id : thread; }
};

}  // namespace lore
