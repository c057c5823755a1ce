// Lore's query language (SPEC section 3) to a Xapian::Query.
//
// The structure (AND, OR, NOT, -, parentheses, filters) is parsed here; each
// run of free text, "phrase" and wild* is handed to Xapian's own QueryParser,
// so its words are split and stemmed exactly as the TermGenerator indexed
// them. Filters take their prefixes from the schema table.
//
// Within one AND-sequence, filters of the same kind are ORed and different
// kinds ANDed ("the same filter given twice means either"), and the filters
// restrict without scoring. A worked example:
//
//   deploy in:ops in:#general from:alice -is:bot
//
//   (and (text "deploy")
//        (filter (or (in "ops") (in "general")) (from "alice"))
//        (not (is "bot")))
//
//   Query((Zdeploy@1 FILTER ((XIN:ops OR XIN:general) AND XA:slack:u1))
//          AND_NOT XIS:bot)
//
// (from:alice became the key of every author the directory lists under
// "alice": here one, slack:u1.)
//
// Dates: D is YYYY-MM-DD, YYYY-MM, YYYY, today, yesterday, or Nd/Nw/Nm/Ny ago
// (a day). `after:D` means after all of D, `before:D` before all of D, `on:D`
// and `during:D` within D, `date:D1..D2` from the start of D1 to the end of
// D2, either end may be left open. All UTC.
//
// Consecutive plain words go to Xapian's parser as one run, so that the
// glossary's multi-word terms (lore-index --synonyms) are recognised; the
// glossary is used for every word (FLAG_AUTO_SYNONYMS), not for phrases.
//
// Spelling ("did you mean"): a plain word that is in no public document's
// text is replaced by the closest word that is, from Xapian's spelling table,
// which the index writer fills from public documents only (so a word of a
// restricted document is never offered, nor used to decide). Lore asks the
// table word by word, as Xapian's FLAG_SPELLING_CORRECTION does, but splices
// the answers into the query as typed, so filters and operators are kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "schema.h"

namespace lore {

/// Now, in seconds since the epoch: $LORE_NOW (ISO 8601) when set, so tests
/// can fix the clock for relative dates, else the system clock.
int64_t clock_now();

struct ParsedQuery {
  Xapian::Query query;
  /// The parse tree as an s-expression, for --explain.
  std::string tree;
  /// True when the query has free text (else it only filters).
  bool has_text = false;
  /// The terms of the free-text words every match must hold, a word as
  /// often as it is written (phrase words included); empty when free text
  /// is only ORed. The searcher splits a long intersection over two threads.
  std::vector<std::string> and_terms;
  /// When parse() was asked to suggest: the query with each free-text word
  /// that no public document holds replaced by the nearest word that one
  /// does (filters, operators and the rest kept as typed); empty when no
  /// word needed it.
  std::string corrected;
};

class QueryParser {
 public:
  /// `db` is used to expand wildcards; `now` anchors relative dates;
  /// `filter_terms` and `date_filter`, when given, are asked for filters'
  /// terms and date ranges first.
  QueryParser(const Xapian::Database& db, int64_t now, FilterTerms filter_terms = {}, DateFilter date_filter = {});

  /// Parses `query`; throws lore::Error (Query) naming the column of the
  /// problem. With `suggest`, fills ParsedQuery::corrected.
  ParsedQuery parse(std::string_view query, bool suggest = false) const;

  /// Longest query accepted, in bytes.
  static constexpr size_t kMaxQueryBytes = 4096;

 private:
  Xapian::Database db_;
  int64_t now_;
  FilterTerms filter_terms_;
  DateFilter date_filter_;
};

}  // namespace lore
