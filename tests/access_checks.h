// A check on an index shared by the tests that build one from real exports
// (the importers' tests do not link the engine, so it is not in test_util.h).
#pragma once

#include <gtest/gtest.h>
#include <xapian.h>

#include <string>

#include "schema.h"

namespace lore::test {

/// The invariant restrict() stands on (engine/access.cc): in the database at
/// `db`, the documents with XIS:private are exactly those whose record has
/// principals, and some are public. (XPUBLIC, schema 6's mark of a public
/// document, is gone.)
inline void expect_private_marked(const std::string& db) {
  Xapian::Database d(db);
  const std::string marked = term(Field::Flag, "private");
  size_t restricted = 0, public_ones = 0;
  for (auto p = d.postlist_begin(""); p != d.postlist_end(""); ++p) {
    Xapian::Document doc = d.get_document(*p);
    const bool has_principals = !from_document(doc).principals.empty();
    auto t = doc.termlist_begin();
    t.skip_to(marked);
    const bool has_mark = t != doc.termlist_end() && *t == marked;
    EXPECT_EQ(has_mark, has_principals) << db << ": document " << *p;
    (has_principals ? restricted : public_ones) += 1;
  }
  EXPECT_EQ(d.get_termfreq(marked), restricted) << db;
  EXPECT_EQ(d.get_termfreq("XPUBLIC"), 0u) << db;
  EXPECT_GT(public_ones, 0u) << db;
}

}  // namespace lore::test
