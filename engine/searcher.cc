#include "searcher.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <unordered_map>

#include "database.h"
#include "errors.h"
#include "query_parser.h"
#include "schema.h"
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

// Counts the facets of every document the match considers (all of them:
// check_at_least is set to the whole database), a tag once per tag. The
// facets live packed in one value slot, so a document costs one read.
class FacetSpy : public Xapian::MatchSpy {
 public:
  /// Counts the facets named (a subset of facet_fields(), in any order).
  explicit FacetSpy(const std::vector<std::string_view>& names) {
    const auto& all = facet_fields();
    for (auto name : names)
      for (size_t i = 0; i < all.size(); ++i)
        if (all[i]->facet == name) wanted_.push_back({i, all[i]->id == Field::Tag, name, {}});
  }

  void operator()(const Xapian::Document& doc, double) override {
    ++seen_;
    const std::string v = doc.get_value(field(Field::Facets).slot);
    // Split once into the positions of the packed fields.
    std::string_view parts[16];
    size_t n = 0, start = 0;
    while (n < 16) {
      size_t end = v.find(kFacetSep, start);
      parts[n++] = std::string_view(v).substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    for (auto& w : wanted_) {
      if (w.index >= n || parts[w.index].empty()) continue;
      std::string_view value = parts[w.index];
      if (!w.multi) {
        bump(w.counts, value);
        continue;
      }
      size_t s = 0;
      while (s <= value.size()) {
        size_t e = value.find(kTagSep, s);
        if (e == std::string_view::npos) e = value.size();
        if (e > s) bump(w.counts, value.substr(s, e - s));
        s = e + 1;
      }
    }
  }

  /// Documents counted: every match, since the spy sees the whole match.
  uint64_t seen() const { return seen_; }

  Facets facets(size_t max_per_facet) const {
    Facets out;
    for (const auto& w : wanted_) {
      FacetCounts c(w.counts.begin(), w.counts.end());
      std::sort(c.begin(), c.end(),
                [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
      if (c.size() > max_per_facet) c.resize(max_per_facet);
      out.by_name.emplace_back(std::string(w.name), std::move(c));
    }
    return out;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Counts = std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>>;

  // Looks up without building a string; only a value seen first is copied.
  static void bump(Counts& counts, std::string_view value) {
    auto it = counts.find(value);
    if (it != counts.end())
      ++it->second;
    else
      counts.emplace(std::string(value), 1);
  }

  struct Wanted {
    size_t index;
    bool multi;
    std::string_view name;
    Counts counts;
  };
  std::vector<Wanted> wanted_;
  uint64_t seen_ = 0;
};

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

std::string Searcher::thread_title(const Record& r, const Access& access) {
  const std::string& root = r.thread_id();
  if (root == r.id) return {};
  auto did = find(root, access);
  if (!did) return {};
  Record rec = from_document(db_.get_document(*did));
  return rec.title.empty() ? first_line_of(rec.text) : rec.title;
}

namespace {

// BM25 over wdfs normalised when written (LengthNorm, schema.h): b = 0, so
// Xapian reads no document length, and k1 in the stored wdfs' scale.
Xapian::BM25Weight bm25(const Ranking& r) { return Xapian::BM25Weight(r.k1 * kWdfScale, 0, 1, 0, 0); }

}  // namespace

SearchResult Searcher::search(const SearchRequest& req) {
  SearchResult result;
  result.query = req.query;
  result.offset = req.offset;
  result.limit = std::min(req.limit, kMaxLimit);
  xapian_try(path_, [&] {
    with_retry(db_, [&] {
      result.hits.clear();
      result.corrected.reset();
      QueryParser qp(db_, clock_now());
      ParsedQuery parsed = qp.parse(req.query, true);
      Xapian::Query q = restrict(parsed.query, req.access);
      Xapian::Enquire enquire(db_);
      enquire.set_query(q);
      enquire.set_weighting_scheme(bm25(ranking_));
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
            std::vector<std::string_view>{"source", "kind", "space", "author", "tag", "year"});
        enquire.add_matchspy(spy.get());
        check_at_least = db_.get_doccount();
      }
      // A conversation where many documents match gains on one passing
      // mention: the top of the ranking is re-ordered by the boosted score.
      // The window is fixed, so pages stay consistent with one another. 20
      // conversations: the known-item benchmark ranks the same as with 100,
      // and a window of 100 made a grouped search take twice as long (Xapian
      // must find five times as many distinct conversations).
      const bool boost = req.sort == Sort::Relevance && req.group == Group::Thread && ranking_.thread_boost > 0 &&
                         parsed.has_text;
      constexpr size_t kBoostWindow = 20;
      const size_t first = boost && result.offset < kBoostWindow ? 0 : result.offset;
      const size_t count = boost && result.offset < kBoostWindow ? std::max(kBoostWindow, result.offset + result.limit)
                                                                 : result.limit;
      Xapian::MSet mset = enquire.get_mset(first, count, check_at_least);
      result.total = mset.get_matches_estimated();
      // With collapsing Xapian's estimate can exceed what matched even when
      // every match was looked at; the spy knows how many documents did.
      if (spy) result.total = std::min<uint64_t>(result.total, spy->seen());
      struct Ranked {
        Xapian::MSetIterator it;
        double score;
      };
      std::vector<Ranked> ranked;
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        double score = it.get_weight();
        if (boost) score *= 1 + ranking_.thread_boost * std::log2(1.0 + it.get_collapse_count());
        ranked.push_back({it, score});
      }
      if (boost) {
        std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
        size_t skip = result.offset - first;
        ranked.erase(ranked.begin(), ranked.begin() + std::min(skip, ranked.size()));
        if (ranked.size() > result.limit) ranked.resize(result.limit);
      }
      for (const auto& [it, score] : ranked) {
        Hit hit;
        Xapian::Document doc = it.get_document();
        hit.record = from_document(doc);
        hit.score = score;
        hit.thread_matches = req.group == Group::Thread ? it.get_collapse_count() + 1 : 1;
        if (req.snippets) hit.snippet = make_snippet(mset, hit.record.text);
        hit.thread_title = thread_title(hit.record, req.access);
        result.hits.push_back(std::move(hit));
      }
      if (spy) result.facets = spy->facets(kMaxFacetValues);
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
      Xapian::Enquire out(db_);
      out.set_query(restrict(q, access));
      out.set_weighting_scheme(bm25(ranking_));
      out.set_collapse_key(field(Field::Thread).slot);
      Xapian::MSet m = out.get_mset(0, result.limit);
      result.total = m.get_matches_estimated();
      for (auto it = m.begin(); it != m.end(); ++it) {
        Hit hit;
        hit.record = from_document(it.get_document());
        hit.score = it.get_weight();
        hit.thread_matches = it.get_collapse_count() + 1;
        hit.snippet = make_snippet(m, hit.record.text);
        hit.thread_title = thread_title(hit.record, access);
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
