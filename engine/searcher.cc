#include "searcher.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <mutex>
#include <span>
#include <vector>

#include "database.h"
#include "errors.h"
#include "query_parser.h"
#include "schema.h"
#include "side_by_side.h"
#include "text/util.h"

namespace lore {

namespace {

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr size_t kSnippetBytes = 240;

// The passage of `text` that matched, or its start when nothing in it did
// (a title match, a filter-only query).
std::string make_snippet(const Xapian::MSet& mset, const std::string& text) {
  std::string s = mset.snippet(text, kSnippetBytes, default_stemmer(),
                               Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE |
                                   Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH,
                               "<mark>", "</mark>", "…");
  if (!s.empty()) return s;
  return html_escape(text::clip(text, kSnippetBytes));
}

// Every document's packed facets in memory (DocTable::facets()): each
// distinct packed value once, and its number by document id.
struct FacetMemory {
  static constexpr uint32_t kNone = UINT32_MAX;  // not in memory: read the document
  std::vector<uint32_t> of;                      // by docid
  std::vector<std::string> values;
};

// Counts the facets of every document the match considers, a tag once per
// tag. The facets live packed in one value slot, so a document costs one
// read and one count of its packed value; the packed values are taken apart
// once each, when the counts are asked for (documents of one conversation,
// author and year share theirs). Counts are multiplied by `scale` (a
// sample's stride) when reported.
class FacetSpy : public Xapian::MatchSpy {
 public:
  /// Counts the facets named (a subset of facet_fields(), in any order).
  explicit FacetSpy(const std::vector<std::string_view>& names) {
    const auto& all = facet_fields();
    for (auto name : names)
      for (size_t i = 0; i < all.size(); ++i)
        if (all[i]->facet == name) wanted_.push_back({i, all[i]->id == Field::Tag, name});
  }

  /// Reads the facets from `memory` where it has them, not from the index.
  void use(const FacetMemory* memory) { memory_ = memory; }

  void operator()(const Xapian::Document& doc, double) override {
    ++seen_;
    if (memory_) {
      const Xapian::docid id = doc.get_docid();
      if (id < memory_->of.size() && memory_->of[id] != FacetMemory::kNone) {
        ++numbered_[memory_->of[id]];
        return;
      }
    }
    ++packed_[doc.get_value(field(Field::Facets).slot)];
  }

  /// Documents counted.
  uint64_t seen() const { return seen_; }

  /// Adds what `other` counted (the other half of a split pass).
  void add(const FacetSpy& other) {
    seen_ += other.seen_;
    for (const auto& [v, n] : other.packed_) packed_[v] += n;
    for (const auto& [v, n] : other.numbered_) numbered_[v] += n;
  }

  Facets facets(size_t max_per_facet, uint64_t scale = 1) const {
    std::vector<Counts> counts(wanted_.size());
    std::vector<std::pair<std::string_view, uint64_t>> packed(packed_.begin(), packed_.end());
    for (const auto& [number, n] : numbered_) packed.emplace_back(memory_->values[number], n);
    for (const auto& [v, n] : packed) {
      // Split once into the positions of the packed fields.
      std::string_view parts[16];
      size_t np = 0, start = 0;
      while (np < 16) {
        size_t end = v.find(kFacetSep, start);
        parts[np++] = std::string_view(v).substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (end == std::string::npos) break;
        start = end + 1;
      }
      for (size_t i = 0; i < wanted_.size(); ++i) {
        const auto& w = wanted_[i];
        if (w.index >= np || parts[w.index].empty()) continue;
        std::string_view value = parts[w.index];
        if (!w.multi) {
          counts[i][std::string(value)] += n;
          continue;
        }
        size_t s = 0;
        while (s <= value.size()) {
          size_t e = value.find(kTagSep, s);
          if (e == std::string_view::npos) e = value.size();
          if (e > s) counts[i][std::string(value.substr(s, e - s))] += n;
          s = e + 1;
        }
      }
    }
    Facets out;
    out.sample_every = scale;
    for (size_t i = 0; i < wanted_.size(); ++i) {
      FacetCounts c(counts[i].begin(), counts[i].end());
      for (auto& [value, n] : c) n *= scale;
      std::sort(c.begin(), c.end(),
                [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
      if (c.size() > max_per_facet) c.resize(max_per_facet);
      out.by_name.emplace_back(std::string(wanted_[i].name), std::move(c));
    }
    return out;
  }

 private:
  using Counts = std::unordered_map<std::string, uint64_t>;
  struct Wanted {
    size_t index;
    bool multi;
    std::string_view name;
  };
  std::vector<Wanted> wanted_;
  Counts packed_;  // packed facet value -> documents
  const FacetMemory* memory_ = nullptr;
  std::unordered_map<uint32_t, uint64_t> numbered_;  // FacetMemory number -> documents
  uint64_t seen_ = 0;
};

constexpr size_t kMaxLimit = 1000;
constexpr size_t kMaxFacetValues = 50;

// With --group thread, the conversations of pages up to this deep are found
// by grouping the best documents in memory (DocTable), from at most this many
// documents; deeper pages, and tops held by a few long conversations, are
// collapsed by Xapian.
constexpr size_t kGroupInMemoryUpTo = 200;
constexpr size_t kGroupInMemoryDocs = 4000;

// Facets past SearchRequest::exact_facets_up_to matches are counted over a
// sample of about kFacetSample of them. An exact count must read the facets
// of every match, and matches spread over the index each cost a read of
// their own (about 2 us): 35 ms for 18,000 of 1M messages (bench/query).
constexpr uint64_t kFacetSample = 2500;

// About one document id in k, picked by a hash of the id: ANDed with a
// query, a sample of its matches spread over the whole index (ids follow
// import order, so a sample that stopped early would see only the oldest
// documents; and a plain stride would beat in time with data that repeats,
// such as messages taken from channels in turn).
class OneInK : public Xapian::PostingSource {
 public:
  explicit OneInK(Xapian::docid k) : k_(k) {}
  void init(const Xapian::Database& db) override {
    last_ = db.get_lastdocid();
    did_ = 0;
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return last_ / k_; }
  Xapian::doccount get_termfreq_max() const override { return last_; }
  Xapian::docid get_docid() const override { return did_; }
  bool at_end() const override { return did_ > last_; }
  void next(double) override {
    do ++did_;
    while (did_ <= last_ && !picked(did_));
  }
  void skip_to(Xapian::docid did, double) override {
    if (did <= did_) return;
    did_ = did - 1;
    next(0);
  }
  bool check(Xapian::docid did, double) override {
    did_ = did;
    return picked(did);
  }
  Xapian::PostingSource* clone() const override { return new OneInK(k_); }
  std::string get_description() const override { return "OneInK(" + std::to_string(k_) + ")"; }

 private:
  // The run of `did` through a multiplicative hash, its high bits mixed down.
  bool picked(Xapian::docid did) const {
    uint64_t x = ((did - 1) / kRun + 1) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 32;
    return x % k_ == 0;
  }

  // Ids are picked in short runs: a sampled document's facets are read from
  // a chunk of values that its neighbours share, where lone ids spread over
  // the index read a chunk each.
  static constexpr Xapian::docid kRun = 8;
  Xapian::docid k_, last_ = 0, did_ = 0;
};

}  // namespace

Searcher::Searcher(const std::string& path) : path_(path), db_(open_for_reading(path)) {}

// The twin handle at this handle's revision, opened on first use.
bool Searcher::twin_ready() {
  if (!twin_) twin_.emplace(open_for_reading(path_));
  if (twin_->get_revision() != db_.get_revision()) twin_->reopen();
  return twin_->get_revision() == db_.get_revision() && twin_->get_uuid() == db_.get_uuid();
}

void Searcher::reopen() {
  xapian_try(path_, [&] { db_.reopen(); });
}

Xapian::Query Searcher::parse(const std::string& query, bool* has_text) {
  QueryParser qp(db_, clock_now());
  ParsedQuery parsed = qp.parse(query);
  if (has_text) *has_text = parsed.has_text;
  return parsed.query;
}

namespace {

// First line of a text, cut at a word boundary.
std::string first_line_of(const std::string& text) { return text::clip(text.substr(0, text.find('\n')), 120); }

}  // namespace

uint64_t Searcher::exact_count(const Xapian::Query& query) {
  Xapian::Enquire enquire(db_);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return enquire.get_mset(0, 0, db_.get_doccount()).get_matches_estimated();
}

// The title (or first line) of each reply's conversation root that the
// caller may see, in one search for the whole page rather than one a hit.
void Searcher::fill_thread_titles(std::vector<Hit>& hits, const Access& access) {
  std::vector<Xapian::Query> roots;
  std::unordered_map<std::string, std::string> titles;
  for (const auto& h : hits) {
    const std::string& root = h.record.thread_id();
    if (root != h.record.id && titles.emplace(root, std::string()).second) roots.emplace_back(term(Field::Id, root));
  }
  if (roots.empty()) return;
  Xapian::Enquire e(db_);
  e.set_query(restrict(Xapian::Query(Xapian::Query::OP_OR, roots.begin(), roots.end()), access));
  e.set_weighting_scheme(Xapian::BoolWeight());
  Xapian::MSet m = e.get_mset(0, static_cast<Xapian::doccount>(roots.size()));
  for (auto it = m.begin(); it != m.end(); ++it) {
    Record rec = from_document(it.get_document());
    auto t = titles.find(rec.id);
    if (t != titles.end()) t->second = rec.title.empty() ? first_line_of(rec.text) : rec.title;
  }
  for (auto& h : hits) {
    const std::string& root = h.record.thread_id();
    if (root == h.record.id) continue;
    if (auto t = titles.find(root); t != titles.end()) h.thread_title = t->second;
  }
}

namespace {

// The documents holding a term (or dated within a range), as one bit a
// document id. A filter with many documents (is:reply, has:link, the private
// documents) is checked against every candidate of a match; in a posting
// list each check seeks and decodes (about 150 ns at 1M documents: `quota
// is:reply` took 0.96 ms against 0.18 for `quota` alone), in a bitmap it
// reads a bit (0.19 ms). A date range was a check of each of its years and
// months (and its cut months' dates); from the dates in memory it is one.
struct TermBits {
  explicit TermBits(size_t n_words) : words(n_words, 0) {}
  std::vector<uint64_t> words;
  Xapian::doccount count = 0;
  bool has(Xapian::docid id) const { return id / 64 < words.size() && (words[id / 64] >> (id % 64)) & 1; }
  void set(Xapian::docid id) {
    if (id / 64 >= words.size() || has(id)) return;  // past the table's revision: cannot be at one revision
    words[id / 64] |= uint64_t(1) << (id % 64);
    ++count;
  }
  // The first document id at or after `id` holding the term; 0 when none.
  Xapian::docid first_from(Xapian::docid id) const {
    size_t w = id / 64;
    if (w >= words.size()) return 0;
    uint64_t bits = words[w] & (~uint64_t(0) << (id % 64));
    while (!bits) {
      if (++w == words.size()) return 0;
      bits = words[w];
    }
    return static_cast<Xapian::docid>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
  }
};

// Every document's word-pair filter (pair_value()), by document id: those
// of document d are words[start[d]..start[d + 1]), none when it has none
// (an older Lore wrote it). 4 bytes a document, and its filter's 8 to 512
// (1M generated Slack messages: 44 MB in all, read with the rest of the
// table in 0.3 s).
struct PairMemory {
  std::vector<uint32_t> start;
  std::vector<uint64_t> words;
  // Whether document `did` may hold every pair of `pairs`: yes when its
  // filter is not known.
  bool may_hold_all(Xapian::docid did, const std::vector<uint64_t>& pairs) const {
    if (did + 1 >= start.size()) return true;
    const uint32_t from = start[did], n = start[did + 1] - from;
    if (n == 0) return true;
    for (uint64_t p : pairs)
      if (!may_hold(words.data() + from, n, p)) return false;
    return true;
  }
};

// Every document's date and conversation in memory, by document id, for one
// revision of one database.
//
// Dates: newest first among equal scores asked Xapian for the date value of
// every candidate that tied with the last of the page, and ties are the rule
// (short messages with the word once all score the same): a word in 7,000
// messages took 1.6 ms instead of 0.24. From memory it takes 0.19.
//
// Conversations: grouping by thread let Xapian collapse on the thread value,
// which it reads for every candidate that could enter the page: 150-200
// reads of the value table a search (a word in 12,000 messages: 0.54 ms
// instead of 0.27 without grouping). The searcher now takes the best
// documents without grouping and groups them here, by a 64-bit hash of the
// conversation id (bench/query).
//
// Shared by every searcher of the process (lore-serve's pool); 16 bytes a
// document, and 4 more for each document of a conversation with replies;
// built on a searcher's second search, so that a one-off command does not
// pay for it (0.15 s at 1M documents), and again after each commit.
struct DocTable {
  std::string uuid;
  Xapian::rev revision = 0;
  std::vector<double> dates;      // by docid; NaN: ask the document
  std::vector<uint64_t> threads;  // by docid: thread_key(); 0: ask the document
  // The documents of each conversation with replies, in id order: those of
  // the conversation numbered n (answered) are members[start[n]..start[n+1]).
  std::unordered_map<uint64_t, uint32_t> answered;  // thread_key(.., true) -> n
  std::vector<uint32_t> start;
  std::vector<Xapian::docid> members;

