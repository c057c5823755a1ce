// The index writer: upserts records by id, skips the unchanged, removes the
// deleted, and commits in batches.
//
// Re-importing an input is a no-op: each record's JSON form is hashed, and a
// document whose stored hash matches is not rewritten. A record whose
// `updated` is older than the stored document's is stale (events replayed out
// of order) and is not written either.
//
// ParallelWriter puts the writing on other threads so that a reader's parsing
// and rendering overlap Xapian's work, and, into an empty database, builds
// shards side by side on both cores and merges them at the end.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <thread>
#include <utility>
#include <vector>

#include <xapian.h>

#include "record.h"
#include "schema.h"

namespace lore {

class IndexWriter {
 public:
  enum class Outcome { Added, Updated, Unchanged, Stale, Removed, Missing };

  /// Opens (or creates) the database at `path`; throws lore::Error.
  /// A `scratch` database is a private temporary one (ParallelWriter's
  /// shards): it is created afresh, written without fsync, flushed every
  /// kScratchFlush documents whatever `batch_size` says, and its spelling
  /// table and thread marks are brought up to date by seal(), not commit().
  explicit IndexWriter(const std::string& path, uint32_t batch_size = 5000, bool scratch = false);
  /// Commits what is pending (errors are swallowed: call commit() to see them).
  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  /// Adds, replaces, skips or (for Record::deleted) removes one record.
  /// `fresh` promises that no record of this id was ever written here, and
  /// saves looking it up (a shard knows that from its router).
  Outcome write(const Record& record, bool fresh = false);

  /// Makes everything written so far durable and visible to readers, and
  /// records the time of this import in the metadata.
  void commit();

  /// A scratch database's last step: marks the thread roots it holds among
  /// `answered` (the conversations with answers in any of the scratch
  /// databases that share conversations, a worker's parts: answered_threads()
  /// of each), then retire(). (commit() does all of that itself for a
  /// database that is not scratch.)
  void seal(const std::vector<std::string>& answered);

  /// The conversations that have answers here, by thread id.
  std::vector<std::string> answered_threads() const;

  /// Gives Xapian the spelling and author changes held back, and commits:
  /// a scratch database that takes no new documents keeps little in memory.
  void retire();

  /// True when a document of this id is here.
  bool holds(const std::string& id) const;

  /// Documents in the database now.
  uint64_t document_count() const;

  /// How word frequencies are length-normalised from now on (schema.h);
  /// the default is what Lore ships. For the ranking benchmark's sweep.
  void set_length_norm(const LengthNorm& norm) { norm_ = norm; }

  /// Documents between two flushes of a scratch database. Xapian's own
  /// default is 10,000; its in-memory postings grow slower per document
  /// the more they hold, and 2,000 was fastest measured (bench/import).
  static constexpr uint32_t kScratchFlush = 2000;

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
  void mark_root(const std::string& thread);
  void remove_spelling(const Xapian::Document& doc);
  void add_spelling(const std::vector<std::string>& words);
  void held_spelling_check();
  void flush_spelling();
  bool first_sight(std::string seen);
  void note_author(const Record& r);
  void note_space(const Record& r);
  void flush_who();

