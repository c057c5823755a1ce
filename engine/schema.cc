#include "schema.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <unordered_map>

#include "dates.h"
#include "errors.h"
#include "record_store.h"

namespace lore {

const FieldInfo& field(Field id) {
  for (const auto& f : kFields)
    if (f.id == id) return f;
  throw Error(Error::Code::Internal, "schema has no row for a field");
}

const std::vector<const FieldInfo*>& facet_fields() {
  static const std::vector<const FieldInfo*> fields = [] {
    std::vector<const FieldInfo*> out;
    for (const auto& f : kFields)
      if (!f.facet.empty()) out.push_back(&f);
    return out;
  }();
  return fields;
}

const FieldInfo* field_by_name(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.flags & kInternal) continue;
    if (f.name == name) return &f;
    for (auto a : f.aliases)
      if (!a.empty() && a == name) return &f;
  }
  return nullptr;
}

std::string lowercase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Most values are ASCII (ids, channel names, logins): no decoding needed.
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    for (char c : text) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
  }
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it)
    Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(*it));
  return out;
}

std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> out;
  std::string word;
  for (Xapian::Utf8Iterator it(name.data(), name.size()); it != Xapian::Utf8Iterator(); ++it) {
    unsigned ch = *it;
    if (Xapian::Unicode::is_wordchar(ch)) {
      Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(ch));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

const std::vector<std::string>& known_kinds() {
  static const std::vector<std::string> kinds = {
      "message", "reply",   "post",           "comment",        "issue",   "pull_request",       "issue_comment",
      "review",  "review_comment", "commit_comment", "discussion", "discussion_comment", "release", "page"};
  return kinds;
}

std::string canonical_kind(std::string_view word) {
  std::string w = lowercase(word);
  if (w == "pr" || w == "pull" || w == "pullrequest" || w == "pull-request") return "pull_request";
  std::replace(w.begin(), w.end(), '-', '_');
  return w;
}

namespace {

// One byte of FNV-1a: fnv1a() and the word-pair reader, which hashes words
// as it lowercases them.
constexpr uint64_t fnv1a_step(uint64_t h, unsigned char c) { return (h ^ c) * 1099511628211ull; }

}  // namespace

uint64_t fnv1a(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = fnv1a_step(h, c);
  return h;
}

std::string content_hash(std::string_view bytes) {
  uint64_t h = fnv1a(bytes);
  static const char* hex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = hex[h & 15];
  return out;
}

namespace {

constexpr size_t kMaxTerm = 245;

bool case_sensitive(Field f) { return f == Field::Id || f == Field::Thread || f == Field::Access; }

}  // namespace

std::string term(Field f, std::string_view value) {
  const auto& info = field(f);
  std::string t(info.prefix);
  if (case_sensitive(f))
    t.append(value);
  else
    t += lowercase(value);
  if (t.size() > kMaxTerm) {
    // Keep a readable head and make the rest unique with a hash of the whole.
    std::string hash = content_hash(t);
    size_t head = kMaxTerm - hash.size() - 1;
    // Do not cut a UTF-8 sequence in half.
    while (head > 0 && (static_cast<unsigned char>(t[head]) & 0xC0) == 0x80) --head;
    t.resize(head);
    t += '#';
    t += hash;
  }
  return t;
}

std::string kind_term(std::string_view source, std::string_view kind) {
  std::string value(source);
  std::replace(value.begin(), value.end(), ':', '_');
  value += ':';
  value += kind;
  return term(Field::Kind, value);
}

std::pair<std::string_view, std::string_view> split_kind_term(std::string_view t) {
  const std::string_view prefix = field(Field::Kind).prefix;
  if (!t.starts_with(prefix)) return {};
  t.remove_prefix(prefix.size());
  const size_t colon = t.find(':');
  if (colon == std::string_view::npos) return {};
  return {t.substr(0, colon), t.substr(colon + 1)};
}

Xapian::Stem default_stemmer() { return Xapian::Stem("english"); }

namespace {

// Snowball works a word out afresh at every occurrence; messages repeat
// their words (Zipf), so an indexer asks for the same few thousand stems
// again and again. Bounded: a vocabulary past kMaxStems starts over.
class CachingStem : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override {
    if (auto hit = stems_.find(word); hit != stems_.end()) return hit->second;
    if (stems_.size() >= kMaxStems) stems_.clear();
    return stems_.emplace(word, stem_(word)).first->second;
  }
  std::string get_description() const override { return "caching " + stem_.get_description(); }

 private:
  static constexpr size_t kMaxStems = 100000;
  Xapian::Stem stem_ = default_stemmer();
  std::unordered_map<std::string, std::string> stems_;
};

}  // namespace