  /// Every document's packed facets, read from `db` (at this table's
  /// revision) on first use: only a process that counts facets pays for it.
  const FacetMemory& facets(const Xapian::Database& db) const {
    std::call_once(facets_once_, [&] {
      const auto slot = field(Field::Facets).slot;
      facets_.of.assign(dates.size(), FacetMemory::kNone);
      std::unordered_map<std::string, uint32_t> numbers;
      std::string last;  // neighbours often share theirs (a conversation, an author's run)
      uint32_t last_number = FacetMemory::kNone;
      for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
        std::string value = *v;
        if (value != last || last_number == FacetMemory::kNone) {
          auto [it, added] = numbers.try_emplace(value, static_cast<uint32_t>(facets_.values.size()));
          if (added) facets_.values.push_back(it->first);
          last_number = it->second;
          last = std::move(value);
        }
        if (v.get_docid() < facets_.of.size()) facets_.of[v.get_docid()] = last_number;
      }
    });
    return facets_;
  }

  /// Every document's word-pair filter (pair_value(), value slot 6), read
  /// from `db` (at this table's revision) on first use: only a process that
  /// searches for phrases of common words pays for it.
  const PairMemory& pairs(const Xapian::Database& db) const {
    std::call_once(pairs_once_, [&] {
      pairs_.start.assign(dates.size() + 1, 0);
      const auto slot = field(Field::Pairs).slot;
      Xapian::docid next = 0;  // the first id whose start is not yet set
      for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
        const Xapian::docid id = v.get_docid();
        // (32-bit starts: past 32 GB of filters, the rest have none.)
        if (id >= dates.size() || pairs_.words.size() > UINT32_MAX - kMaxPairWords) break;
        const auto at = static_cast<uint32_t>(pairs_.words.size());
        while (next <= id) pairs_.start[next++] = at;
        pair_words_of(*v, pairs_.words);
      }
      const auto at = static_cast<uint32_t>(pairs_.words.size());
      while (next <= dates.size()) pairs_.start[next++] = at;
      pairs_.words.shrink_to_fit();
      pairs_loaded_ = true;
    });
    return pairs_;
  }

  /// The bitmap of `term`, read from `db` (at this table's revision) on first
  /// use; null when the term holds fewer than `min_documents` documents or a
  /// 64th of the index (a posting list that short is quick to seek in), or
  /// the bitmaps' budget is spent.
  const TermBits* bits(const Xapian::Database& db, const std::string& term, uint64_t min_documents) const {
    return remembered(term, [&](size_t n_words) -> std::unique_ptr<TermBits> {
      if (db.get_termfreq(term) < std::max<uint64_t>(min_documents, dates.size() / 64)) return nullptr;
      auto made = std::make_unique<TermBits>(n_words);
      for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) made->set(*p);
      return made;
    });
  }

