#include "index_writer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "compaction.h"
#include "database.h"
#include "dates.h"
#include "errors.h"
#include "schema.h"

namespace lore {

namespace {

// A shard only lives until it is merged: no fsync, blocks updated in place
// rather than copied on write (nobody reads a shard while it is written, and
// one that is not finished is thrown away), and any leftover of a run that
// died is overwritten. In-place updates took 8% off a 1M-message import.
Xapian::WritableDatabase open_scratch(const std::string& path) {
  Xapian::WritableDatabase db;
  xapian_try(path, [&] {
    db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS);
    db.set_metadata(std::string(kSchemaKey), std::string(kSchemaVersion));
  });
  return db;
}

}  // namespace

IndexWriter::IndexWriter(const std::string& path, uint32_t batch_size, bool scratch)
    : path_(path),
      db_(scratch ? open_scratch(path) : open_for_writing(path)),
      batch_size_(scratch ? kScratchFlush : batch_size ? batch_size : 1),
      scratch_(scratch) {
  tg_.set_stemmer(indexing_stemmer());
  tg_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  tg_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
}

IndexWriter::~IndexWriter() {
  try {
    if (pending_) commit();
  } catch (...) {
  }
}

IndexWriter::Outcome IndexWriter::write(const Record& r, bool fresh) {
  if (r.deferred) {  // a reader's work not done yet (Record::finish())
    Record finished = r;
    finished.finish();
    return write(finished, fresh);
  }
  Outcome outcome = Outcome::Unchanged;
  xapian_try(path_, [&] {
    const std::string idterm = term(Field::Id, r.id);
    Xapian::PostingIterator p;
    const bool exists = !fresh && (p = db_.postlist_begin(idterm)) != db_.postlist_end(idterm);
    if (r.deleted) {
      if (!exists) {
        outcome = Outcome::Missing;
        return;
      }
      Xapian::Document old = db_.get_document(*p);
      if (!scratch_) touched_threads_.insert(old.get_value(field(Field::Thread).slot));
      remove_spelling(old);
      db_.delete_document(idterm);
      outcome = Outcome::Removed;
      ++pending_;
      return;
    }
    // The stored form holds its hash and is the document's data: made once.
    const std::string stored = stored_record(r);
    Xapian::Document old;
    if (exists) {
      old = db_.get_document(*p);
      if (stored_hash(old) == stored_hash(stored)) {
        outcome = Outcome::Unchanged;
        return;
      }
      // Only a changed record pays for reading the stored one back.
      if (r.updated && from_document(old).updated > r.updated) {
        outcome = Outcome::Stale;
        return;
      }
    }
    thread_local std::vector<std::string> words;
    Xapian::Document doc = to_document(r, tg_, stored, norm_, &words);
    note_author(r);
    note_space(r);
    if (exists) remove_spelling(old);
    // Only public words reach the spelling table: suggestions must not
    // reveal what a restricted document says.
    if (r.principals.empty()) add_spelling(words);
    // A new id needs no second look-up of its term.
    if (exists)
      db_.replace_document(idterm, doc);
    else
      db_.add_document(doc);
    if (!scratch_ && r.thread_id() != r.id) touched_threads_.insert(r.thread_id());
    outcome = exists ? Outcome::Updated : Outcome::Added;
    ++pending_;
  });
  if (pending_ >= batch_size_) commit();
  return outcome;
}

namespace {
// Distinct words whose spelling changes a scratch database holds back.
constexpr size_t kMaxHeldWords = 200000;
// Authors remembered as noted, and directory words held back, at most.
constexpr size_t kMaxSeenAuthors = 100000;
constexpr size_t kMaxHeldWho = 100000;
}  // namespace

// Whether what a directory's entries are made of (an author's key and
// names, a space and its other names) is new this run.
bool IndexWriter::first_sight(std::string seen) {
  if (who_seen_.size() >= kMaxSeenAuthors) who_seen_.clear();
  return who_seen_.insert(std::move(seen)).second;
}