Xapian::Stem indexing_stemmer() { return Xapian::Stem(new CachingStem); }

namespace {

void add_term_once(Xapian::Document& doc, const std::string& t) { doc.add_boolean_term(t); }

// The parts of words that Xapian keeps whole but people search by part:
// identifiers joined by underscores ("always_flush" gives "always flush"),
// and words joined by '&' as in a URL's query string ("open&type=issues"
// gives "open type"; Xapian keeps "AT&T"-style words together).
std::string joined_parts(const std::string& text) {
  std::string out;
  size_t i = 0;
  auto joiner = [](char c) { return c == '_' || c == '&'; };
  auto part = [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || joiner(c);
  };
  while (i < text.size()) {
    if (!part(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    bool joined = false;
    for (; j < text.size() && part(text[j]); ++j)
      if (joiner(text[j])) joined = true;
    if (joined) {
      std::string word = text.substr(i, j - i);
      std::replace_if(word.begin(), word.end(), joiner, ' ');
      out += word;
      out += '\n';
    }
    i = j;
  }
  return out;
}

}  // namespace

std::string author_key(const Record& r) {
  const std::string& who = r.author_id.empty() ? r.author : r.author_id;
  if (who.empty()) return {};
  return lowercase(r.source) + ":" + lowercase(who);
}

std::vector<std::string> who_words(std::string_view name) {
  std::vector<std::string> words = name_words(name);
  if (words.empty() && !name.empty()) words.push_back(lowercase(name));
  std::erase_if(words, [](const std::string& w) { return w.size() > kMaxWhoWord; });
  return words;
}

std::vector<std::string> author_words(const Record& r) {
  std::vector<std::string> out;
  auto add = [&](std::string_view name) {
    for (auto& w : who_words(name))
      if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
  };
  add(r.author);
  add(r.author_id);
  for (const auto& a : r.author_aliases) add(a);
  return out;
}

std::vector<std::string> space_aliases(const Record& r) {
  std::vector<std::string> out;
  const std::string own = lowercase(r.space);
  auto add = [&](std::string_view a) {
    if (!a.empty() && a.front() == '#') a.remove_prefix(1);
    if (a.empty()) return;
    std::string name = lowercase(a);
    if (name != own && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  };
  // "owner/repo" is also found as "repo".
  if (auto slash = r.space.rfind('/'); slash != std::string::npos && slash + 1 < r.space.size())
    add(std::string_view(r.space).substr(slash + 1));
  for (const auto& alias : r.space_aliases) add(alias);
  return out;
}

std::vector<std::string_view> directory_lines(std::string_view entry) {
  std::vector<std::string_view> out;
  while (!entry.empty()) {
    size_t nl = entry.find('\n');
    std::string_view k = entry.substr(0, nl);
    if (!k.empty()) out.push_back(k);
    entry.remove_prefix(nl == std::string_view::npos ? entry.size() : nl + 1);
  }
  return out;
}

std::string merge_who(std::string_view a, std::string_view b) {
  std::set<std::string_view> keys;
  for (std::string_view list : {a, b})
    for (std::string_view k : directory_lines(list)) keys.insert(k);
  std::string out;
  for (auto k : keys) {
    if (!out.empty()) out += '\n';
    out += k;
  }
  return out;
}

std::string facet_value(const Record& r) {
  std::string out;
  for (const FieldInfo* f : facet_fields()) {
    if (f != facet_fields().front()) out += kFacetSep;
    switch (f->id) {
      case Field::Source: out += r.source; break;
      case Field::Kind: out += r.kind; break;
      case Field::Space: out += r.space; break;
      case Field::Author: out += r.author.empty() ? r.author_id : r.author; break;
      case Field::Year: out += r.date ? format_iso8601(r.date).substr(0, 4) : std::string(); break;
      case Field::Tag: {
        bool first = true;
        for (const auto& t : r.tags) {
          if (t.empty()) continue;
          if (!first) out += kTagSep;
          out += t;
          first = false;
        }
        break;
      }
      default: break;
    }
  }
  return out;
}

namespace {

bool ascii_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A pair's hash from its terms' own (FNV-1a), mixed so that its two bits
// spread over the filter (splitmix64's finaliser).
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t pair_hash_of(uint64_t a, uint64_t b) { return mix(a * 0x9E3779B97F4A7C15ull + b); }

// One of a pair's two bits in a filter of `n_words` words: a 32-bit half
// of the pair's hash scaled to the filter's size.
size_t pair_bit(uint64_t half, size_t n_words) { return static_cast<size_t>(((half & 0xffffffffull) * (64 * n_words)) >> 32); }

constexpr size_t kMaxWordBytes = 64;  // TermGenerator's: a longer word is skipped, and takes no position

bool ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// The pairs of ASCII `text` as TermGenerator indexes it under `prefix`
// (words of letters, digits and '_', lowercased, one position each), added
// to `out`. False, with nothing added, for text where TermGenerator would
// do more than split on what is not a word character: a byte past ASCII
// (Unicode letters, CJK n-grams), ' and & (joined inside words), + and #
// (suffixes: C++), , . ; between digits (1.5), and a capital, a dot and a
// capital (initials: U.S.A.). The document's own terms then say.
bool add_ascii_pairs(std::string_view text, std::string_view prefix, std::vector<uint64_t>& out) {
  // Each byte's class: 0 a separator, 1 a word byte (its lowercase in
  // `lower`), 2 not followed here, 3 a separator unless between digits (or,
  // a dot, between capitals).
  struct Classes {
    unsigned char kind[256] = {}, lower[256] = {};
    Classes() {
      for (int c = 0; c < 256; ++c) {
        if (c >= 0x80 || c == '\'' || c == '&' || c == '+' || c == '#') kind[c] = 2;
        if (c == ',' || c == '.' || c == ';') kind[c] = 3;
        if (ascii_word_char(static_cast<unsigned char>(c))) {
          kind[c] = 1;
          lower[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
      }
    }
  };
  static const Classes classes;
  const uint64_t seed = fnv1a(prefix);  // each word's hash goes on from the prefix's
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size(), had = out.size();
  uint64_t previous = 0, pair = 0;  // the last word, and the last two as a pair
  size_t words = 0;
  for (size_t i = 0; i < n;) {
    const unsigned char kind = classes.kind[p[i]];
    if (kind != 1) {
      if (kind == 2 || (kind == 3 && i > 0 && i + 1 < n &&
                        ((ascii_digit(p[i - 1]) && ascii_digit(p[i + 1])) ||
                         (p[i] == '.' && p[i - 1] >= 'A' && p[i - 1] <= 'Z' && p[i + 1] >= 'A' && p[i + 1] <= 'Z')))) {
        out.resize(had);
        return false;
      }
      ++i;
      continue;
    }
    uint64_t h = seed;
    const size_t start = i;
    for (; i < n && classes.kind[p[i]] == 1; ++i) h = fnv1a_step(h, classes.lower[p[i]]);
    if (i - start > kMaxWordBytes) continue;
    if (words >= 2) out.push_back(pair_hash_of(pair, h));
    if (words >= 1) out.push_back(pair = pair_hash_of(previous, h));
    previous = h;
    ++words;
  }
  return true;
}

}  // namespace

uint64_t pair_hash(std::string_view a, std::string_view b) { return pair_hash_of(fnv1a(a), fnv1a(b)); }

std::vector<uint64_t> phrase_pairs(const std::vector<std::string>& terms) {
  // Triples first: rarer than pairs, a document most often fails on one.
  std::vector<uint64_t> triples, pairs;
  for (size_t i = 1; i < terms.size(); ++i) {
    const uint64_t pair = pair_hash(terms[i - 1], terms[i]);
    pairs.push_back(pair);
    if (i + 1 < terms.size()) triples.push_back(pair_hash_of(pair, fnv1a(terms[i + 1])));
  }
  triples.insert(triples.end(), pairs.begin(), pairs.end());
  return triples;
}

void document_pairs(const Xapian::Document& doc, std::vector<uint64_t>& out) {
  out.clear();
  // (position, term hash) of every positional term, in position order.
  thread_local std::vector<std::pair<Xapian::termpos, uint64_t>> at;
  at.clear();
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    if (t.positionlist_count() == 0) continue;
    const uint64_t h = fnv1a(*t);
    for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) at.emplace_back(*p, h);
  }
  std::sort(at.begin(), at.end());
  // The terms at each position (most often one), paired with those at the
  // next, and each pair with those at the one after.
  auto run = [&](size_t from) {  // [from, end) all at one position
    size_t end = from;
    while (end < at.size() && at[end].first == at[from].first) ++end;
    return end;
  };
  for (size_t i = 0; i < at.size(); i = run(i)) {
    const size_t j = run(i);
    if (j == at.size() || at[j].first != at[i].first + 1) continue;
    const size_t k = run(j);
    const bool third = k < at.size() && at[k].first == at[i].first + 2;
    for (size_t a = i; a < j; ++a)
      for (size_t b = j; b < k; ++b) {
        const uint64_t pair = pair_hash_of(at[a].second, at[b].second);
        out.push_back(pair);
        if (third)
          for (size_t c = k; c < run(k); ++c) out.push_back(pair_hash_of(pair, at[c].second));
      }
  }
}

bool detail::ascii_pairs(const Record& r, std::vector<uint64_t>& out) {
  out.clear();
  if (!r.title.empty() &&
      (!add_ascii_pairs(r.title, field(Field::Title).prefix, out) || !add_ascii_pairs(r.title, "", out)))
    return false;
  return add_ascii_pairs(r.text, "", out);
}

std::string pair_value(const std::vector<uint64_t>& pairs) {
  const size_t n_words = std::clamp<size_t>((pairs.size() * kPairBits + 63) / 64, 1, kMaxPairWords);
  thread_local std::vector<uint64_t> words;
  words.assign(n_words, 0);
  for (uint64_t h : pairs) {
    const size_t a = pair_bit(h, n_words), b = pair_bit(h >> 32, n_words);
    words[a / 64] |= uint64_t(1) << (a % 64);
    words[b / 64] |= uint64_t(1) << (b % 64);
  }
  std::string v(1 + 8 * n_words, '\0');
  v[0] = kPairFormat;
  for (size_t w = 0; w < n_words; ++w)
    for (size_t i = 0; i < 8; ++i) v[1 + 8 * w + i] = static_cast<char>((words[w] >> (8 * i)) & 0xff);
  return v;
}

bool pair_words_of(std::string_view value, std::vector<uint64_t>& out) {
  if (value.size() < 9 || value[0] != kPairFormat || (value.size() - 1) % 8 != 0 ||
      (value.size() - 1) / 8 > kMaxPairWords)
    return false;
  for (size_t w = 0; w < (value.size() - 1) / 8; ++w) {
    uint64_t x = 0;
    for (size_t i = 0; i < 8; ++i) x |= uint64_t(static_cast<unsigned char>(value[1 + 8 * w + i])) << (8 * i);
    out.push_back(x);
  }
  return true;
}

bool may_hold(const uint64_t* words, size_t n_words, uint64_t pair) {
  const size_t a = pair_bit(pair, n_words), b = pair_bit(pair >> 32, n_words);
  return ((words[a / 64] >> (a % 64)) & (words[b / 64] >> (b % 64)) & 1) != 0;
}

namespace {
// The byte a document's data starts with: which stored form follows.
constexpr char kStoredFormat = '\x01';
constexpr size_t kHashBytes = 8;
}  // namespace

std::string stored_record(const Record& r) {
  std::string out(1 + kHashBytes, kStoredFormat);
  append_stored_record(out, r);
  uint64_t h = fnv1a(std::string_view(out).substr(1 + kHashBytes));
  for (size_t i = 1; i <= kHashBytes; ++i, h >>= 8) out[i] = static_cast<char>(h & 0xff);
  return out;
}

std::string_view stored_hash(std::string_view stored) {
  if (stored.size() <= 1 + kHashBytes || stored.front() != kStoredFormat) return {};
  return stored.substr(1, kHashBytes);
}

Xapian::Document to_document(const Record& r, Xapian::TermGenerator& tg, const LengthNorm& norm) {
  return to_document(r, tg, stored_record(r), norm);
}

namespace {

// Scales every word's wdf by kWdfScale / norm (LengthNorm). Xapian's
// Document can only raise a wdf while keeping positions, so a word of a
// document past about 85 times the reference length keeps its raw wdf: such
// documents are a little less penalised for length than BM25 would.
void normalise_wdf(Xapian::Document& doc, const LengthNorm& n, std::vector<std::string>* out) {
  thread_local std::vector<std::pair<std::string, Xapian::termcount>> words;
  words.clear();
  double length = 0;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    const Xapian::termcount wdf = t.get_wdf();
    if (wdf == 0) continue;  // a filter term
    length += wdf;
    words.emplace_back(*t, wdf);
  }
  if (out) {
    out->clear();
    for (const auto& w : words) out->push_back(w.first);
  }
  if (length == 0) return;
  // As Xapian's BM25Weight: the length ratio is clamped, then mixed in by b.
  const double scale = kWdfScale / (1 - n.b + n.b * std::max(n.min_normlen, length / n.reference_length));
  for (const auto& [t, wdf] : words) {
    auto scaled = static_cast<Xapian::termcount>(std::max(1.0, std::round(scale * wdf)));
    if (scaled > wdf) doc.add_term(t, scaled - wdf);
  }
}

}  // namespace

namespace {

// The free text's terms without scaling, and the words for spelling: what
// normalise_wdf() walks for, when the shortcut below made it unneeded.
void list_words(const Xapian::Document& doc, std::vector<std::string>* out) {
  if (!out) return;
  out->clear();
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
    if (t.get_wdf() != 0) out->push_back(*t);
}

// At most how many words Xapian's TermGenerator finds in `text`: a word
// starts where a run of word characters does, and joining (AT&T, don't)
// only makes fewer. Unknown (nullopt) for text with any non-ASCII byte,
// whose letters, and CJK n-grams, are Xapian's to count.
std::optional<size_t> ascii_words_at_most(std::string_view text) {
  size_t n = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    if (c >= 0x80) return std::nullopt;
    const bool w = ascii_word_char(c);
    n += w && !in_word;
    in_word = w;
  }
  return n;
}

// The wdf scale every short document gets (LengthNorm clamps its length to
// min_normlen × reference_length), when that scale is a whole number and
// the record is surely that short: each word's wdf is then known before it
// is indexed (the scale times its count), and normalise_wdf()'s second walk
// over the terms, a sixteenth of an import's instructions, is not needed.
// Each word adds at most 2 to the length (the word and its stem); a title's
// words are indexed twice, once with weight 3 (to_document()).
std::optional<unsigned> short_document_scale(const Record& r, const std::string& parts, const LengthNorm& n) {
  const double scale = kWdfScale / (1 - n.b + n.b * n.min_normlen);
  if (scale < 1 || scale != std::round(scale) || scale > 1e6) return std::nullopt;
  const auto title = ascii_words_at_most(r.title), text = ascii_words_at_most(r.text),
             joined = ascii_words_at_most(parts);
  if (!title || !text || !joined) return std::nullopt;
  const double most = 2.0 * (*title * 4 + *text + *joined);
  if (most > n.min_normlen * n.reference_length) return std::nullopt;
  return static_cast<unsigned>(scale);
}

Xapian::Document build_document(const Record& r, Xapian::TermGenerator& tg, const std::string& stored,
                                const LengthNorm& norm, std::vector<std::string>* words, bool shortcut) {
  Xapian::Document doc;
  tg.set_document(doc);

  const std::string& thread = r.thread_id();
  add_term_once(doc, term(Field::Id, r.id));
  // A root is found by its id (thread_query()): one unique term fewer for
  // every document nobody answered, the most common kind.
  if (thread != r.id) add_term_once(doc, term(Field::Thread, thread));
  add_term_once(doc, kind_term(r.source, r.kind));

  if (!r.space.empty()) add_term_once(doc, term(Field::Space, r.space));
  // A space's other names are in the space directory (IndexWriter), but for
  // one too long for a metadata key; names without a space to stand for are
  // each their own term.
  for (const auto& a : space_aliases(r))
    if (r.space.empty() || a.size() > kMaxWhoWord) add_term_once(doc, term(Field::Space, a));

  if (std::string key = author_key(r); !key.empty()) add_term_once(doc, term(Field::Author, key));

  for (const auto& tag : r.tags)
    if (!tag.empty()) add_term_once(doc, term(Field::Tag, tag));
  if (!r.state.empty()) add_term_once(doc, term(Field::State, r.state));
  for (const auto& h : r.has) add_term_once(doc, term(Field::Has, h));
  for (const auto& m : r.mentions) {
    std::string_view name = m;
    if (!name.empty() && name.front() == '@') name.remove_prefix(1);
    if (name.empty()) continue;
    add_term_once(doc, term(Field::Mention, name));
    for (const auto& w : name_words(name)) add_term_once(doc, term(Field::Mention, w));
  }

  if (r.bot) add_term_once(doc, term(Field::Flag, "bot"));
  if (r.edited) add_term_once(doc, term(Field::Flag, "edited"));
  if (!r.parent.empty()) {
    add_term_once(doc, term(Field::Flag, "reply"));
    add_term_once(doc, term(Field::Flag, "thread"));
  } else if (r.answered) {
    add_term_once(doc, term(Field::Flag, "thread"));
  }
  // A public document has no term of its own: a search leaves out the
  // restricted ones the caller may not see (restrict()).
  if (!r.principals.empty()) {
    add_term_once(doc, term(Field::Flag, "private"));
    for (const auto& p : r.principals) add_term_once(doc, term(Field::Access, p));
  }

  // Title words count more than body words, and are searchable on their own.
  const std::string parts = joined_parts(r.title + "\n" + r.text);
  const std::optional<unsigned> known = shortcut ? short_document_scale(r, parts, norm) : std::nullopt;
  const unsigned k = known.value_or(1);
  if (!r.title.empty()) {
    tg.index_text(r.title, k, std::string(field(Field::Title).prefix));
    tg.increase_termpos(10);
    tg.index_text(r.title, 3 * k);
    tg.increase_termpos(10);
  }
  tg.index_text(r.text, k);
  if (!parts.empty()) tg.index_text_without_positions(parts, k);
  if (known)
    list_words(doc, words);
  else
    normalise_wdf(doc, norm, words);

  // The date's month as a term too: date ranges (date_query()).
  const std::string iso = format_iso8601(r.date);
  add_term_once(doc, term(Field::Month, std::string_view(iso).substr(0, 7)));
  doc.add_value(field(Field::Date).slot, Xapian::sortable_serialise(static_cast<double>(r.date)));
  doc.add_value(field(Field::Thread).slot, thread);
  doc.add_value(field(Field::Facets).slot, facet_value(r));
  doc.set_data(stored);
  // Most texts are plain ASCII words, whose pairs are read from the text
  // (1.0 us a Slack message, where walking the document's positions takes 4).
  thread_local std::vector<uint64_t> pairs;
  if (!detail::ascii_pairs(r, pairs)) document_pairs(doc, pairs);
  doc.add_value(field(Field::Pairs).slot, pair_value(pairs));
  return doc;
}

}  // namespace

Xapian::Document to_document(const Record& r, Xapian::TermGenerator& tg, const std::string& stored,
                             const LengthNorm& norm, std::vector<std::string>* words) {
  return build_document(r, tg, stored, norm, words, true);
}

Xapian::Document detail::to_document_the_long_way(const Record& r, Xapian::TermGenerator& tg, const LengthNorm& norm) {
  return build_document(r, tg, stored_record(r), norm, nullptr, false);
}

namespace {

// The documents of one month dated from `lo` to `hi`: the month term's
// postings, each checked against its date value. Xapian's own value range
// would walk the date of every document in the index instead, which made an
// "after:" search eight times slower than the same search without it.
class MonthPart : public Xapian::PostingSource {
 public:
  MonthPart(std::string month_term, int64_t lo, int64_t hi)
      : term_(std::move(month_term)), lo_(lo), hi_(hi),
        lo_key_(Xapian::sortable_serialise(double(lo))), hi_key_(Xapian::sortable_serialise(double(hi))) {}

