// The index writer: upserts records by id, skips the unchanged, removes the
// deleted, and commits in batches.
//
// Re-importing an input is a no-op: each record's JSON form is hashed, and a
// document whose stored hash matches is not rewritten. A record whose
// `updated` is older than the stored document's is stale (events replayed out
// of order) and is not written either.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "record.h"

namespace lore {

class IndexWriter {
 public:
  enum class Outcome { Added, Updated, Unchanged, Stale, Removed, Missing };

  /// Opens (or creates) the database at `path`; throws lore::Error.
  explicit IndexWriter(const std::string& path, uint32_t batch_size = 5000);
  /// Commits what is pending (errors are swallowed: call commit() to see them).
  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  /// Adds, replaces, skips or (for Record::deleted) removes one record.
  Outcome write(const Record& record);

  /// Makes everything written so far durable and visible to readers, and
  /// records the time of this import in the metadata.
  void commit();

  /// Documents in the database now.
  uint64_t document_count() const;

  /// Replaces the glossary of synonyms stored in the database with `entries`,
  /// each a term (one or more words) followed by the single words a search
  /// for it also finds, and commits. Returns the number of entries stored.
  size_t replace_synonyms(const std::vector<std::vector<std::string>>& entries);

  /// Reads a glossary file: one entry a line, `term synonym...`, separated by
  /// spaces; a "quoted phrase" is one multi-word term; `#` starts a comment.
  /// Throws lore::Error (Usage) when the file cannot be read.
  static std::vector<std::vector<std::string>> read_synonyms(const std::string& path);

 private:
  void mark_threads();
  void update_spelling(const Xapian::Document& doc, bool add);

  std::string path_;
  Xapian::WritableDatabase db_;
  Xapian::TermGenerator tg_;
  uint32_t batch_size_;
  uint32_t pending_ = 0;
  std::set<std::string> touched_threads_;
};

}  // namespace lore
