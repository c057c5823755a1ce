#include "index_writer.h"

#include <chrono>
#include <fstream>

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
      update_spelling(old, false);
      db_.delete_document(idterm);
      outcome = Outcome::Removed;
      ++pending_;
      return;
    }
    Xapian::Document old;
    if (exists) {
      old = db_.get_document(*p);
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
    if (exists) update_spelling(old, false);
    update_spelling(doc, true);
    db_.replace_document(idterm, doc);
    touched_threads_.insert(r.thread_id());
    outcome = exists ? Outcome::Updated : Outcome::Added;
    ++pending_;
  });
  if (pending_ >= batch_size_) commit();
  return outcome;
}

// "Did you mean" draws only on public documents: a word found only in
// restricted ones must never be suggested to anyone (SPEC section 5). Each
// public document counts once for each word it holds, so that an edit or a
// removal takes back exactly what the old version gave. Numbers and very long
// tokens are left out: they are ids and hashes, not misspellings.
void IndexWriter::update_spelling(const Xapian::Document& doc, bool add) {
  const std::string pub(field(Field::Public).prefix);
  auto t = doc.termlist_begin();
  t.skip_to(pub);
  if (t == doc.termlist_end() || *t != pub) return;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& word = *it;
    if (word.empty() || word.size() > 40) continue;
    unsigned char c = static_cast<unsigned char>(word[0]);
    if (c < 0x80 && !(c >= 'a' && c <= 'z')) continue;  // a prefixed term, or a number
    if (word.find_first_of("0123456789") != std::string::npos) continue;
    if (add)
      db_.add_spelling(word, 1);
    else
      db_.remove_spelling(word, 1);
  }
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