  /// The same for the documents dated from `lo` to `hi` (both included,
  /// either open), from the dates in this table: one check a candidate where
  /// the range's years and months were one each.
  const TermBits* date_bits(std::optional<int64_t> lo, std::optional<int64_t> hi, uint64_t min_documents) const {
    const std::string key = "date:" + (lo ? std::to_string(*lo) : std::string()) + ".." + (hi ? std::to_string(*hi) : std::string());
    return remembered(key, [&](size_t n_words) -> std::unique_ptr<TermBits> {
      auto made = std::make_unique<TermBits>(n_words);
      for (size_t id = 1; id < dates.size(); ++id) {
        const double d = dates[id];
        if (!std::isnan(d) && (!lo || d >= static_cast<double>(*lo)) && (!hi || d <= static_cast<double>(*hi)))
          made->set(static_cast<Xapian::docid>(id));
      }
      if (made->count < std::max<uint64_t>(min_documents, dates.size() / 64)) return nullptr;
      return made;
    });
  }

  /// The bytes of the word-pair filters in memory; 0 until read.
  size_t pair_memory_bytes() const {
    return pairs_loaded_ ? pairs_.start.capacity() * sizeof(uint32_t) + pairs_.words.capacity() * sizeof(uint64_t) : 0;
  }

  size_t bitmap_count() const {
    std::lock_guard lk(bits_mu_);
    return static_cast<size_t>(std::count_if(bits_.begin(), bits_.end(), [](const auto& b) { return b.second != nullptr; }));
  }

  /// A document's date as a sort key (its date value's form); nothing when
  /// the table does not have it (then ask the document).
  std::optional<std::string> date_key(Xapian::docid id) const {
    if (id < dates.size() && !std::isnan(dates[id])) return Xapian::sortable_serialise(dates[id]);
    return std::nullopt;
  }

  /// The documents of the conversation with replies `key`; empty if unknown.
  std::span<const Xapian::docid> members_of(uint64_t key) const {
    auto it = answered.find(key | 1);
    if (it == answered.end()) return {};
    return std::span<const Xapian::docid>(members).subspan(start[it->second], start[it->second + 1] - start[it->second]);
  }

 private:
  // The bitmap named `key`, made on first use by `make` (given the number of
  // 64-bit words a bitmap of this table has), which returns null when one
  // is not worth keeping: that is remembered, and null returned from then
  // on. Null too when the budget is spent. (The searchers of a process share
  // one threshold; tests that vary it use indexes of their own.)
  template <typename Make>
  const TermBits* remembered(const std::string& key, Make&& make) const {
    std::lock_guard lk(bits_mu_);
    if (auto it = bits_.find(key); it != bits_.end()) return it->second.get();
    const size_t n_words = (dates.size() + 63) / 64;
    if (bits_bytes_ + n_words * 8 > kBitsBudget) return nullptr;
    std::unique_ptr<TermBits> made = make(n_words);
    if (made) bits_bytes_ += n_words * 8;
    return bits_.emplace(key, std::move(made)).first->second.get();
  }
  // Bitmaps take at most this many bytes in all (1M documents: 125 KB
  // each; 10M: 1.25 MB).
  static constexpr size_t kBitsBudget = size_t(64) << 20;
  mutable std::once_flag facets_once_;
  mutable FacetMemory facets_;
  mutable std::once_flag pairs_once_;
  mutable PairMemory pairs_;
  mutable std::atomic<bool> pairs_loaded_{false};
  mutable std::mutex bits_mu_;
  mutable std::unordered_map<std::string, std::unique_ptr<TermBits>> bits_;  // null: no bitmap for it
  mutable size_t bits_bytes_ = 0;
};

// A conversation's key: a hash of its id (bit 1 always set, so that no key
// is 0), bit 0 set when the conversation has replies (more documents than
// its root), so that only those need their matches counted.
uint64_t thread_key(std::string_view thread, bool has_replies) {
  uint64_t h = std::hash<std::string_view>()(thread) | 2;
  return has_replies ? h | 1 : h & ~uint64_t(1);
}

bool has_replies(uint64_t key) { return key & 1; }

std::shared_ptr<const DocTable> doc_table(const Xapian::Database& db) {
  static std::mutex mu;
  static std::vector<std::shared_ptr<const DocTable>> tables;  // the latest of each database
  const std::string uuid = db.get_uuid();
  const Xapian::rev revision = db.get_revision();
  if (uuid.empty()) return nullptr;  // not a single glass database
  std::lock_guard lk(mu);
  for (auto& t : tables)
    if (t->uuid == uuid && t->revision == revision) return t;
  auto table = std::make_shared<DocTable>();
  table->uuid = uuid;
  table->revision = revision;
  const size_t size = static_cast<size_t>(db.get_lastdocid()) + 1;
  const auto date_slot = field(Field::Date).slot;
  table->dates.assign(size, std::nan(""));
  for (auto v = db.valuestream_begin(date_slot); v != db.valuestream_end(date_slot); ++v)
    table->dates[v.get_docid()] = Xapian::sortable_unserialise(*v);
  // A reply carries its conversation's thread term; a root and a lone
  // message do not. So the conversations with replies are the thread terms,
  // numbered here; each document's number is kept while its key is made,
  // then the members are laid out by number, each conversation's in id order.
  const std::string prefix(field(Field::Thread).prefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t)
    table->answered.emplace(thread_key(std::string_view(*t).substr(prefix.size()), true),
                            static_cast<uint32_t>(table->answered.size()));
  // Most documents are in no such conversation: a bit a hash bucket rules
  // most of them out without a look-up in the map (1M: 0.24 to 0.15 s).
  constexpr unsigned kBuckets = 1u << 21;
  std::vector<bool> maybe(kBuckets);
  for (const auto& [key, n] : table->answered) maybe[(key >> 2) & (kBuckets - 1)] = true;
  const auto thread_slot = field(Field::Thread).slot;
  table->threads.assign(size, 0);
  std::vector<uint32_t> number(size, 0);  // n + 1; 0: no replies
  table->start.assign(table->answered.size() + 1, 0);
  for (auto v = db.valuestream_begin(thread_slot); v != db.valuestream_end(thread_slot); ++v) {
    const uint64_t key = thread_key(*v, true);
    auto found = maybe[(key >> 2) & (kBuckets - 1)] ? table->answered.find(key) : table->answered.end();
    if (found == table->answered.end()) {
      table->threads[v.get_docid()] = key & ~uint64_t(1);
      continue;
    }
    table->threads[v.get_docid()] = key;
    number[v.get_docid()] = found->second + 1;
    ++table->start[found->second + 1];
  }
  for (size_t n = 1; n < table->start.size(); ++n) table->start[n] += table->start[n - 1];
  table->members.resize(table->start.back());
  std::vector<uint32_t> next(table->start.begin(), table->start.end() - 1);
  for (size_t id = 0; id < size; ++id)
    if (number[id]) table->members[next[number[id] - 1]++] = static_cast<Xapian::docid>(id);
  std::erase_if(tables, [&](const auto& t) { return t->uuid == uuid; });
  if (tables.size() >= 8) tables.erase(tables.begin());
  tables.push_back(table);
  return table;
}

// The date value, from the table when it has the document.
class DateKey : public Xapian::KeyMaker {
 public:
  explicit DateKey(std::shared_ptr<const DocTable> table) : table_(std::move(table)) {}
  std::string operator()(const Xapian::Document& doc) const override {
    if (auto key = table_->date_key(doc.get_docid())) return *key;
    return doc.get_value(field(Field::Date).slot);
  }