// The author directory (schema.h): each author is worked out once a run,
// and its words reach the metadata at commit (or seal).
void IndexWriter::note_author(const Record& r) {
  std::string key = author_key(r);
  if (key.empty()) return;
  std::string seen = key;
  for (const std::string* name : {&r.author, &r.author_id}) (seen += '\x1f') += *name;
  for (const auto& a : r.author_aliases) (seen += '\x1f') += a;
  if (!first_sight(std::move(seen))) return;
  for (const auto& w : author_words(r)) who_pending_[std::string(kWhoKey) + w].insert(key);
  if (scratch_ && who_pending_.size() >= kMaxHeldWho) flush_who();
}

// The space directory (schema.h) the same way: each space and its other
// names once a run.
void IndexWriter::note_space(const Record& r) {
  if (r.space.empty()) return;
  std::vector<std::string> aliases = space_aliases(r);
  if (aliases.empty()) return;
  std::string seen = "\x1e" + r.space;  // no author key starts so
  for (const auto& a : aliases) (seen += '\x1f') += a;
  if (!first_sight(std::move(seen))) return;
  const std::string space = lowercase(r.space);
  for (const auto& a : aliases)
    if (a.size() <= kMaxWhoWord) who_pending_[std::string(kInKey) + a].insert(space);
  if (scratch_ && who_pending_.size() >= kMaxHeldWho) flush_who();
}

void IndexWriter::flush_who() {
  for (const auto& [mkey, keys] : who_pending_) {
    const std::string stored = db_.get_metadata(mkey);
    std::string add;
    for (const auto& k : keys) (add += k) += '\n';
    std::string merged = merge_who(stored, add);
    if (merged != stored) db_.set_metadata(mkey, merged);
  }
  who_pending_.clear();
}

// "Did you mean" draws only on public documents: a word found only in
// restricted ones must never be suggested to anyone (SPEC section 5). Each
// public document counts once for each word it holds, so that an edit or a
// removal takes back exactly what the old version gave. Numbers and very long
// tokens are left out: they are ids and hashes, not misspellings.
namespace {
// A term worth suggesting: a plain word (not prefixed, no digits), not too long.
bool spelling_word(const std::string& word) {
  if (word.empty() || word.size() > 40) return false;
  unsigned char c = static_cast<unsigned char>(word[0]);
  if (c < 0x80 && !(c >= 'a' && c <= 'z')) return false;  // a prefixed term, or a number
  return word.find_first_of("0123456789") == std::string::npos;
}
}  // namespace

void IndexWriter::remove_spelling(const Xapian::Document& doc) {
  const std::string restricted = term(Field::Flag, "private");
  auto t = doc.termlist_begin();
  t.skip_to(restricted);
  if (t != doc.termlist_end() && *t == restricted) return;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it)
    if (const std::string& word = *it; spelling_word(word)) --spelling_delta_[word];
  held_spelling_check();
}

void IndexWriter::add_spelling(const std::vector<std::string>& words) {
  for (const auto& word : words)
    if (spelling_word(word)) ++spelling_delta_[word];
  held_spelling_check();
}

// A scratch database holds its changes back until seal(), within bounds.
void IndexWriter::held_spelling_check() {
  if (scratch_ && spelling_delta_.size() >= kMaxHeldWords) flush_spelling();
}

// Words repeat across a batch: handing Xapian one change per distinct word
// at commit is much cheaper than one per occurrence.
void IndexWriter::flush_spelling() {
  for (const auto& [word, delta] : spelling_delta_) {
    if (delta > 0)
      db_.add_spelling(word, static_cast<Xapian::termcount>(delta));
    else if (delta < 0)
      db_.remove_spelling(word, static_cast<Xapian::termcount>(-delta));
  }
  spelling_delta_.clear();
}

