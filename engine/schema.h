// The one schema: how a lore::Record becomes a Xapian document, and the table
// of fields that the index writer, the query parser, the facets and the query
// help are all driven by. Nothing else in Lore spells a term prefix or a value
// slot.
//
// Here is the current schema (version 7). Every document, whatever its kind:
//
//   terms    Q<id>                    unique id (hashed past 245 bytes, see term())
//            XTH:<thread id>          the conversation it answers: only on documents
//                                     that are not their conversation's root, which is
//                                     found by its Q term (thread_query())
//            XK:<source>:<kind>       its source and kind in one term (kind_term()):
//                                     source:slack is every XK:slack:* term the index
//                                     holds, type:comment every XK:*:comment; an index
//                                     has a few dozen of them at most
//            XIN:<space>              channel, owner/repo, P2 host (lowercase); its other
//                                     names (a channel's id, repo of owner/repo) are
//                                     in the space directory below, in: reads it
//            XA:<source>:<author>     the author, by author_key(): source and id (or name
//                                     when the id is unknown), lowercase. One term; from:
//                                     finds it through the author directory below
//            K<tag>                   tags and labels (lowercase)
//            XST:<state>              open, closed, merged, resolved, unresolved
//            XIS:<flag>               private, bot, edited, reply, thread
//            XH:<feature>             link, file, image, code, reaction
//            XM:<name>                people mentioned, whole and by word (lowercase)
//            XR:<principal>           a principal allowed to see a restricted document;
//                                     every restricted document has XIS:private and
//                                     a public one has neither (restrict(), access.h)
//            XYM:<yyyy-mm>            the month of its date (UTC): date ranges are
//                                     made of these (date_query()); only a month cut by an
//                                     end of a range reads its documents' dates (value 0)
//            S<word>, ZS<stem>        title words (with positions)
//            <word>, Z<stem>          title and text words (with positions; title words wdf 3)
//                                     and the parts of snake_case identifiers (no positions)
//                                     Every word's wdf is length-normalised when written
//                                     (see LengthNorm below), so that BM25 needs no
//                                     document length when searching.
//   values   0 date                   Xapian::sortable_serialise(seconds since epoch, UTC)
//            3 thread id              collapse key for one hit per conversation
//            4 facets                 source, kind, space, author, tags, year, in one
//                                     value so that counting them reads one slot:
//                                     joined by kFacetSep, tags among themselves by
//                                     kTagSep ("slack\x1freply\x1fops\x1fAlice Ng\x1f\x1f2021")
//            (Slots 1 and 2 held the edit time and the hash until schema 3, slot 5
//            the stored record until schema 6; each slot costs every document.)
//            6 word pairs             a Bloom filter of the pairs and triples of words at
//                                     adjacent positions (pair_value()), 4 bits each, a
//                                     byte naming its layout then 8 to 512 bytes: a phrase's
//                                     candidates are checked against it before their
//                                     positions are read. Absent on documents an older
//                                     Lore wrote, which are then checked by their
//                                     positions alone, as before (added within schema 5).
//   data                              the record (stored_record()): a byte naming the form,
//                                     the content hash (FNV-1a 64 over the rest: an
//                                     unchanged record is skipped), then the record's
//                                     fields (record_store.h), so that --show and
//                                     --export give back exactly what was imported. Until
//                                     schema 6 it was its JSON form, after 16 hex digits
//                                     of hash, in value slot 5: 540 bytes a generated
//                                     Slack message on average where this form takes 386,
//                                     in the postlist table beside the postings. (Xapian
//                                     deflates document data; lore-index has it stored
//                                     as it is, see indexer/plain_termlists.cc.)
//
// A message of Slack's, e.g. {id "slack:C1/1.2", source slack, kind reply,
// space ops (space alias C1), thread "slack:C1/1.0", author "Alice Ng", author_id U1, date
// 2021-03-04T05:06:07Z, text "ship it"} gets Qslack:C1/1.2, XTH:slack:C1/1.0,
// XK:slack:reply, XIN:ops, XA:slack:u1, XIS:reply, XIS:thread,
// XYM:2021-03, ship, Zship, it, values 0, 3, 4, 6 and its data. Its root,
// slack:C1/1.0, has no XTH term: thread:slack:C1/1.0 finds it by Qslack:C1/1.0.
//
// Until schema 7 a document also had XSRC:<source>, XY:<yyyy>, XPUBLIC when
// public, and its space's other names (XIN:c1 above): four terms a Slack
// message, for filters that the terms above and the space directory answer
// as well (bench/import/README.md, schema 7).
//
// Metadata: lore:schema (the version), lore:last_import, and the author
// directory: lore:who:<word> lists, one a line and sorted, the author keys
// whose names (display name, id, aliases) have that word ("lore:who:alice"
// -> "slack:u1"). from:alice ng is every key listed under both words. A
// document used to carry each name and each word of it as terms (six for a
// Slack message); one key term and a directory shared by all of an author's
// documents cost a tenth of an import less. The directory holds names of
// authors of restricted documents too: it is only read to turn from: into
// key terms, and those match only documents the caller may see.
//
// The space directory, lore:in:<alias>, is made the same way: the spaces,
// one a line and sorted, that go by that other name ("lore:in:c1" -> "ops").
// in:c1 is XIN:c1 or XIN:ops. Until schema 7 every document carried its
// space's other names as terms too: one more term a Slack message. An alias
// longer than kMaxWhoWord still gets its term on the document.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "record.h"