  std::string path_;
  Xapian::WritableDatabase db_;
  Xapian::TermGenerator tg_;
  LengthNorm norm_;
  uint32_t batch_size_;
  bool scratch_;
  uint32_t pending_ = 0;
  std::unordered_map<std::string, int64_t> spelling_delta_;  // word -> change not yet given to Xapian
  std::set<std::string> touched_threads_;
  // Directory entries not yet in the metadata: key (author directory:
  // lore:who:<word>, space directory: lore:in:<alias>) -> author keys or spaces.
  std::unordered_map<std::string, std::set<std::string>> who_pending_;
  // Authors (key and names) and spaces (and other names) already noted, so
  // that each is worked out once.
  std::unordered_set<std::string> who_seen_;
};

/// How many records of one input ended how; bumped from writer threads.
struct WriteTally {
  std::atomic<uint64_t> added{0}, updated{0}, unchanged{0}, removed{0};
  /// Counts one outcome (Stale and Missing count as unchanged).
  void count(IndexWriter::Outcome outcome);
};

/// Writes records on worker threads, with IndexWriter's semantics.
///
/// Into a database that is empty when opened, with `threads` >= 2, each
/// worker builds a shard of its own in a folder inside the database folder,
/// and finish() merges the shards into the database with Xapian's compaction.
/// A record goes to the shard of its conversation, so that marking thread
/// roots works inside one shard; an id already routed goes where it went
/// before, so that each id ends up in exactly one shard and upserts, stale
/// versions and deletions within the run behave as with one writer.
/// Otherwise (a database that already holds documents, or `threads` < 2) one
/// worker upserts into the database itself while the caller keeps reading.
///
/// A worker's exception is rethrown to the caller by the next write(),
/// commit() or finish().
class ParallelWriter {
 public:
  /// Opens (or creates) the database at `path`; throws lore::Error.
  /// `part_docs`: documents a shard's part takes (kPartDocs; tests use less).
  ParallelWriter(const std::string& path, unsigned threads, uint32_t batch_size = 5000,
                 uint64_t part_docs = kPartDocs);
  /// Stops the workers; shards not merged by finish() are discarded.
  ~ParallelWriter();
  ParallelWriter(const ParallelWriter&) = delete;
  ParallelWriter& operator=(const ParallelWriter&) = delete;

  /// Queues one record; its outcome is counted in `tally` once written.
  void write(Record&& record, WriteTally& tally);

  /// Waits until everything queued is written and committed (into the
  /// shards, when sharded: visible in the database after finish()).
  void commit();

  /// commit(), then merges the shards, if any, into the database. Writing
  /// after finish() goes straight into the database.
  void finish();

  /// True when writing into shards (the database was empty when opened).
  bool sharded() const { return !shard_paths_.empty(); }

  /// After finish(): replaces the database's glossary (IndexWriter::replace_synonyms).
  size_t replace_synonyms(const std::vector<std::vector<std::string>>& entries);

  /// Documents in the database (after finish(): everything written).
  uint64_t document_count();

  /// Documents a shard's part takes before the shard starts a new part.
  /// Xapian's work at every flush grows with the size of the database it
  /// flushes into; parts of this size kept a 1M-message import's flushes as
  /// cheap as a 100k one's, and cost the merge little (bench/import).
  static constexpr uint64_t kPartDocs = 100000;
  /// Parts a shard has at most: the last one takes every document after.
  /// Sealing looks up each answered conversation in every part of a shard,
  /// and the merge reads every part; this bounds both for any import size.
  static constexpr size_t kMaxParts = 8;

 private:
  struct Item {
    Record record;
    WriteTally* tally = nullptr;  // nullptr: a commit marker
    bool fresh = false;           // an id never routed before (IndexWriter::write)
    bool seal = false;            // a commit marker that seals the shard
  };
  struct Worker {
    // A shard's parts, each a scratch database; the last takes new documents.
    std::vector<std::unique_ptr<IndexWriter>> parts;
    std::vector<std::string> part_paths;
    std::string shard_path;  // parts are named after it
    std::thread thread;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::vector<Item>> queue;  // batches
    std::vector<Item> filling;             // the batch being filled by the caller
    uint64_t markers_sent = 0, markers_done = 0;
    bool stop = false;
  };

  void start(size_t workers);
  void open_part(Worker& w);
  IndexWriter& writer_for(Worker& w, const Item& item);
  void seal_parts(Worker& w);
  void stop_workers();
  void run(Worker& w);
  void push(Worker& w, Item&& item);
  void send(Worker& w);
  void wait_markers(bool seal);
  /// The shard of a record, and whether its id is routed for the first time.
  std::pair<size_t, bool> route(const Record& record);
  void rethrow();
  void merge();

  std::string path_;
  uint32_t batch_size_;
  uint64_t part_docs_;
  std::unique_ptr<IndexWriter> main_;
  std::vector<std::string> shard_paths_;  // one a worker, when sharded
  std::vector<std::string> part_paths_;   // every part of every shard, once the workers stopped
  std::vector<std::unique_ptr<Worker>> workers_;
  std::mutex error_mu_;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
  // Shard of each id routed so far: open addressing over 64-bit id hashes.
  std::vector<uint64_t> id_keys_;
  std::vector<uint8_t> id_shard_;
  size_t id_count_ = 0;
};

}  // namespace lore