size_t IndexWriter::replace_synonyms(const std::vector<std::vector<std::string>>& entries) {
  size_t stored = 0;
  xapian_try(path_, [&] {
    std::vector<std::string> keys;
    for (auto it = db_.synonym_keys_begin(); it != db_.synonym_keys_end(); ++it) keys.push_back(*it);
    for (const auto& k : keys) db_.clear_synonyms(k);
    const Xapian::Stem stem = default_stemmer();
    for (const auto& entry : entries) {
      if (entry.size() < 2) continue;
      std::vector<std::string> words;
      for (const auto& w : entry) words.push_back(lowercase(w));
      const std::string& key = words[0];
      // Xapian's parser looks the glossary up by the words as typed (one or
      // several); a synonym is stored as the stem the index holds, so that
      // it finds every form of the word ("takeover" finds "takeovers").
      bool any = false;
      for (size_t i = 1; i < words.size(); ++i) {
        if (words[i].find(' ') != std::string::npos) continue;  // a synonym is one word
        db_.add_synonym(key, "Z" + stem(words[i]));
        any = true;
      }
      if (!any) continue;
      ++stored;
    }
    ++pending_;
  });
  commit();
  return stored;
}

std::vector<std::vector<std::string>> IndexWriter::read_synonyms(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(Error::Code::Usage, "cannot read the glossary " + path, "one line per term: term synonym...");
  std::vector<std::vector<std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> entry;
    size_t i = 0;
    while (i < line.size()) {
      char c = line[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
        ++i;
        continue;
      }
      if (c == '#') break;
      size_t end;
      std::string word;
      if (c == '"') {
        end = line.find('"', i + 1);
        if (end == std::string::npos) end = line.size();
        // Words of a phrase separated by single spaces, as the parser joins them.
        for (const auto& w : name_words(std::string_view(line).substr(i + 1, end - i - 1)))
          word += (word.empty() ? "" : " ") + w;
        i = end + 1;
      } else {
        end = line.find_first_of(" \t\r,#", i);
        if (end == std::string::npos) end = line.size();
        word = line.substr(i, end - i);
        i = end;
      }
      if (!word.empty()) entry.push_back(std::move(word));
    }
    if (entry.size() >= 2) out.push_back(std::move(entry));
  }
  return out;
}

// A conversation with more than one document is a thread: its root learns
// that only when an answer arrives, so roots are marked after the fact.
// Answers carry the flag from the start (they have a parent).
void IndexWriter::mark_root(const std::string& thread) {
  const std::string flag = term(Field::Flag, "thread");
  const std::string root = term(Field::Id, thread);
  auto p = db_.postlist_begin(root);
  if (p == db_.postlist_end(root)) return;  // the root is not here (or not imported)
  Xapian::Document d = db_.get_document(*p);
  auto t = d.termlist_begin();
  t.skip_to(flag);
  if (t != d.termlist_end() && *t == flag) return;
  d.add_boolean_term(flag);
  db_.replace_document(*p, d);
}

void IndexWriter::mark_threads() {
  for (const auto& thread : touched_threads_)
    if (db_.get_termfreq(term(Field::Thread, thread)) > 0) mark_root(thread);  // answers left
  touched_threads_.clear();
}

// Every conversation with answers, once: the thread id is read from an
// answer's value, since a term past Xapian's length limit keeps only a hash.
std::vector<std::string> IndexWriter::answered_threads() const {
  std::vector<std::string> threads;
  xapian_try(path_, [&] {
    const std::string prefix(field(Field::Thread).prefix);
    for (auto t = db_.allterms_begin(prefix); t != db_.allterms_end(prefix); ++t)
      threads.push_back(db_.get_document(*db_.postlist_begin(*t)).get_value(field(Field::Thread).slot));
  });
  return threads;
}

bool IndexWriter::holds(const std::string& id) const {
  bool found = false;
  xapian_try(path_, [&] { found = db_.term_exists(term(Field::Id, id)); });
  return found;
}