 private:
  std::shared_ptr<const DocTable> table_;
};

// A document's conversation key from the table; 0 when there is no table or
// it does not have the document.
uint64_t thread_key_of(const DocTable* table, Xapian::docid id) {
  return table && id < table->threads.size() ? table->threads[id] : 0;
}

// The same, from the document's thread value when the table does not have
// it (the conversation then counts as having replies: its matches are
// counted).
uint64_t thread_key_of(const DocTable* table, const Xapian::Document& doc) {
  if (uint64_t key = thread_key_of(table, doc.get_docid())) return key;
  return thread_key(doc.get_value(field(Field::Thread).slot), true);
}

// Counts the matching documents of each conversation.
class ThreadCounter : public Xapian::MatchSpy {
 public:
  explicit ThreadCounter(const DocTable* table) : table_(table) {}
  void operator()(const Xapian::Document& doc, double) override { ++counts_[thread_key_of(table_, doc) | 1]; }
  uint64_t count(uint64_t key) const {
    auto it = counts_.find(key | 1);
    return it == counts_.end() ? 0 : it->second;
  }

 private:
  const DocTable* table_;
  std::unordered_map<uint64_t, uint64_t> counts_;
};

// The documents of a sorted list of ids: ANDed with a query, its matches
// among them, without a term read for each.
class DocList : public Xapian::PostingSource {
 public:
  explicit DocList(std::shared_ptr<const std::vector<Xapian::docid>> ids) : ids_(std::move(ids)) {}
  void init(const Xapian::Database&) override { at_ = kBefore; }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return static_cast<Xapian::doccount>(ids_->size()); }
  Xapian::doccount get_termfreq_max() const override { return static_cast<Xapian::doccount>(ids_->size()); }
  Xapian::docid get_docid() const override { return (*ids_)[at_]; }
  bool at_end() const override { return at_ != kBefore && at_ >= ids_->size(); }
  void next(double) override { at_ = at_ == kBefore ? 0 : at_ + 1; }
  void skip_to(Xapian::docid did, double) override {
    const size_t from = at_ == kBefore ? 0 : at_;
    at_ = static_cast<size_t>(std::lower_bound(ids_->begin() + static_cast<std::ptrdiff_t>(std::min(from, ids_->size())),
                                               ids_->end(), did) -
                              ids_->begin());
  }
  Xapian::PostingSource* clone() const override { return new DocList(ids_); }
  std::string get_description() const override { return "DocList(" + std::to_string(ids_->size()) + ")"; }

 private:
  static constexpr size_t kBefore = SIZE_MAX;
  std::shared_ptr<const std::vector<Xapian::docid>> ids_;
  size_t at_ = kBefore;
};

// The documents with ids from `lo` to `hi`, and with an end time none after
// it: ANDed with a query, its matches among them. It claims every document
// of the index as its estimate, so that Xapian never walks it but checks the
// query's candidates against it (in constant time; a check below `lo` moves
// the query on to `lo`, past the end time the match ends).
//
// A split search matches each half of the index so. A search's time limit
// bounds the facets pass so: Xapian's own time limit
// (Enquire::set_time_limit) is not used, its timer thread writes a flag in
// the matcher's frame and may do so after the match has returned, when the
// frame is reused (lore-serve's tests crashed so under load, with a limit
// that expires at once).
class DocRange : public Xapian::PostingSource {
 public:
  using Clock = std::chrono::steady_clock;
  DocRange(Xapian::docid lo, Xapian::docid hi, std::optional<Clock::time_point> end = std::nullopt)
      : lo_(lo), hi_(hi), end_(end) {}
  void init(const Xapian::Database& db) override {
    did_ = 0;
    moves_ = 0;
    all_ = db.get_doccount();
    last_ = std::min(hi_, db.get_lastdocid());
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return all_; }
  Xapian::doccount get_termfreq_max() const override { return all_; }
  Xapian::docid get_docid() const override { return did_; }
  bool at_end() const override { return did_ > last_; }
  void next(double) override { move_to(did_ < lo_ ? lo_ : did_ + 1); }
  void skip_to(Xapian::docid did, double) override { move_to(std::max({did, lo_, did_})); }
  bool check(Xapian::docid did, double) override {
    skip_to(did, 0);
    return true;
  }
  Xapian::PostingSource* clone() const override { return new DocRange(lo_, hi_, end_); }
  std::string get_description() const override {
    return "DocRange(" + std::to_string(lo_) + ".." + std::to_string(hi_) + (end_ ? ", timed" : "") + ")";
  }

 private:
  // With an end time, the clock is read every 64th move: reading it costs
  // about what a candidate does.
  void move_to(Xapian::docid did) {
    did_ = did;
    if (end_ && ++moves_ % 64 == 0 && Clock::now() > *end_) did_ = last_ + 1;
  }
  Xapian::docid lo_, hi_, last_ = 0, did_ = 0;
  std::optional<Clock::time_point> end_;
  Xapian::doccount all_ = 0;
  uint64_t moves_ = 0;
};

// A filter (a term, a date range) answered from its bitmap (TermBits): the
// same documents, no weight. Xapian checks most candidates against it (it
// claims the exact count, so an AND orders it as it would the term).
class BitsSource : public Xapian::PostingSource {
 public:
  explicit BitsSource(const TermBits* bits) : bits_(bits) {}
  void init(const Xapian::Database&) override { did_ = 0; }
  Xapian::doccount get_termfreq_min() const override { return bits_->count; }
  Xapian::doccount get_termfreq_est() const override { return bits_->count; }
  Xapian::doccount get_termfreq_max() const override { return bits_->count; }
  Xapian::docid get_docid() const override { return did_; }
  bool at_end() const override { return did_ == kEnd; }
  void next(double) override {
    if (did_ != kEnd) move_to(did_ + 1);
  }
  void skip_to(Xapian::docid did, double) override {
    if (did > did_) move_to(did);
  }
  bool check(Xapian::docid did, double) override {
    did_ = did;  // where Xapian goes on from if this is not a match
    return bits_->has(did);
  }
  Xapian::PostingSource* clone() const override { return new BitsSource(bits_); }
  std::string get_description() const override { return "BitsSource(" + std::to_string(bits_->count) + ")"; }

 private:
  static constexpr Xapian::docid kEnd = Xapian::docid(-1);
  void move_to(Xapian::docid did) {
    const Xapian::docid found = did == kEnd ? 0 : bits_->first_from(did);
    did_ = found ? found : kEnd;
  }
  const TermBits* bits_;
  Xapian::docid did_ = 0;
};

