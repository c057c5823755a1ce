#include "searcher.h"

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "database.h"
#include "errors.h"
#include "query_parser.h"
#include "schema.h"

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
  size_t cut = std::min(text.size(), kSnippetBytes);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string head = text.substr(0, cut);
  if (cut < text.size()) {
    // End on a word boundary.
    size_t space = head.find_last_of(" \n");
    if (space != std::string::npos && space > cut / 2) head.resize(space);
    return html_escape(head) + "…";
  }
  return html_escape(head);
}

// Counts the facet slots of every document the match considers (all of them:
// check_at_least is set to the whole database), a tag once per tag.
class FacetSpy : public Xapian::MatchSpy {
 public:
  struct Slot {
    std::string name;
    Xapian::valueno slot;
    bool multi;
  };
  explicit FacetSpy(std::vector<Slot> slots) : slots_(std::move(slots)), counts_(slots_.size()) {}

  void operator()(const Xapian::Document& doc, double) override {
    for (size_t i = 0; i < slots_.size(); ++i) {
      std::string v = doc.get_value(slots_[i].slot);
      if (v.empty()) continue;
      if (!slots_[i].multi) {
        ++counts_[i][v];
        continue;
      }
      size_t start = 0;
      while (start <= v.size()) {
        size_t end = v.find('\n', start);
        if (end == std::string::npos) end = v.size();
        if (end > start) ++counts_[i][v.substr(start, end - start)];
        start = end + 1;
      }
    }
  }

  Facets facets(size_t max_per_facet) const {
    Facets out;
    for (size_t i = 0; i < slots_.size(); ++i) {
      FacetCounts c(counts_[i].begin(), counts_[i].end());
      std::sort(c.begin(), c.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
      if (c.size() > max_per_facet) c.resize(max_per_facet);
      out.by_name.emplace_back(slots_[i].name, std::move(c));
    }
    return out;
  }

 private:
  std::vector<Slot> slots_;
  std::vector<std::unordered_map<std::string, uint64_t>> counts_;
};

std::vector<FacetSpy::Slot> facet_slots(std::initializer_list<Field> fields) {
  std::vector<FacetSpy::Slot> out;
  for (Field f : fields) {
    const auto& info = field(f);
    std::string name(info.name);
    if (f == Field::Kind) name = "kind";
    if (f == Field::Space) name = "space";
    if (f == Field::Author) name = "author";
    out.push_back({name, info.slot, f == Field::Tag});
  }
  return out;
}

constexpr size_t kMaxLimit = 1000;
constexpr size_t kMaxFacetValues = 50;

}  // namespace

Searcher::Searcher(const std::string& path) : path_(path), db_(open_for_reading(path)) {}

void Searcher::reopen() {
  xapian_try(path_, [&] { db_.reopen(); });
}

Xapian::Query Searcher::parse(const std::string& query, bool* has_text) {
  QueryParser qp(db_, clock_now());
  ParsedQuery parsed = qp.parse(query);
  if (has_text) *has_text = parsed.has_text;
  return parsed.query;
}

SearchResult Searcher::search(const SearchRequest& req) {
  SearchResult result;
  result.query = req.query;
  result.offset = req.offset;
  result.limit = std::min(req.limit, kMaxLimit);
  xapian_try(path_, [&] {
    with_retry(db_, [&] {
      result.hits.clear();
      Xapian::Query q = restrict(parse(req.query), req.access);
      Xapian::Enquire enquire(db_);
      enquire.set_query(q);
      const auto date_slot = field(Field::Date).slot;
      switch (req.sort) {
        case Sort::Relevance: enquire.set_sort_by_relevance_then_value(date_slot, true); break;
        case Sort::Newest: enquire.set_sort_by_value_then_relevance(date_slot, true); break;
        case Sort::Oldest: enquire.set_sort_by_value_then_relevance(date_slot, false); break;
      }
      if (req.group == Group::Thread) enquire.set_collapse_key(field(Field::Thread).slot);
      if (req.time_limit > 0) enquire.set_time_limit(req.time_limit);
      std::unique_ptr<FacetSpy> spy;
      Xapian::doccount check_at_least = 0;
      if (req.facets) {
        spy = std::make_unique<FacetSpy>(
            facet_slots({Field::Source, Field::Kind, Field::Space, Field::Author, Field::Tag, Field::Year}));
        enquire.add_matchspy(spy.get());
        check_at_least = db_.get_doccount();
      }
      Xapian::MSet mset = enquire.get_mset(result.offset, result.limit, check_at_least);
      result.total = mset.get_matches_estimated();
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit;
        Xapian::Document doc = it.get_document();
        hit.record = from_document(doc);
        hit.score = it.get_weight();
        hit.thread_matches = req.group == Group::Thread ? it.get_collapse_count() + 1 : 1;
        hit.snippet = make_snippet(mset, hit.record.text);
        result.hits.push_back(std::move(hit));
      }
      if (spy) result.facets = spy->facets(kMaxFacetValues);
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
      e.set_query(restrict(Xapian::Query(term(Field::Thread, thread)), access));
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
      // it the caller may see.
      Xapian::Enquire seed(db_);
      seed.set_query(restrict(Xapian::Query(term(Field::Thread, thread)), access));
      Xapian::MSet seeds = seed.get_mset(0, 50);
      Xapian::RSet rset;
      for (auto it = seeds.begin(); it != seeds.end(); ++it) rset.add_document(*it);
      struct Words : Xapian::ExpandDecider {
        bool operator()(const std::string& t) const override {
          return !t.empty() && t[0] >= 'a' && t[0] <= 'z';  // unprefixed, lowercase words only
        }
      } words;
      Xapian::Enquire e(db_);
      e.set_query(restrict(Xapian::Query(term(Field::Thread, thread)), access));
      Xapian::ESet eset = e.get_eset(20, rset, &words);
      std::vector<Xapian::Query> terms;
      for (auto it = eset.begin(); it != eset.end(); ++it) terms.emplace_back(*it);
      if (terms.empty()) return;
      Xapian::Query q(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                      Xapian::Query(term(Field::Thread, thread)));
      Xapian::Enquire out(db_);
      out.set_query(restrict(q, access));
      out.set_collapse_key(field(Field::Thread).slot);
      Xapian::MSet m = out.get_mset(0, result.limit);
      result.total = m.get_matches_estimated();
      for (auto it = m.begin(); it != m.end(); ++it) {
        Hit hit;
        hit.record = from_document(it.get_document());
        hit.score = it.get_weight();
        hit.thread_matches = it.get_collapse_count() + 1;
        hit.snippet = make_snippet(m, hit.record.text);
        result.hits.push_back(std::move(hit));
      }
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
      FacetSpy spy(facet_slots({Field::Source, Field::Kind, Field::Space}));
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