void IndexWriter::seal(const std::vector<std::string>& answered) {
  xapian_try(path_, [&] {
    for (const auto& thread : answered) mark_root(thread);
  });
  retire();
}

void IndexWriter::retire() {
  xapian_try(path_, [&] {
    flush_spelling();
    flush_who();
    db_.commit();
  });
  pending_ = 0;
}

void IndexWriter::commit() {
  xapian_try(path_, [&] {
    if (pending_ == 0) return;  // nothing changed: the last import time stays as it was
    if (!scratch_) {
      mark_threads();
      flush_spelling();
      flush_who();
    }
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    db_.set_metadata(std::string(kLastImportKey), format_iso8601(now));
    db_.commit();
  });
  pending_ = 0;
}

uint64_t IndexWriter::document_count() const { return db_.get_doccount(); }

void WriteTally::count(IndexWriter::Outcome outcome) {
  switch (outcome) {
    case IndexWriter::Outcome::Added: ++added; break;
    case IndexWriter::Outcome::Updated: ++updated; break;
    case IndexWriter::Outcome::Removed: ++removed; break;
    case IndexWriter::Outcome::Unchanged:
    case IndexWriter::Outcome::Stale:
    case IndexWriter::Outcome::Missing: ++unchanged; break;
  }
}

namespace {

namespace fs = std::filesystem;

// Records a worker takes at a time, and batches that may wait for it: enough
// to keep it busy, few enough to bound memory (a few thousand records).
constexpr size_t kBatch = 128;
constexpr size_t kMaxQueued = 16;

// Metadata that more than one shard holds: the author directory's entries
// are joined; otherwise the greatest value wins (the same schema version in
// each; the latest import time).
//
// Xapian 1.4's glass backend hands over the key as it stores it, behind two
// bytes that mark user metadata ("\0\xc0"): the directory's entries were
// taken for other keys, and a word's authors in one shard lost to those in
// another, until a test with many parts showed it.
class JoinMetadata : public Xapian::Compactor {
 public:
  std::string resolve_duplicate_metadata(const std::string& key, size_t n, const std::string tags[]) override {
    std::string_view k = key;
    if (k.size() >= 2 && k[0] == '\0' && k[1] == '\xc0') k.remove_prefix(2);
    std::string out = tags[0];
    const bool who = k.starts_with(kWhoKey) || k.starts_with(kInKey);
    for (size_t i = 1; i < n; ++i) out = who ? merge_who(out, tags[i]) : std::max(out, tags[i]);
    return out;
  }
};

std::string shards_dir(const std::string& db) { return (fs::path(db) / ".lore-shards").string(); }
std::string merge_dir(const std::string& db) { return (fs::path(db) / ".lore-merge").string(); }

}  // namespace

ParallelWriter::ParallelWriter(const std::string& path, unsigned threads, uint32_t batch_size, uint64_t part_docs)
    : path_(path),
      batch_size_(batch_size),
      part_docs_(part_docs ? part_docs : kPartDocs),
      main_(std::make_unique<IndexWriter>(path, batch_size)) {
  std::error_code ec;
  // Leftovers of a run that died before merging (we hold the lock now).
  fs::remove_all(shards_dir(path_), ec);
  fs::remove_all(merge_dir(path_), ec);
  if (threads >= 2 && main_->document_count() == 0) {
    fs::create_directories(shards_dir(path_), ec);
    if (ec) throw Error(Error::Code::Database, "cannot create " + shards_dir(path_) + ": " + ec.message());
    for (unsigned i = 0; i < threads && i < 255; ++i)
      shard_paths_.push_back((fs::path(shards_dir(path_)) / std::to_string(i)).string());
    id_keys_.assign(1u << 16, 0);
    id_shard_.assign(1u << 16, 0);
  }
  start(sharded() ? shard_paths_.size() : 1);
}

ParallelWriter::~ParallelWriter() {
  stop_workers();
  std::error_code ec;
  if (sharded()) fs::remove_all(shards_dir(path_), ec);
}