// The documents whose word-pair filter (PairMemory) may hold every pair of
// a phrase's words: all the documents holding the phrase, and a few more.
// ANDed with the phrase, Xapian checks each candidate of the phrase's words
// against it before reading their positions, which are most of a phrase's
// cost: `"output for used"` (21 matches) read the positions of the 39,172
// documents holding its three words; 776 of them may hold its pairs.
//
// Its estimate is the share of a sample of the filters that may hold the
// pairs, but at least one more than the phrase's rarest word holds: Xapian
// walks the sub-query of an AND with the lowest estimate and checks the
// others against it, and this one is meant to be checked right after that
// word (its next() tries every document in turn). Xapian's estimate of the
// phrase's matches is multiplied by that share, as for any part of an AND.
class PairFilter : public Xapian::PostingSource {
 public:
  PairFilter(const PairMemory* memory, std::vector<uint64_t> pairs, Xapian::doccount estimate)
      : memory_(memory), pairs_(std::move(pairs)), estimate_(estimate) {}
  void init(const Xapian::Database& db) override {
    did_ = 0;
    last_ = db.get_lastdocid();
    all_ = db.get_doccount();
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return std::min(estimate_, all_); }
  Xapian::doccount get_termfreq_max() const override { return all_; }
  Xapian::docid get_docid() const override { return did_; }
  bool at_end() const override { return did_ > last_; }
  void next(double) override { move_to(did_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    if (did > did_) move_to(did);
  }
  bool check(Xapian::docid did, double) override {
    did_ = did;
    return memory_->may_hold_all(did, pairs_);
  }
  Xapian::PostingSource* clone() const override { return new PairFilter(memory_, pairs_, estimate_); }
  std::string get_description() const override { return "PairFilter(" + std::to_string(estimate_) + ")"; }

  /// The estimate for `pairs`: the share of about 4,096 documents spread
  /// over the index that may hold them, times `documents`; at least
  /// `at_least`.
  static Xapian::doccount estimate(const PairMemory& memory, const std::vector<uint64_t>& pairs,
                                   Xapian::doccount documents, Xapian::doccount at_least) {
    if (memory.start.size() < 3) return documents;
    const size_t ids = memory.start.size() - 2, samples = std::min<size_t>(4096, ids), stride = ids / samples;
    size_t passed = 0;
    for (size_t k = 0; k < samples; ++k) passed += memory.may_hold_all(static_cast<Xapian::docid>(1 + k * stride), pairs);
    const auto share = static_cast<Xapian::doccount>(static_cast<double>(documents) * static_cast<double>(passed) /
                                                      static_cast<double>(samples));
    return std::min(documents, std::max(share, at_least));
  }

 private:
  void move_to(Xapian::docid did) {
    while (did <= last_ && !memory_->may_hold_all(did, pairs_)) ++did;
    did_ = did;
  }
  const PairMemory* memory_;
  std::vector<uint64_t> pairs_;
  Xapian::doccount estimate_, all_ = 0;
  Xapian::docid did_ = 0, last_ = 0;
};

// A phrase's terms in order, when it is made of terms only and its window
// is their number (its words side by side, as QueryParser makes a quoted
// phrase or a hyphenated word; Xapian's Query shows a window only in its
// description); else nothing.
std::optional<std::vector<std::string>> side_by_side_terms(const Xapian::Query& phrase) {
  std::vector<std::string> terms;
  for (size_t i = 0; i < phrase.get_num_subqueries(); ++i) {
    const Xapian::Query sub = phrase.get_subquery(i);
    if (sub.get_type() != Xapian::Query::LEAF_TERM || sub.get_terms_begin() == sub.get_terms_end()) return std::nullopt;
    terms.push_back(*sub.get_terms_begin());
  }
  if (terms.size() < 2 ||
      phrase.get_description().find(" PHRASE " + std::to_string(terms.size()) + " ") == std::string::npos)
    return std::nullopt;
  return terms;
}

// `q` with `filter_of(terms)` ANDed with each phrase that every match must
// hold (reached from the top through AND, FILTER and the left side of
// AND_NOT and AND_MAYBE: a phrase under an OR rules nothing out) and for
// which it gives one; nothing when there is no such phrase. The filter is
// put next to the phrase itself: Xapian checks a phrase's positions after
// every other part of the AND it is in, but an AND_MAYBE (the query
// parser's title boost) makes a match of its own, outside the AND of the
// filters above it.
std::optional<Xapian::Query> with_phrase_filters(
    const Xapian::Query& q, const std::function<std::optional<Xapian::Query>(const std::vector<std::string>&)>& filter_of) {
  const auto op = q.get_type();
  const size_t n = q.get_num_subqueries();
  switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_AND_MAYBE: {
      const size_t required = op == Xapian::Query::OP_AND || op == Xapian::Query::OP_FILTER ? n : std::min<size_t>(n, 1);
      std::vector<Xapian::Query> subs;
      bool changed = false;
      for (size_t i = 0; i < n; ++i) {
        subs.push_back(q.get_subquery(i));
        if (i >= required) continue;
        if (std::optional<Xapian::Query> with = with_phrase_filters(subs.back(), filter_of)) {
          subs.back() = *with;
          changed = true;
        }
      }
      if (!changed) return std::nullopt;
      return Xapian::Query(op, subs.begin(), subs.end());
    }
    case Xapian::Query::OP_PHRASE:
      if (const auto terms = side_by_side_terms(q))
        if (auto filter = filter_of(*terms)) return Xapian::Query(Xapian::Query::OP_FILTER, q, *filter);
      return std::nullopt;
    default: return std::nullopt;
  }
}

// `q` with each phrase it requires whose rarest word `from` or more
// documents hold checked first against the word pairs in memory
// (PairFilter).
Xapian::Query with_pair_filters(const Xapian::Query& q, const Xapian::Database& db, const DocTable& table, uint64_t from) {
  const auto with = with_phrase_filters(q, [&](const std::vector<std::string>& terms) -> std::optional<Xapian::Query> {
    Xapian::doccount rarest = db.get_doccount();
    for (const auto& t : terms) rarest = std::min(rarest, db.get_termfreq(t));
    if (rarest == 0 || rarest < from) return std::nullopt;
    const PairMemory& memory = table.pairs(db);
    std::vector<uint64_t> pairs = phrase_pairs(terms);
    const Xapian::doccount estimate = PairFilter::estimate(memory, pairs, db.get_doccount(), rarest + 1);
    return Xapian::Query((new PairFilter(&memory, std::move(pairs), estimate))->release());
  });
  return with.value_or(q);
}

// Whether a match is long enough to gain from a second thread, which costs
// about 0.3 ms to start and set up: the words it intersects (a word as often
// as the query names it: Xapian walks it as often) have `least` postings or
// more in all. An intersection with a word the index lacks is empty at once.
bool worth_splitting(const Xapian::Database& db, const std::vector<std::string>& terms, uint64_t least) {
  if (terms.size() < 2) return false;
  uint64_t postings = 0;
  for (const auto& t : terms) {
    const Xapian::doccount n = db.get_termfreq(t);
    if (n == 0) return false;
    postings += n;
  }
  return postings >= least;
}

// Searches running in this process: a search splits its match over two
// threads only when it runs alone, so that a busy server does not pay for
// the second thread twice.
std::atomic<int> running_searches{0};
struct Running {
  Running() { ++running_searches; }
  ~Running() { --running_searches; }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
};

// How many documents matching `q` each conversation of `best` holds,
// counted in one search over the conversations with replies (a conversation
// without is its one document): their documents' ids from the table, else
// their thread terms.
std::vector<uint64_t> thread_matches(const Xapian::Database& db, const Xapian::Query& q,
                                     const std::vector<Xapian::MSetIterator>& best, const DocTable* table) {
  std::vector<uint64_t> matches(best.size(), 1), keys;
  std::vector<Xapian::Query> threads;
  auto ids = std::make_shared<std::vector<Xapian::docid>>();
  for (const auto& it : best) {
    const uint64_t key = thread_key_of(table, *it);
    if (key && !has_replies(key)) {
      keys.push_back(key);
      continue;
    }
    if (key) {
      for (Xapian::docid id : table->members_of(key)) ids->push_back(id);
      keys.push_back(key);
      continue;
    }
    Xapian::Document doc = it.get_document();
    keys.push_back(thread_key_of(table, doc));
    threads.push_back(thread_query(doc.get_value(field(Field::Thread).slot)));
  }
  if (!ids->empty()) {
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    threads.emplace_back((new DocList(ids))->release());
  }
  if (threads.empty()) return matches;
  ThreadCounter counter(table);
  Xapian::Enquire e(db);
  e.set_query(Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(Xapian::Query::OP_OR, threads.begin(), threads.end())));
  e.set_weighting_scheme(Xapian::BoolWeight());
  e.add_matchspy(&counter);
  e.get_mset(0, 0, db.get_doccount());
  for (size_t i = 0; i < best.size(); ++i)
    if (has_replies(keys[i])) matches[i] = std::max<uint64_t>(1, counter.count(keys[i]));
  return matches;
}

// BM25 over wdfs normalised when written (LengthNorm, schema.h): b = 0, so
// Xapian reads no document length, and k1 in the stored wdfs' scale.
Xapian::BM25Weight bm25(const Ranking& r) { return Xapian::BM25Weight(r.k1 * kWdfScale, 0, 1, 0, 0); }

}  // namespace

size_t Searcher::pair_memory_bytes() {
  auto table = doc_table(db_);
  return table ? table->pair_memory_bytes() : 0;
}

size_t Searcher::bitmaps() {
  auto table = doc_table(db_);
  return table ? table->bitmap_count() : 0;
}