namespace lore {

/// The schema version stored in the database metadata under kSchemaKey.
inline constexpr std::string_view kSchemaVersion = "7";
inline constexpr std::string_view kSchemaKey = "lore:schema";
inline constexpr std::string_view kLastImportKey = "lore:last_import";

enum class Field : uint8_t {
  Id, Thread, Source, Kind, Space, Author, Tag, State, Flag, Has, Mention, Title, Date,
  Updated, Hash, Year, Month, Facets, Record, Access, Text, Pairs,
};

/// What a field is used for.
enum FieldFlag : unsigned {
  kBoolean = 1u << 0,   ///< exact-match filter terms
  kFreeText = 1u << 1,  ///< words, searched with the stemmer
  kRange = 1u << 2,     ///< a value slot searched by range
  kInternal = 1u << 4,  ///< not something a query names
};

inline constexpr Xapian::valueno kNoSlot = Xapian::BAD_VALUENO;

struct FieldInfo {
  Field id;
  std::string_view name;                    ///< as queries and help name it
  std::array<std::string_view, 2> aliases;  ///< other filter names for it
  std::string_view prefix;                  ///< term prefix; empty for none
  Xapian::valueno slot;                     ///< value slot or kNoSlot
  std::string_view facet;                   ///< its name among the facets; empty when not one
  unsigned flags;
  std::string_view description;
  std::string_view example;
};

// clang-format off
/// The table. Prefixes and slots are unique (schema_test); the facets are
/// packed into the Facets slot in the order of their rows.
inline constexpr FieldInfo kFields[] = {
  {Field::Id,      "id",       {},                   "Q",       kNoSlot, "",       kBoolean,  "one document, by id",                      "id:slack:C024BE91L/1355517523.000005"},
  {Field::Thread,  "thread",   {},                   "XTH:",    3,       "",       kBoolean,  "one conversation, by its root's id",       "thread:github:acme/api#12"},
  {Field::Source,  "source",   {},                   "",        kNoSlot, "source", kBoolean,  "where it came from: slack, github, p2",    "source:github"},
  {Field::Kind,    "type",     {"kind"},             "XK:",     kNoSlot, "kind",   kBoolean,  "a kind: message, reply, issue, pr, post..","type:issue"},
  {Field::Space,   "in",       {"space"},            "XIN:",    kNoSlot, "space",  kBoolean,  "channel, repository (owner/repo or repo), P2 site", "in:general"},
  {Field::Author,  "from",     {"author"},           "XA:",     kNoSlot, "author", kBoolean,  "author's name, login or id",               "from:alice"},
  {Field::Tag,     "tag",      {"label"},            "K",       kNoSlot, "tag",    kBoolean,  "P2 tags and categories, GitHub labels",    "tag:decision"},
  {Field::State,   "state",    {},                   "XST:",    kNoSlot, "",       kBoolean,  "open, closed, merged, resolved, unresolved (is:STATE)", "is:merged"},
  {Field::Flag,    "is",       {},                   "XIS:",    kNoSlot, "",       kBoolean,  "private, bot, edited, thread, reply, a kind or a state", "is:private"},
  {Field::Has,     "has",      {},                   "XH:",     kNoSlot, "",       kBoolean,  "link, file, image, code, reaction",        "has:link"},
  {Field::Mention, "mentions", {},                   "XM:",     kNoSlot, "",       kBoolean,  "documents that mention a person",          "mentions:alice"},
  {Field::Title,   "title",    {},                   "S",       kNoSlot, "",       kFreeText, "words in titles",                          "title:roadmap"},
  {Field::Date,    "date",     {"after", "before"},  "",        0,       "",       kRange,    "dates: after: before: on: during: date:D1..D2", "date:2021-01..2021-06"},
  {Field::Year,    "year",     {},                   "",        kNoSlot, "year",   kInternal, "year of the date: facets",                 ""},
  {Field::Month,   "month",    {},                   "XYM:",    kNoSlot, "",       kInternal, "month of the date (YYYY-MM): date ranges", ""},
  {Field::Facets,  "facets",   {},                   "",        4,       "",       kInternal, "the facet values, packed (see facet_value)", ""},
  {Field::Record,  "record",   {},                   "",        kNoSlot, "",       kInternal, "content hash, then the record (the document's data)", ""},
  {Field::Access,  "access",   {},                   "XR:",     kNoSlot, "",       kInternal, "a principal that may see the document",    ""},
  {Field::Text,    "text",     {},                   "",        kNoSlot, "",       kFreeText, "free text: words, \"phrases\", wild*",      "deploy freeze"},
  {Field::Pairs,   "pairs",    {},                   "",        6,       "",       kInternal, "which pairs of adjacent words it may hold (pair_value)", ""},
};
// clang-format on

/// Separators of the packed facet value (value slot 4).
inline constexpr char kFacetSep = '\x1f';
inline constexpr char kTagSep = '\x1e';

/// The rows that are facets, in the order their values are packed.
const std::vector<const FieldInfo*>& facet_fields();

/// The row of `id`.
const FieldInfo& field(Field id);
/// The row a query filter name (or alias) names, or nullptr.
const FieldInfo* field_by_name(std::string_view name);

/// Metadata key prefix of the author directory (see the top of this file).
inline constexpr std::string_view kWhoKey = "lore:who:";

/// The key a record's author is indexed under (XA:<key>): "<source>:<id>",
/// or "<source>:<name>" when the id is unknown, lowercase; empty when the
/// record has neither.
std::string author_key(const Record& record);

/// The author directory's words for a record's author: each word of each
/// name it goes by (name, id, aliases), once; a name without word
/// characters counts as one word. Words longer than kMaxWhoWord are left out.
std::vector<std::string> author_words(const Record& record);
/// The directory's words for a from: value ("Alice Ng" -> {"alice", "ng"}).
std::vector<std::string> who_words(std::string_view name);
inline constexpr size_t kMaxWhoWord = 100;

/// Two directory entries (sorted keys, one a line) as one: of the author
/// directory and of the space directory alike.
std::string merge_who(std::string_view a, std::string_view b);
/// A directory entry's keys, one a line (empty lines skipped).
std::vector<std::string_view> directory_lines(std::string_view entry);

/// Metadata key prefix of the space directory: lore:in:<alias> lists, one a
/// line and sorted, the spaces (lowercase) that go by that other name
/// ("lore:in:c1" -> "ops", "lore:in:api" -> "acme/api"). in: reads it.
inline constexpr std::string_view kInKey = "lore:in:";

/// The other names a record's space goes by, lowercase and once each, the
/// space itself left out: "repo" of "owner/repo", and its space aliases
/// without a leading '#' (given by a record without a space too).
std::vector<std::string> space_aliases(const Record& record);

/// A term for `value` under `f`'s prefix. Values of filters that compare
/// case-insensitively are lowercased; ids and principals are kept as they are.
/// Terms past Xapian's 245-byte limit keep a head and a hash of the tail.
std::string term(Field f, std::string_view value);

/// The term of a document's source and kind: XK:<source>:<kind>, lowercase,
/// with a ':' in the source written '_' so that the first ':' after the
/// prefix ends it.
std::string kind_term(std::string_view source, std::string_view kind);
/// The source and kind a kind term names ("XK:slack:reply" -> {"slack",
/// "reply"}); both empty when `t` is not one.
std::pair<std::string_view, std::string_view> split_kind_term(std::string_view t);

/// Lowercases UTF-8 text (Unicode-aware).
std::string lowercase(std::string_view text);

/// The words of a name, lowercase ("Alice Ng" -> {"alice", "ng"}).
std::vector<std::string> name_words(std::string_view name);

/// Canonical kind for a query's word: "pr" -> "pull_request", "issue" -> "issue".
std::string canonical_kind(std::string_view word);

/// The kinds SPEC section 2 lists.
const std::vector<std::string>& known_kinds();

/// FNV-1a, 64 bits, over `bytes`: Lore's one hash of ids and contents.
uint64_t fnv1a(std::string_view bytes);

/// 16 hex digits of fnv1a(bytes).
std::string content_hash(std::string_view bytes);

/// Which pairs and triples of words a document may hold side by side (value
/// slot 6): a Bloom filter of them, each a 64-bit hash that sets two bits
/// (pair_hash() of the term at a position and the term at the next; a
/// triple is the pair of that hash and the term after), in kPairBits bits
/// each rounded up to whole 64-bit words (one to kMaxPairWords: past 1,024 of
/// them the filter fills up and rules out less). A phrase's words are side by
/// side in every document that holds it, so a document whose filter lacks
/// one of the phrase's pairs or triples (phrase_pairs(), may_hold()) cannot
/// hold it, and the positions of its words, the costly part of a phrase's
/// check, need not be read. Made from the document's own terms and
/// positions (document_pairs()), so that it agrees with Xapian's phrase
/// check whatever the text (CJK n-grams, titles, joined words); plain ASCII
/// text is read directly (detail::ascii_pairs(), the same hashes).
inline constexpr size_t kPairBits = 4;
inline constexpr size_t kMaxPairWords = 64;
/// The pair of terms `a` then `b`.
uint64_t pair_hash(std::string_view a, std::string_view b);
/// The pairs and triples of a phrase's terms.
std::vector<uint64_t> phrase_pairs(const std::vector<std::string>& terms);
/// The pairs and triples of a document's positional terms (replacing `out`).
void document_pairs(const Xapian::Document& doc, std::vector<uint64_t>& out);
/// The first byte of a stored filter: its layout. A layout of another
/// number (a later Lore's) is not read, and its documents are checked by
/// their positions alone.
inline constexpr char kPairFormat = 1;
/// The stored filter of `pairs`: kPairFormat, then its words (8 bytes each,
/// little-endian).
std::string pair_value(const std::vector<uint64_t>& pairs);
/// The words of a stored filter, appended to `out`; false (nothing
/// appended) for a value that is not one of kPairFormat.
bool pair_words_of(std::string_view value, std::vector<uint64_t>& out);
/// Whether the filter of `n_words` words at `words` may hold `pair`.
bool may_hold(const uint64_t* words, size_t n_words, uint64_t pair);

/// The packed facet value of a record (value slot 4; see kFacetSep).
std::string facet_value(const Record& record);

/// BM25's length normalisation, done when a document is written instead of
/// when it is searched. BM25 divides a word's frequency by
/// 1 - b + b * max(min_normlen, L / avgL), L the document's length; reading
/// L for every candidate was nine tenths of a search's time on a million
/// messages (Xapian keeps lengths in chunks that each look-up decodes). So
/// the writer stores round(kWdfScale * wdf / norm) as each word's wdf, with
/// `reference_length` standing in for the average, and the searcher ranks
/// with b = 0 and k1 * kWdfScale: the same order as BM25 up to rounding, at
/// a tenth of the cost. Changing these means importing again (the schema
/// version says so).
struct LengthNorm {
  double b = 0.75;
  double min_normlen = 0.2;
  double reference_length = 150;  ///< in wdf units (a word counts twice: word and stem)
};
/// Resolution of a stored wdf: a word once in a document of the reference
/// length gets this wdf, once in a very short one 2.5 times as much. Fine
/// enough that rounding leaves the known-item ranking as exact BM25 had it
/// (bench/ranking: 0.9185 against 0.9205 MRR; 256 gives 0.9205 back), coarse
/// enough that the commonest word's total over ten million messages (about
/// 10^9) stays well inside Xapian's 32-bit collection frequency, from which
/// Xapian bounds a word's weight.
inline constexpr double kWdfScale = 32;

/// Builds the Xapian document for a record (terms, values, data), using
/// `tg` (set up with the English stemmer) for free text.
Xapian::Document to_document(const Record& record, Xapian::TermGenerator& tg, const LengthNorm& norm = {});
/// The same, given the record's stored form (stored_record()) when the
/// caller already has it, so that it is not computed twice. With `words`, also
/// lists the document's free-text terms (those with a frequency, stemmed
/// ones too): the writer's spelling table needs them, and the document's
/// terms are walked once.
Xapian::Document to_document(const Record& record, Xapian::TermGenerator& tg, const std::string& stored,
                             const LengthNorm& norm = {}, std::vector<std::string>* words = nullptr);

namespace detail {
/// to_document() without its shortcut for short ASCII records (whose wdfs
/// it knows before indexing): every word's frequency counted, then scaled.
/// The two must give the same document; tests compare them.
Xapian::Document to_document_the_long_way(const Record& record, Xapian::TermGenerator& tg,
                                          const LengthNorm& norm = {});
/// The record's document_pairs() read from its title and text, without
/// indexing them, when they are plain ASCII words (see schema.cc); false
/// when TermGenerator's rules would need following. The two must agree;
/// tests compare them.
bool ascii_pairs(const Record& record, std::vector<uint64_t>& out);
}  // namespace detail

/// What a document's data holds: a byte naming the form, the content hash
/// (fnv1a() of the rest, 8 bytes, low first), then the record as
/// append_stored_record() writes it (record_store.h).
std::string stored_record(const Record& record);

/// The content hash of a stored record (stored_record()); empty when
/// `stored` is not one.
std::string_view stored_hash(std::string_view stored);

/// The record stored in a document (its data).
Record from_document(const Xapian::Document& doc);

/// The content hash stored with a document's record.
std::string stored_hash(const Xapian::Document& doc);

/// The query of a filter's term (no weight); or nothing, to let the caller
/// use the term itself. A searcher answers from a bitmap in memory
/// (searcher.cc, TermBits).
using FilterTerms = std::function<std::optional<Xapian::Query>(const std::string& term)>;
/// The query of filter term `term`: what `terms` gives for it, else the term.
Xapian::Query filter_query(const std::string& term, const FilterTerms& terms);
/// The same for the documents dated from `lo` to `hi` (seconds, both
/// included; either open).
using DateFilter = std::function<std::optional<Xapian::Query>(std::optional<int64_t> lo, std::optional<int64_t> hi)>;

/// The documents dated from `lo` to `hi` (seconds, both included; either
/// may be open). Whole months of the range are their XYM: terms; only the
/// months at its ends, when cut, compare the date value
/// (slot 0) of their documents. `db` gives the dates the index holds, so
/// that an end outside them costs nothing. `dates`, when given, is asked
/// first (once the ends outside the dates held are dropped).
Xapian::Query date_query(const Xapian::Database& db, std::optional<int64_t> lo, std::optional<int64_t> hi,
                         const DateFilter& dates = {});

/// Every document of the conversation whose root has id `thread`: the root
/// itself (by its id) and the documents that answer it (by XTH:).
Xapian::Query thread_query(std::string_view thread);

/// A query matching every document. Always this, never Xapian::Query::MatchAll:
/// that is one static object whose reference count is not atomic, so copies
/// of it made by two searching threads at once corrupt it (lore-serve
/// crashed so). Xapian::Query::MatchNothing holds nothing and is safe.
inline Xapian::Query match_all() { return Xapian::Query(std::string()); }

/// The TermGenerator and QueryParser stemming Lore uses.
Xapian::Stem default_stemmer();

/// default_stemmer() remembering the stems it has worked out, for one
/// indexing thread (not thread-safe; each writer makes its own).
Xapian::Stem indexing_stemmer();

}  // namespace lore
