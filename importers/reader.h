// The one interface every importer implements (as omega's handler.h does for
// file formats): a Reader looks at an input, says whether it knows the format,
// and streams what it finds to a RecordSink as lore::Records. Readers never
// include <xapian.h>; the engine is on the other side of the sink.
//
// Data flow:  archive -> Reader -> Record -> RecordSink (the index writer)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "record.h"

namespace lore {

/// Caps on every size an archive controls. Exceeding one rejects the entry
/// (or the file), never the whole run.
struct Limits {
  uint64_t max_file_bytes = 1ull << 30;           ///< one plain input file (1 GiB)
  uint64_t max_entry_bytes = 256ull << 20;        ///< one archive entry, uncompressed
  uint64_t max_total_bytes = 64ull << 30;         ///< everything an archive unpacks to
  uint64_t max_entries = 2'000'000;               ///< entries in one archive
  uint64_t max_record_bytes = 16ull << 20;        ///< one record (a JSONL line, a message)
};

/// Options that tune particular readers; each reader reads what it knows.
struct ReaderOptions {
  Limits limits;
  /// Slack: the workspace's address ("https://acme.slack.com") for permalinks.
  std::string slack_workspace_url;
  /// WordPress: custom post types to keep besides post and page.
  std::vector<std::string> wp_keep_post_types;
};

/// Where the sink's input came from, as precisely as the reader knows:
/// the file (or "archive.zip:entry/name.json") and a position in it.
struct Position {
  std::string file;
  uint64_t line = 0;    ///< 1-based; 0 when unknown
  uint64_t column = 0;  ///< 1-based; 0 when unknown
  std::string detail;   ///< e.g. "message 12" or "item 3" when lines mean little

  /// "file:line:column" or "file (detail)" as a person would read it.
  std::string str() const;
};

/// Receives what a reader finds. Implemented by the index writer's adapter in
/// lore-index, and by test collectors.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  /// A record to index (or, with Record::deleted, to remove).
  virtual void record(Record&& record) = 0;
  /// A record or file the reader could not use, and why. The run goes on.
  virtual void reject(const Position& where, std::string_view reason) = 0;
  /// Something deliberately not indexed (a join event, a draft), by category.
  virtual void skip(std::string_view category) = 0;
  /// True when this sink calls Record::finish() itself, on another thread:
  /// a reader may then leave rendering to it (Record::deferred).
  virtual bool defers_work() const { return false; }
};

/// A possible input: a plain file, a folder, or an archive (.zip, .tar.gz).
class Reader {
 public:
  virtual ~Reader() = default;
  /// The format name `--format` takes ("jsonl", "slack", "wxr", ...).
  virtual std::string_view format() const = 0;
  /// One line for --help: what inputs this reader takes.
  virtual std::string_view description() const = 0;
  /// How sure the reader is that `path` is its format, from content:
  /// 0 = not mine, 100 = certain. Must be cheap: peek, don't parse it all.
  virtual int sniff(const std::filesystem::path& path) const = 0;
  /// Streams the input to `sink`. Throws lore::Error only when the input as a
  /// whole is unusable (wrong format, unreadable); bad records go to reject().
  virtual void read(const std::filesystem::path& path, const ReaderOptions& options,
                    RecordSink& sink) = 0;
};

/// Every reader Lore has, in the order detection tries them.
std::vector<std::unique_ptr<Reader>> all_readers();

/// The reader for `path`: the one named by `format` when not empty, else the
/// one whose sniff() is surest. Throws lore::Error (Usage) naming what was
/// expected when none claims the input.
std::unique_ptr<Reader> reader_for(const std::filesystem::path& path, std::string_view format);

/// 1-based line and column of byte `offset` in `text` (for parse errors).
std::pair<uint64_t, uint64_t> line_column(std::string_view text, size_t offset);

// Each importer family registers its readers through one function, so that
// adding a source touches only its own folder and this list.
void register_jsonl_readers(std::vector<std::unique_ptr<Reader>>& out);
void register_slack_readers(std::vector<std::unique_ptr<Reader>>& out);
void register_github_readers(std::vector<std::unique_ptr<Reader>>& out);
void register_wordpress_readers(std::vector<std::unique_ptr<Reader>>& out);

}  // namespace lore