SearchResult Searcher::search(const SearchRequest& req) {
  SearchResult result;
  result.query = req.query;
  result.offset = req.offset;
  result.limit = std::min(req.limit, kMaxLimit);
  const Running running;
  xapian_try(path_, [&] {
    with_retry(db_, [&] {
      result.hits.clear();
      result.corrected.reset();
      const int64_t now = clock_now();
      std::shared_ptr<const DocTable> table = ++searches_ > 1 ? doc_table(db_) : nullptr;
      // With the table, filters' terms with many documents are bitmaps
      // (TermBits), read through handle `db` when first used.
      auto filter_terms = [&](const Xapian::Database& db) -> FilterTerms {
        if (!table || bitmaps_from_ == UINT64_MAX) return {};
        return [&table, &db, from = bitmaps_from_](const std::string& term) -> std::optional<Xapian::Query> {
          if (const TermBits* bits = table->bits(db, term, from)) return Xapian::Query((new BitsSource(bits))->release());
          return std::nullopt;
        };
      };
      auto date_filter = [&]() -> DateFilter {
        if (!table || bitmaps_from_ == UINT64_MAX) return {};
        return [&table, from = bitmaps_from_](std::optional<int64_t> lo,
                                              std::optional<int64_t> hi) -> std::optional<Xapian::Query> {
          if (const TermBits* bits = table->date_bits(lo, hi, from)) return Xapian::Query((new BitsSource(bits))->release());
          return std::nullopt;
        };
      };
      QueryParser qp(db_, now, filter_terms(db_), date_filter());
      ParsedQuery parsed = qp.parse(req.query, true);
      // The query searched through handle `db`: the parsed one restricted to
      // what the caller may see, and a phrase of common words first checked
      // against the word pairs in memory (PairFilter).
      auto searched = [&](const Xapian::Database& db, const Xapian::Query& parsed_query) {
        Xapian::Query query = restrict(parsed_query, req.access, filter_terms(db));
        return table && pairs_from_ != UINT64_MAX ? with_pair_filters(query, db, *table, pairs_from_) : query;
      };
      Xapian::Query q = searched(db_, parsed.query);
      const auto date_slot = field(Field::Date).slot;
      // How a match is run, on this thread's database or the twin's.
      auto configure = [&](Xapian::Enquire& e, const Xapian::Query& query) {
        e.set_query(query);
        e.set_weighting_scheme(bm25(ranking_));
        // Xapian owns the key maker once given it (release()).
        switch (req.sort) {
          case Sort::Relevance:
            if (table)
              e.set_sort_by_relevance_then_key((new DateKey(table))->release(), true);
            else
              e.set_sort_by_relevance_then_value(date_slot, true);
            break;
          case Sort::Newest:
          case Sort::Oldest:
            if (table)
              e.set_sort_by_key_then_relevance((new DateKey(table))->release(), req.sort == Sort::Newest);
            else
              e.set_sort_by_value_then_relevance(date_slot, req.sort == Sort::Newest);
            break;
        }
      };
      Xapian::Enquire enquire(db_);
      configure(enquire, q);
      // A long intersection of two or more words, on a large index, by a
      // searcher that has its table, running alone (Split): each half of the
      // index is matched on a thread of its own and the two tops are merged.
      // A single word is not split: Xapian then checks every posting against
      // the half, which costs more than the second core gains.
      const bool split = table && db_.get_doccount() >= split_.documents && running_searches.load() == 1 &&
                         worth_splitting(db_, parsed.and_terms, split_.postings) && twin_ready();
      // The best `n` documents, best first, from one match or from two.
      struct Top {
        Xapian::MSet mset;  // for snippets: any of the matches
        std::vector<Xapian::MSetIterator> docs;
        uint64_t estimate = 0;  // documents matching
        bool all_seen = false;  // docs holds every match
        // With facets: what the match counted as it went, when that was
        // every match (Xapian then knows their number exactly and the spy
        // saw as many); else null.
        std::shared_ptr<FacetSpy> counted;
      };
      // The facets in memory, made here (on this thread's handle) before a
      // split match gives a spy to each thread.
      const FacetMemory* facet_memory = req.facets && table ? &table->facets(db_) : nullptr;
      auto new_spy = [&] {
        auto spy = std::make_shared<FacetSpy>(
            std::vector<std::string_view>{"source", "kind", "space", "author", "tag", "year"});
        if (facet_memory) spy->use(facet_memory);
        return spy;
      };
      // Runs a match with a spy when facets are asked for: whether it saw
      // every match.
      auto spied = [&](Xapian::Enquire& e, Xapian::doccount want, Xapian::MSet& out, FacetSpy* spy,
                       Xapian::doccount from = 0) {
        if (!spy) {
          out = e.get_mset(from, want);
          return false;
        }
        e.add_matchspy(spy);
        out = e.get_mset(from, want);
        e.clear_matchspies();
        return spy->seen() == out.get_matches_upper_bound();
      };
      // A split: `run(db, query, lo, hi)` on each half of the document ids,
      // the lower on this thread's handle and query, the upper on the twin's
      // with the query parsed again there (Xapian's reference counts are not
      // atomic, so the two threads must share no query object). Returns the
      // last id of the lower half.
      const Xapian::docid last_id = db_.get_lastdocid();
      auto in_halves = [&](auto&& run) {
        const Xapian::docid mid = last_id / 2;
        side_by_side([&] { run(db_, q, Xapian::docid(1), mid); },
                     [&] {
                       const Xapian::Query mine = searched(
                           *twin_, QueryParser(*twin_, now, filter_terms(*twin_), date_filter()).parse(req.query).query);
                       run(*twin_, mine, mid + 1, last_id);
                     });
        return mid;
      };
      auto top = [&](size_t n) {
        Top t;
        const auto want = static_cast<Xapian::doccount>(n);
        std::shared_ptr<FacetSpy> spy = req.facets ? new_spy() : nullptr;
        if (!split) {
          if (spied(enquire, want, t.mset, spy.get())) t.counted = spy;
          for (auto it = t.mset.begin(); it != t.mset.end(); ++it) t.docs.push_back(it);
          t.estimate = t.mset.get_matches_estimated();
          t.all_seen = t.mset.size() < n;
          return t;
        }
        Xapian::MSet upper;
        std::shared_ptr<FacetSpy> upper_spy = req.facets ? new_spy() : nullptr;
        bool lower_whole = false, upper_whole = false;
        const Xapian::docid mid =
            in_halves([&](const Xapian::Database& db, const Xapian::Query& query, Xapian::docid lo, Xapian::docid hi) {
              Xapian::Enquire e(db);
              configure(e, Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query((new DocRange(lo, hi))->release())));
              if (lo == 1)
                lower_whole = spied(e, want, t.mset, spy.get());
              else
                upper_whole = spied(e, want, upper, upper_spy.get());
            });
        if (lower_whole && upper_whole) {
          spy->add(*upper_spy);
          t.counted = spy;
        }
        // Merged in Xapian's order: the sort, then the lower document id.
        auto key = [&](const Xapian::MSetIterator& it) {
          if (auto k = table->date_key(*it)) return *k;
          return it.get_document().get_value(date_slot);
        };
        auto before = [&](const Xapian::MSetIterator& a, const Xapian::MSetIterator& b) {
          const double wa = a.get_weight(), wb = b.get_weight();
          if (req.sort == Sort::Relevance) {
            if (wa != wb) return wa > wb;
            const std::string ka = key(a), kb = key(b);
            if (ka != kb) return ka > kb;
          } else {
            const std::string ka = key(a), kb = key(b);
            if (ka != kb) return req.sort == Sort::Newest ? ka > kb : ka < kb;
            if (wa != wb) return wa > wb;
          }
          return *a < *b;
        };
        auto a = t.mset.begin(), b = upper.begin();
        while (t.docs.size() < n && (a != t.mset.end() || b != upper.end())) {
          if (b == upper.end() || (a != t.mset.end() && before(a, b)))
            t.docs.push_back(a++);
          else
            t.docs.push_back(b++);
        }
        // Each half's estimate is of the whole index (the range claims
        // every document): its share of it, unless the half was seen whole.
        auto part = [&](const Xapian::MSet& m, double share) -> uint64_t {
          if (m.size() < n) return m.size();
          return std::max<uint64_t>(m.size(), static_cast<uint64_t>(std::llround(m.get_matches_estimated() * share)));
        };
        const double low = static_cast<double>(mid) / static_cast<double>(last_id);
        t.estimate = part(t.mset, low) + part(upper, 1 - low);
        // Every match is in docs when both halves were seen whole and
        // together fit in it.
        t.all_seen = t.mset.size() < n && upper.size() < n && t.mset.size() + upper.size() <= n;
        return t;
      };
      // A conversation where many documents match gains on one passing
      // mention: the top of the ranking is re-ordered by the boosted score.
      // The window is fixed, so pages stay consistent with one another. 20
      // conversations: the known-item benchmark ranks the same as with 100,
      // and a window of 100 made a grouped search take twice as long (Xapian
      // must find five times as many distinct conversations).
      const bool grouped = req.group == Group::Thread;
      const bool boost = req.sort == Sort::Relevance && grouped && ranking_.thread_boost > 0 && parsed.has_text;
      constexpr size_t kBoostWindow = 20;
      const size_t first = boost && result.offset < kBoostWindow ? 0 : result.offset;
      const size_t count = boost && result.offset < kBoostWindow ? std::max(kBoostWindow, result.offset + result.limit)
                                                                 : result.limit;
      // The best document of each conversation, best first: grouped in
      // memory from the best documents when the table is there and the page
      // is near the top (a quarter more documents than conversations are
      // asked for, four times as many again until they hold enough
      // conversations: most documents are the only match of theirs, and
      // each document more asked for costs the match); else Xapian
      // collapses on the thread value.
      Xapian::MSet mset;
      std::vector<Xapian::MSetIterator> best;
      uint64_t uncollapsed = 0;
      bool page_found = false;
      std::shared_ptr<FacetSpy> counted;  // the page's match counted every match's facets
      if (grouped && table && first + count <= kGroupInMemoryUpTo) {
        const size_t need = first + count;
        for (size_t n = std::max<size_t>(need + need / 4, 10);; n *= 4) {
          Top t = top(n);
          mset = t.mset;
          counted = t.counted;
          uncollapsed = t.estimate;
          best.clear();
          std::unordered_set<uint64_t> seen;
          for (const auto& it : t.docs) {
            uint64_t key = thread_key_of(table.get(), *it);
            if (!key) key = thread_key_of(table.get(), it.get_document());
            if (seen.insert(key | 1).second) best.push_back(it);
          }
          if (t.all_seen) {
            page_found = true;
            result.total = best.size();
            break;
          }
          if (best.size() >= need) {
            page_found = true;
            // The documents' estimate, times the share of distinct
            // conversations among the best of them.
            const double share = static_cast<double>(best.size()) / static_cast<double>(t.docs.size());
            result.total =
                std::max<uint64_t>(best.size(), static_cast<uint64_t>(std::llround(static_cast<double>(t.estimate) * share)));
            break;
          }
          if (n * 4 > kGroupInMemoryDocs) break;  // a few long conversations hold the top: Xapian collapses
        }
        if (page_found) best.erase(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(std::min(first, best.size())));
        if (best.size() > count) best.resize(count);
      }
      if (!grouped && split && first + count <= kMaxLimit) {
        Top t = top(first + count);
        mset = t.mset;
        counted = t.counted;
        result.total = uncollapsed = t.estimate;
        best.assign(t.docs.begin() + static_cast<std::ptrdiff_t>(std::min(first, t.docs.size())), t.docs.end());
        page_found = true;
      }
      if (!page_found) {
        counted.reset();
        if (grouped) {
          enquire.set_collapse_key(field(Field::Thread).slot);
          mset = enquire.get_mset(first, count);
        } else {
          std::shared_ptr<FacetSpy> spy = req.facets ? new_spy() : nullptr;
          if (spied(enquire, static_cast<Xapian::doccount>(count), mset, spy.get(), static_cast<Xapian::doccount>(first)))
            counted = spy;
        }
        result.total = mset.get_matches_estimated();
        uncollapsed = mset.get_uncollapsed_matches_estimated();
        best.clear();
        for (auto it = mset.begin(); it != mset.end(); ++it) best.push_back(it);
      }
      if (req.facets && counted && counted->seen() <= req.exact_facets_up_to) {
        // The match saw every match (they fitted in the documents it was
        // asked for, so Xapian skipped none) and counted them as it went.
        result.facets = counted->facets(kMaxFacetValues, 1);
        result.facets->counted_in_match = true;
        result.total = req.group == Group::None ? counted->seen() : std::min<uint64_t>(result.total, counted->seen());
      } else if (req.facets) {
        // Facets in a pass of their own: no weights, no grouping (a pass
        // that collapsed every match read each one's conversation), and
        // over a sample (OneInK) when the matches are many.
        const uint64_t matches = uncollapsed;
        const uint64_t sample = std::min<uint64_t>(kFacetSample, std::max<uint64_t>(req.exact_facets_up_to / 2, 1));
        const auto every =
            static_cast<Xapian::docid>(matches > req.exact_facets_up_to ? (matches + sample - 1) / sample : 1);
        std::optional<std::chrono::steady_clock::time_point> end;
        if (req.time_limit > 0)
          end = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                       std::chrono::duration<double>(req.time_limit));
        // The documents from `lo` to `hi` matching `base`, or a sample of
        // them, counted by `spy` on handle `db` (a handle serves one thread).
        auto pass_over = [&](const Xapian::Database& db, const Xapian::Query& base, Xapian::docid lo, Xapian::docid hi,
                             FacetSpy& spy) {
          Xapian::Query counted = every == 1 ? base
                                             : Xapian::Query(Xapian::Query::OP_FILTER, base,
                                                             Xapian::Query((new OneInK(every))->release()));
          if (lo > 1 || hi != Xapian::docid(-1) || end)
            counted = Xapian::Query(Xapian::Query::OP_FILTER, counted, Xapian::Query((new DocRange(lo, hi, end))->release()));
          Xapian::Enquire pass(db);
          pass.set_query(counted);
          pass.set_weighting_scheme(Xapian::BoolWeight());
          pass.add_matchspy(&spy);
          pass.get_mset(0, 0, db.get_doccount());
        };
        // Split as the match was: each half of the ids on a thread of its own
        // (the sample picks documents by id, so the halves' samples make the
        // whole's).
        const std::shared_ptr<FacetSpy> counter = new_spy();
        FacetSpy& spy = *counter;
        if (split) {
          const std::shared_ptr<FacetSpy> upper = new_spy();
          in_halves([&](const Xapian::Database& db, const Xapian::Query& query, Xapian::docid lo, Xapian::docid hi) {
            pass_over(db, query, lo, hi, lo == 1 ? spy : *upper);
          });
          spy.add(*upper);
        } else {
          pass_over(db_, q, 1, Xapian::docid(-1), spy);
        }
        result.facets = spy.facets(kMaxFacetValues, every);
        // Every match was counted: the documents' total is known, and a
        // count of conversations cannot be more than it.
        if (every == 1)
          result.total = req.group == Group::None ? spy.seen() : std::min<uint64_t>(result.total, spy.seen());
      }
      // How many documents of each conversation on the page match: the
      // boost's measure, and each hit's thread_matches.
      const std::vector<uint64_t> matches =
          grouped ? thread_matches(db_, q, best, table.get()) : std::vector<uint64_t>(best.size(), 1);
      struct Ranked {
        Xapian::MSetIterator it;
        double score;
        uint64_t matches;
      };
      std::vector<Ranked> ranked;
      for (size_t i = 0; i < best.size(); ++i) {
        double score = best[i].get_weight();
        if (boost) score *= 1 + ranking_.thread_boost * std::log2(static_cast<double>(matches[i]));
        ranked.push_back({best[i], score, matches[i]});
      }
      if (boost) {
        std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
        size_t skip = result.offset - first;
        ranked.erase(ranked.begin(), ranked.begin() + std::min(skip, ranked.size()));
        if (ranked.size() > result.limit) ranked.resize(result.limit);
      }
      for (const auto& [it, score, n] : ranked) {
        Hit hit;
        Xapian::Document doc = it.get_document();
        hit.record = from_document(doc);
        hit.score = score;
        hit.thread_matches = grouped ? n : 1;
        if (req.snippets) hit.snippet = make_snippet(mset, hit.record.text);
        result.hits.push_back(std::move(hit));
      }
      fill_thread_titles(result.hits, req.access);
      // Did you mean: only when this query finds (almost) nothing the caller
      // may see and the corrected one finds more of what the caller may see.
      if (parsed.has_text && !parsed.corrected.empty()) {
        uint64_t found = exact_count(q);
        if (found < kFewMatches) {
          ParsedQuery fixed = qp.parse(parsed.corrected);
          if (exact_count(restrict(fixed.query, req.access)) > found) result.corrected = parsed.corrected;
        }
      }
    });
  });
  return result;
}