void ParallelWriter::start(size_t n) {
  for (size_t i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    if (sharded()) {
      w->shard_path = shard_paths_[i];
      open_part(*w);
    }
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) w->thread = std::thread([this, wp = w.get()] { run(*wp); });
}

void ParallelWriter::stop_workers() {
  for (auto& w : workers_) {
    if (!w->filling.empty() && !failed_) send(*w);
    {
      std::lock_guard lk(w->mu);
      w->stop = true;
    }
    w->cv.notify_all();
  }
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
  part_paths_.clear();
  for (auto& w : workers_) part_paths_.insert(part_paths_.end(), w->part_paths.begin(), w->part_paths.end());
  workers_.clear();  // closes the shards, committing what they hold
}

// A worker's next part: the shard's path, numbered. The worker's own thread
// opens every part but the first.
void ParallelWriter::open_part(Worker& w) {
  w.part_paths.push_back(w.shard_path + "-" + std::to_string(w.part_paths.size()));
  w.parts.push_back(std::make_unique<IndexWriter>(w.part_paths.back(), batch_size_, true));
}

// A record's part: new ids go to the newest; an id written before is
// upserted where it is.
IndexWriter& ParallelWriter::writer_for(Worker& w, const Item& item) {
  if (w.parts.empty()) return *main_;
  if (!item.fresh && w.parts.size() > 1)
    for (auto p = w.parts.rbegin(); p != w.parts.rend(); ++p)
      if ((*p)->holds(item.record.id)) return **p;
  return *w.parts.back();
}

// A conversation may have its root in one part and answers in another.
void ParallelWriter::seal_parts(Worker& w) {
  std::vector<std::string> answered;
  for (auto& p : w.parts) {
    auto threads = p->answered_threads();
    answered.insert(answered.end(), threads.begin(), threads.end());
  }
  std::sort(answered.begin(), answered.end());
  answered.erase(std::unique(answered.begin(), answered.end()), answered.end());
  for (auto& p : w.parts) p->seal(answered);
}

void ParallelWriter::run(Worker& w) {
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock lk(w.mu);
      w.cv.wait(lk, [&] { return w.stop || !w.queue.empty(); });
      if (w.queue.empty()) return;  // stopped and drained
      batch = std::move(w.queue.front());
      w.queue.erase(w.queue.begin());
    }
    w.cv.notify_all();  // room for the caller
    uint64_t markers = 0;
    for (auto& item : batch) {
      if (!item.tally) ++markers;
      if (failed_) continue;  // after an error, only drain
      try {
        if (item.tally) {
          item.record.finish();
          item.tally->count(writer_for(w, item).write(item.record, item.fresh));
        } else if (w.parts.empty()) {
          main_->commit();
        } else if (item.seal) {
          seal_parts(w);
        } else {
          for (auto& p : w.parts) p->commit();
        }
        if (!w.parts.empty() && w.parts.size() < kMaxParts && w.parts.back()->document_count() >= part_docs_) {
          w.parts.back()->retire();
          open_part(w);
        }
      } catch (...) {
        std::lock_guard lk(error_mu_);
        if (!error_) error_ = std::current_exception();
        failed_ = true;
      }
    }
    if (markers) {
      {
        std::lock_guard lk(w.mu);
        w.markers_done += markers;
      }
      w.cv.notify_all();
    }
  }
}

void ParallelWriter::send(Worker& w) {
  std::unique_lock lk(w.mu);
  w.cv.wait(lk, [&] { return w.queue.size() < kMaxQueued || failed_; });
  w.queue.push_back(std::move(w.filling));
  w.filling.clear();
  w.filling.reserve(kBatch);
  lk.unlock();
  w.cv.notify_all();
}

void ParallelWriter::push(Worker& w, Item&& item) {
  w.filling.push_back(std::move(item));
  if (w.filling.size() >= kBatch) send(w);
}

void ParallelWriter::rethrow() {
  if (!failed_) return;
  std::lock_guard lk(error_mu_);
  if (error_) std::rethrow_exception(error_);
}