  void init(const Xapian::Database& db) override {
    at_ = db.postlist_begin(term_);
    end_ = db.postlist_end(term_);
    dates_ = db.valuestream_begin(field(Field::Date).slot);
    dates_end_ = db.valuestream_end(field(Field::Date).slot);
    termfreq_ = db.get_termfreq(term_);
    started_ = false;
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return termfreq_ / 2; }
  Xapian::doccount get_termfreq_max() const override { return termfreq_; }
  Xapian::docid get_docid() const override { return *at_; }
  bool at_end() const override { return at_ == end_; }
  void next(double) override {
    if (started_) ++at_;
    started_ = true;
    settle();
  }
  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    if (at_ != end_ && *at_ < did) at_.skip_to(did);
    settle();
  }
  Xapian::PostingSource* clone() const override { return new MonthPart(term_, lo_, hi_); }
  std::string get_description() const override {
    return "MonthPart(" + term_ + ", " + format_iso8601(lo_) + ".." + format_iso8601(hi_) + ")";
  }

 private:
  // Moves on to the first posting at or after the current one in the range.
  void settle() {
    for (; at_ != end_; ++at_) {
      const Xapian::docid did = *at_;
      if (dates_ != dates_end_ && dates_.get_docid() < did) dates_.skip_to(did);
      if (dates_ == dates_end_) {
        at_ = end_;
        return;
      }
      if (dates_.get_docid() != did) continue;
      const std::string& v = *dates_;
      if (v >= lo_key_ && v <= hi_key_) return;
    }
  }