uint64_t Searcher::count(const std::string& query, const Access& access) {
  uint64_t n = 0;
  xapian_try(path_, [&] {
    with_retry(db_, [&] {
      Xapian::Enquire enquire(db_);
      enquire.set_query(restrict(parse(query), access));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      Xapian::MSet mset = enquire.get_mset(0, 0, db_.get_doccount());
      n = mset.get_matches_estimated();
    });
  });
  return n;
}

std::optional<Xapian::docid> Searcher::find(const std::string& id, const Access& access) {
  const std::string t = term(Field::Id, id);
  std::optional<Xapian::docid> found;
  with_retry(db_, [&] {
    found.reset();
    auto it = db_.postlist_begin(t);
    if (it == db_.postlist_end(t)) return;
    Xapian::docid did = *it;
    if (!access.all) {
      // Visible when the document has the public term or one of the caller's principals.
      Xapian::Enquire e(db_);
      e.set_query(restrict(Xapian::Query(t), access));
      if (e.get_mset(0, 1).empty()) return;
    }
    found = did;
  });
  return found;
}

std::optional<Record> Searcher::document(const std::string& id, const Access& access) {
  std::optional<Record> out;
  xapian_try(path_, [&] {
    auto did = find(id, access);
    if (did) out = with_retry(db_, [&] { return from_document(db_.get_document(*did)); });
  });
  return out;
}

