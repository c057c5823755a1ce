// Who may see what (SPEC section 5): a caller is trusted (sees everything) or
// holds a set of principals; a restricted document shows only to a caller
// holding one of its principals. Every search the engine runs is filtered
// through access_filter(), so no channel (hits, counts, facets, snippets,
// suggestions, threads, similar) can reach past it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "record.h"
#include "schema.h"

namespace lore {

struct Access {
  /// Sees everything: the command line without --as, or a token granting "*".
  bool all = false;
  /// Principals held, e.g. "slack:U024BE7LH", "github:acme/api", "p2:blog.acme.com".
  std::vector<std::string> principals;

  static Access everything() { return Access{true, {}}; }
  static Access public_only() { return Access{false, {}}; }
  /// From "--as slack:U1,github:o/r" ("*" grants everything).
  static Access parse(std::string_view comma_separated);

  /// Whether this caller may see `record`.
  bool may_see(const Record& record) const;
};

/// The filter a search runs under for `access`; MatchAll for a trusted caller.
Xapian::Query access_filter(const Access& access);

/// `query` restricted to what `access` may see; `terms`, when given, is asked
/// for the private documents' term first.
Xapian::Query restrict(const Xapian::Query& query, const Access& access, const FilterTerms& terms = {});

}  // namespace lore
