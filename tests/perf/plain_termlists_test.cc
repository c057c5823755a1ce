// lore-index stores term lists uncompressed (indexer/plain_termlists.cc):
// zlib, asked for any level, stores; Xapian then writes a document's term
// list as it is, and reads it back.
#include <gtest/gtest.h>
#include <unistd.h>
#include <xapian.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

TEST(PlainTermlists, DeflateStoresWhateverLevelIsAsked) {
  const std::string in(4096, 'a');  // deflate at level 9 makes this a few dozen bytes
  std::string out(in.size() - 1, '\0');
  z_stream s{};
  ASSERT_EQ(deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  // Stored blocks do not fit in less room than the input: no Z_STREAM_END.
  EXPECT_NE(deflate(&s, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(s.total_out, out.size());
  deflateEnd(&s);
}

TEST(PlainTermlists, XapianWritesTermListsAsTheyAreAndReadsThemBack) {
  const fs::path dir = fs::temp_directory_path() / ("lore_plain_termlists_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string text;
  for (int i = 0; i < 200; ++i) text += "repeatedword" + std::to_string(i % 7) + " ";
  {
    Xapian::WritableDatabase db(dir.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::Document doc;
    Xapian::TermGenerator tg;
    tg.set_document(doc);
    tg.index_text(text);
    doc.add_boolean_term("Qplain-termlist-marker");
    db.add_document(doc);
    db.commit();
  }
  std::ifstream f(dir / "termlist.glass", std::ios::binary);
  std::stringstream bytes;
  bytes << f.rdbuf();
  // Compressed, the term names would not appear as they are.
  EXPECT_NE(bytes.str().find("plain-termlist-marker"), std::string::npos);
  Xapian::Database db(dir.string());
  std::set<std::string> terms(db.termlist_begin(1), db.termlist_end(1));
  EXPECT_EQ(terms.size(), 8u);
  EXPECT_EQ(terms.count("Qplain-termlist-marker"), 1u);
  EXPECT_EQ(terms.count("repeatedword6"), 1u);
  EXPECT_EQ(db.get_document(1).termlist_count(), 8u);
  fs::remove_all(dir);
}

}  // namespace
