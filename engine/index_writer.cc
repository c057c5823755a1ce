#include "index_writer.h"

#include <chrono>

#include "database.h"
#include "dates.h"
#include "errors.h"
#include "record_json.h"
#include "schema.h"

namespace lore {

IndexWriter::IndexWriter(const std::string& path, uint32_t batch_size)
    : path_(path), db_(open_for_writing(path)), batch_size_(batch_size ? batch_size : 1) {
  tg_.set_stemmer(default_stemmer());
  tg_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  tg_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
}

IndexWriter::~IndexWriter() {
  try {
    if (pending_) commit();
  } catch (...) {
  }
}

IndexWriter::Outcome IndexWriter::write(const Record& r) {
  Outcome outcome = Outcome::Unchanged;
  xapian_try(path_, [&] {
    const std::string idterm = term(Field::Id, r.id);
    Xapian::PostingIterator p = db_.postlist_begin(idterm);
    const bool exists = p != db_.postlist_end(idterm);
    if (r.deleted) {
      if (!exists) {
        outcome = Outcome::Missing;
        return;
      }
      Xapian::Document old = db_.get_document(*p);
      touched_threads_.insert(old.get_value(field(Field::Thread).slot));
      db_.delete_document(idterm);
      outcome = Outcome::Removed;
      ++pending_;
      return;
    }
    if (exists) {
      Xapian::Document old = db_.get_document(*p);
      if (old.get_value(field(Field::Hash).slot) == content_hash(record_to_json(r))) {
        outcome = Outcome::Unchanged;
        return;
      }
      std::string stored_updated = old.get_value(field(Field::Updated).slot);
      if (r.updated && !stored_updated.empty() &&
          Xapian::sortable_unserialise(stored_updated) > static_cast<double>(r.updated)) {
        outcome = Outcome::Stale;
        return;
      }
    }
    Xapian::Document doc = to_document(r, tg_);
    db_.replace_document(idterm, doc);
    touched_threads_.insert(r.thread_id());
    outcome = exists ? Outcome::Updated : Outcome::Added;
    ++pending_;
  });
  if (pending_ >= batch_size_) commit();
  return outcome;
}

// A conversation with more than one document is a thread: its root learns
// that only when a reply arrives, so roots are marked after the fact.
void IndexWriter::mark_threads() {
  const std::string flag = term(Field::Flag, "thread");
  for (const auto& thread : touched_threads_) {
    const std::string tterm = term(Field::Thread, thread);
    if (db_.get_termfreq(tterm) < 2) continue;
    std::vector<Xapian::docid> unmarked;
    for (auto it = db_.postlist_begin(tterm); it != db_.postlist_end(tterm); ++it) {
      Xapian::Document d = db_.get_document(*it);
      auto t = d.termlist_begin();
      t.skip_to(flag);
      if (t == d.termlist_end() || *t != flag) unmarked.push_back(*it);
    }
    for (auto id : unmarked) {
      Xapian::Document d = db_.get_document(id);
      d.add_boolean_term(flag);
      db_.replace_document(id, d);
    }
  }
  touched_threads_.clear();
}

void IndexWriter::commit() {
  xapian_try(path_, [&] {
    if (pending_ == 0) return;  // nothing changed: the last import time stays as it was
    mark_threads();
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    db_.set_metadata(std::string(kLastImportKey), format_iso8601(now));
    db_.commit();
  });
  pending_ = 0;
}

uint64_t IndexWriter::document_count() const { return db_.get_doccount(); }

}  // namespace lore