std::pair<size_t, bool> ParallelWriter::route(const Record& r) {
  const size_t n = shard_paths_.size();
  if (id_count_ * 2 >= id_keys_.size()) {
    // Grow: rehash every id routed so far.
    std::vector<uint64_t> keys(id_keys_.size() * 2, 0);
    std::vector<uint8_t> shards(keys.size(), 0);
    const size_t mask = keys.size() - 1;
    for (size_t i = 0; i < id_keys_.size(); ++i) {
      if (!id_keys_[i]) continue;
      size_t at = id_keys_[i] & mask;
      while (keys[at]) at = (at + 1) & mask;
      keys[at] = id_keys_[i];
      shards[at] = id_shard_[i];
    }
    id_keys_.swap(keys);
    id_shard_.swap(shards);
  }
  // Two ids whose hashes collide share a shard: still each id in one shard.
  const uint64_t key = fnv1a(r.id) | 1;
  const size_t mask = id_keys_.size() - 1;
  size_t at = key & mask;
  while (id_keys_[at]) {
    if (id_keys_[at] == key) return {id_shard_[at], false};
    at = (at + 1) & mask;
  }
  const size_t shard = (fnv1a(r.thread_id()) >> 17) % n;
  id_keys_[at] = key;
  id_shard_[at] = static_cast<uint8_t>(shard);
  ++id_count_;
  return {shard, true};
}

void ParallelWriter::write(Record&& record, WriteTally& tally) {
  rethrow();
  auto [to, fresh] = sharded() ? route(record) : std::pair<size_t, bool>{0, false};
  push(*workers_[to], Item{std::move(record), &tally, fresh});
}

void ParallelWriter::commit() { wait_markers(false); }

// A marker through every queue, and a wait until each worker has reached it:
// everything queued before is then written and committed (or sealed).
void ParallelWriter::wait_markers(bool seal) {
  rethrow();
  for (auto& w : workers_) {
    w->markers_sent++;
    Item marker;
    marker.seal = seal;
    push(*w, std::move(marker));
    send(*w);
  }
  for (auto& w : workers_) {
    std::unique_lock lk(w->mu);
    w->cv.wait(lk, [&] { return w->markers_done == w->markers_sent; });
  }
  rethrow();
}

void ParallelWriter::finish() {
  if (!sharded()) return commit();
  wait_markers(true);  // both shards seal side by side
  stop_workers();
  rethrow();
  merge();
  shard_paths_.clear();
  start(1);
}

size_t ParallelWriter::replace_synonyms(const std::vector<std::vector<std::string>>& entries) {
  finish();
  return main_->replace_synonyms(entries);
}

// Compacts the shards into a new database inside the database folder, then
// puts its files in place of the (empty) database's. The lock is let go for
// the few renames between closing and reopening.
void ParallelWriter::merge() {
  uint64_t total = 0;
  xapian_try(path_, [&] {
    for (const auto& p : part_paths_) total += Xapian::Database(p).get_doccount();
  });
  std::error_code ec;
  if (total > 0) {
    const std::string merged = merge_dir(path_);
    JoinMetadata join;
    compact_parts(part_paths_, merged, join, (fs::path(shards_dir(path_)) / "views").string());
    main_.reset();
    for (const auto& e : fs::directory_iterator(path_))
      if (e.is_regular_file() && e.path().filename() != "flintlock") fs::remove(e.path());
    for (const auto& e : fs::directory_iterator(merged))
      if (e.is_regular_file() && e.path().filename() != "flintlock")
        fs::rename(e.path(), fs::path(path_) / e.path().filename());
    fs::remove_all(merged, ec);
    main_ = std::make_unique<IndexWriter>(path_, batch_size_);
  }
  fs::remove_all(shards_dir(path_), ec);
}

uint64_t ParallelWriter::document_count() { return main_->document_count(); }

}  // namespace lore