  std::string term_;
  int64_t lo_, hi_;
  std::string lo_key_, hi_key_;
  Xapian::PostingIterator at_, end_;
  Xapian::ValueIterator dates_, dates_end_;
  Xapian::doccount termfreq_ = 0;
  bool started_ = false;
};

// The pieces of the dates from `lo` to `hi` (both included, either open),
// within the dates held (first..last): whole months by their terms, a month
// cut by an end of the range by its documents' dates (MonthPart). (Whole
// years had terms of their own until schema 7; a searcher that has answered
// once answers a range from the dates in memory instead, DocTable.)
std::vector<Xapian::Query> date_pieces(std::optional<int64_t> lo, std::optional<int64_t> hi, int64_t first,
                                       int64_t last) {
  std::vector<Xapian::Query> parts;
  if ((lo && *lo > last) || (hi && *hi < first) || (lo && hi && *lo > *hi)) return parts;
  auto covers = [&](int64_t from, int64_t to) { return (!lo || *lo <= from) && (!hi || *hi >= to); };
  const std::string start = format_iso8601(lo ? std::max(*lo, first) : first);
  int year = std::stoi(start.substr(0, 4)), month = std::stoi(start.substr(5, 2));
  const int64_t end = hi ? std::min(*hi, last) : last;
  char buf[16];
  while (utc_seconds(year, month, 1) <= end) {
    const int64_t from = utc_seconds(year, month, 1), to = utc_seconds(year, month + 1, 1) - 1;
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    if (covers(from, to)) {
      parts.emplace_back(term(Field::Month, buf));
    } else {
      // A month cut by an end of the range: its documents' dates decide.
      auto* part = new MonthPart(term(Field::Month, buf), lo ? std::max(*lo, from) : from, hi ? std::min(*hi, to) : to);
      parts.emplace_back(part->release());
    }
    if (++month == 13) month = 1, ++year;
  }
  return parts;
}

}  // namespace