std::vector<Record> Searcher::thread(const std::string& id, const Access& access) {
  std::vector<Record> out;
  xapian_try(path_, [&] {
    auto did = find(id, access);
    if (!did) return;
    std::string thread = with_retry(db_, [&] { return db_.get_document(*did).get_value(field(Field::Thread).slot); });
    with_retry(db_, [&] {
      out.clear();
      Xapian::Enquire e(db_);
      e.set_query(restrict(thread_query(thread), access));
      e.set_weighting_scheme(Xapian::BoolWeight());
      e.set_sort_by_value(field(Field::Date).slot, false);
      e.set_docid_order(Xapian::Enquire::ASCENDING);
      Xapian::MSet m = e.get_mset(0, db_.get_doccount());
      for (auto it = m.begin(); it != m.end(); ++it) out.push_back(from_document(it.get_document()));
    });
  });
  return out;
}

void Searcher::each_match(const std::string& query, const Access& access,
                          const std::function<void(const Record&)>& fn) {
  xapian_try(path_, [&] {
    Xapian::Enquire e(db_);
    e.set_query(restrict(parse(query), access));
    e.set_weighting_scheme(Xapian::BoolWeight());
    e.set_sort_by_value(field(Field::Date).slot, false);
    const Xapian::doccount page = 1000;
    for (Xapian::doccount start = 0;; start += page) {
      Xapian::MSet m = with_retry(db_, [&] { return e.get_mset(start, page); });
      for (auto it = m.begin(); it != m.end(); ++it) fn(from_document(it.get_document()));
      if (m.size() < page) break;
    }
  });
}

SearchResult Searcher::similar(const std::string& id, size_t limit, const Access& access) {
  SearchResult result;
  result.query = "similar:" + id;
  result.limit = std::min(limit, kMaxLimit);
  xapian_try(path_, [&] {
    auto did = find(id, access);
    if (!did) throw Error(Error::Code::NotFound, "no document " + id);
    with_retry(db_, [&] {
      result.hits.clear();
      std::string thread = db_.get_document(*did).get_value(field(Field::Thread).slot);
      // The terms that best describe this conversation, from the documents of
      // it the caller may see. An ESet draws its candidate terms only from the
      // RSet's documents, so no word of a hidden document can be chosen; its
      // weights use index-wide frequencies (as every BM25 score does), which
      // may change which visible words win, never reveal a hidden one.
      Xapian::Enquire seed(db_);
      seed.set_query(restrict(thread_query(thread), access));
      Xapian::MSet seeds = seed.get_mset(0, 50);
      Xapian::RSet rset;
      for (auto it = seeds.begin(); it != seeds.end(); ++it) rset.add_document(*it);
      struct Words : Xapian::ExpandDecider {
        bool operator()(const std::string& t) const override {
          return !t.empty() && t[0] >= 'a' && t[0] <= 'z';  // unprefixed, lowercase words only
        }
      } words;
      Xapian::Enquire e(db_);
      e.set_query(restrict(thread_query(thread), access));
      Xapian::ESet eset = e.get_eset(20, rset, &words);
      std::vector<Xapian::Query> terms;
      for (auto it = eset.begin(); it != eset.end(); ++it) terms.emplace_back(*it);
      if (terms.empty()) return;
      Xapian::Query q(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                      thread_query(thread));
      const Xapian::Query restricted = restrict(q, access);
      Xapian::Enquire out(db_);
      out.set_query(restricted);
      out.set_weighting_scheme(bm25(ranking_));
      out.set_collapse_key(field(Field::Thread).slot);
      Xapian::MSet m = out.get_mset(0, result.limit);
      result.total = m.get_matches_estimated();
      std::vector<Xapian::MSetIterator> best;
      for (auto it = m.begin(); it != m.end(); ++it) best.push_back(it);
      const std::vector<uint64_t> matches = thread_matches(db_, restricted, best, nullptr);
      for (size_t i = 0; i < best.size(); ++i) {
        const Xapian::MSetIterator& it = best[i];
        Hit hit;
        hit.record = from_document(it.get_document());
        hit.score = it.get_weight();
        hit.thread_matches = matches[i];
        hit.snippet = make_snippet(m, hit.record.text);
        result.hits.push_back(std::move(hit));
      }
      fill_thread_titles(result.hits, access);
    });
  });
  return result;
}

Stats Searcher::stats(const Access& access) {
  Stats s;
  s.path = path_;
  xapian_try(path_, [&] {
    with_retry(db_, [&] {
      Xapian::Enquire e(db_);
      e.set_query(access_filter(access));
      e.set_weighting_scheme(Xapian::BoolWeight());
      FacetSpy spy({"source", "kind", "space"});
      e.add_matchspy(&spy);
      e.set_sort_by_value(field(Field::Date).slot, false);
      Xapian::MSet first = e.get_mset(0, 1, db_.get_doccount());
      s.documents = first.get_matches_estimated();
      s.by = spy.facets(SIZE_MAX);
      if (!first.empty()) {
        s.first_date = static_cast<int64_t>(
            Xapian::sortable_unserialise(first.begin().get_document().get_value(field(Field::Date).slot)));
        Xapian::Enquire last(db_);
        last.set_query(access_filter(access));
        last.set_weighting_scheme(Xapian::BoolWeight());
        last.set_sort_by_value(field(Field::Date).slot, true);
        Xapian::MSet l = last.get_mset(0, 1);
        s.last_date = static_cast<int64_t>(
            Xapian::sortable_unserialise(l.begin().get_document().get_value(field(Field::Date).slot)));
      }
      s.last_import = db_.get_metadata(std::string(kLastImportKey));
    });
  });
  return s;
}

std::string Searcher::explain(const std::string& query, const Access& access) {
  std::string out;
  xapian_try(path_, [&] {
    QueryParser qp(db_, clock_now());
    ParsedQuery parsed = qp.parse(query);
    out = "parsed: " + parsed.tree + "\n";
    out += "xapian: " + restrict(parsed.query, access).get_description() + "\n";
  });
  return out;
}

}  // namespace lore