Xapian::Query filter_query(const std::string& term, const FilterTerms& terms) {
  if (terms)
    if (std::optional<Xapian::Query> q = terms(term)) return *q;
  return Xapian::Query(term);
}

Xapian::Query date_query(const Xapian::Database& db, std::optional<int64_t> lo, std::optional<int64_t> hi,
                         const DateFilter& dates) {
  const auto slot = field(Field::Date).slot;
  if (db.get_doccount() == 0) return Xapian::Query::MatchNothing;
  // The dates held lie within these (Xapian's bounds may be loose, never wrong).
  const auto first = static_cast<int64_t>(std::floor(Xapian::sortable_unserialise(db.get_value_lower_bound(slot))));
  const auto last = static_cast<int64_t>(std::ceil(Xapian::sortable_unserialise(db.get_value_upper_bound(slot))));
  if (lo && *lo <= first) lo.reset();
  if (hi && *hi >= last) hi.reset();
  if (!lo && !hi) return match_all();  // every document has a date
  if (dates)
    if (std::optional<Xapian::Query> q = dates(lo, hi)) return *q;
  std::vector<Xapian::Query> in = date_pieces(lo, hi, first, last);
  if (in.empty()) return Xapian::Query::MatchNothing;
  // A filter costs Xapian a look at each of its pieces for every candidate:
  // when the dates outside the range take fewer pieces ("after:" a date
  // early in the index), the range is everything but them. "Everything but"
  // costs about two pieces more (bench/query: after:2019-06-01, 8 pieces in
  // and 6 out, 30% faster as everything but; date:2019-03..2019-09, 7 in and
  // 6 out, twice as fast as it is).
  std::vector<Xapian::Query> out;
  if (lo) out = date_pieces(std::nullopt, *lo - 1, first, last);
  if (hi)
    for (auto& q : date_pieces(*hi + 1, std::nullopt, first, last)) out.push_back(std::move(q));
  if (out.size() + 2 <= in.size())
    return Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(),
                         Xapian::Query(Xapian::Query::OP_OR, out.begin(), out.end()));
  return Xapian::Query(Xapian::Query::OP_OR, in.begin(), in.end());
}

Xapian::Query thread_query(std::string_view thread) {
  return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(term(Field::Id, thread)),
                       Xapian::Query(term(Field::Thread, thread)));
}

std::string stored_hash(const Xapian::Document& doc) { return std::string(stored_hash(doc.get_data())); }

Record from_document(const Xapian::Document& doc) {
  const std::string data = doc.get_data();
  Record r;
  if (stored_hash(data).empty() || !read_stored_record(std::string_view(data).substr(1 + kHashBytes), r))
    throw Error(Error::Code::DatabaseCorrupt, "a stored document cannot be read back",
                "re-import the sources into a new database");
  return r;
}

}  // namespace lore
