// The generator is deterministic and its archives read as exactly the records
// it says it wrote; the parallel writer builds the same index as the serial
// one and keeps its upsert semantics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "compaction.h"
#include "errors.h"
#include "generator.h"
#include "index_writer.h"
#include "schema.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace lore {
namespace {

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("lore_perf_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

gen::GenSummary make(const std::string& format, uint64_t n, uint64_t seed, const fs::path& out) {
  gen::GenOptions o;
  o.format = format;
  o.messages = n;
  o.seed = seed;
  return gen::generate(o, out.string());
}

TEST(Generator, same_seed_same_bytes_other_seed_other_bytes) {
  fs::path dir = temp_dir("gen");
  for (std::string f : {"slack", "github", "wxr"}) {
    make(f, 1500, 9, dir / "a");
    make(f, 1500, 9, dir / "b");
    make(f, 1500, 10, dir / "c");
    std::string a = slurp(dir / "a");
    EXPECT_GT(a.size(), 100000u) << f;
    EXPECT_EQ(a, slurp(dir / "b")) << f;
    EXPECT_NE(a, slurp(dir / "c")) << f;
  }
  fs::remove_all(dir);
}

// What the generator says it wrote is what the readers find.
void expect_reads_back(const std::string& format, const std::string& name, const std::string& reader_format) {
  fs::path dir = temp_dir("read_" + format);
  auto sum = make(format, 3000, 4, dir / name);
  EXPECT_EQ(sum.records, 3000u);
  test::CollectingSink sink;
  reader_for(dir / name, "")->read(dir / name, ReaderOptions{}, sink);
  EXPECT_EQ(reader_for(dir / name, "")->format(), reader_format);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects.front().first.str() << ": " << sink.rejects.front().second;
  ASSERT_EQ(sink.records.size(), 3000u);
  std::set<std::string> ids, threads;
  uint64_t restricted = 0;
  for (const auto& r : sink.records) {
    ids.insert(r.id);
    if (!r.parent.empty()) threads.insert(r.thread_id());
    restricted += !r.principals.empty();
    EXPECT_FALSE(r.text.empty()) << r.id;
    EXPECT_GT(r.date, 1546300800 - 1) << r.id;
  }
  EXPECT_EQ(ids.size(), 3000u);
  EXPECT_EQ(threads.size(), sum.threads);
  EXPECT_EQ(restricted, sum.restricted);
  fs::remove_all(dir);
}

TEST(Generator, slack_export_reads_as_the_records_written) { expect_reads_back("slack", "export.zip", "slack"); }
TEST(Generator, wxr_reads_as_the_records_written) { expect_reads_back("wxr", "blog.xml", "wxr"); }

TEST(Generator, slack_export_has_private_channels_dms_and_threads) {
  fs::path dir = temp_dir("slack_shape");
  auto sum = make("slack", 20000, 1, dir / "e.zip");
  EXPECT_EQ(sum.records, 20000u);
  EXPECT_GT(sum.threads, 500u);
  EXPECT_GT(sum.restricted, 0u);
  EXPECT_LT(sum.restricted, 10000u);
  fs::remove_all(dir);
}

std::vector<Record> slack_records(uint64_t n, uint64_t seed) {
  fs::path dir = temp_dir("records");
  make("slack", n, seed, dir / "e.zip");
  test::CollectingSink sink;
  reader_for(dir / "e.zip", "")->read(dir / "e.zip", ReaderOptions{}, sink);
  fs::remove_all(dir);
  return std::move(sink.records);
}

std::vector<Record> generated_records(const std::string& format, const std::string& name, uint64_t n,
                                      uint64_t seed) {
  fs::path dir = temp_dir("records_" + format);
  make(format, n, seed, dir / name);
  test::CollectingSink sink;
  reader_for(dir / name, "")->read(dir / name, ReaderOptions{}, sink);
  fs::remove_all(dir);
  return std::move(sink.records);
}

// Terms, frequencies and positions of a document, in order.
std::vector<std::string> dump_terms(const Xapian::Document& d) {
  std::vector<std::string> out;
  for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
    std::string line = *t + " " + std::to_string(t.get_wdf());
    for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) line += " " + std::to_string(*p);
    out.push_back(std::move(line));
  }
  return out;
}

// to_document() knows a short ASCII record's frequencies before indexing it;
// the document must be the one counting and scaling every word gives.
TEST(Schema, the_short_document_shortcut_gives_the_same_documents) {
  std::vector<Record> records = generated_records("slack", "e.zip", 3000, 5);
  auto posts = generated_records("wxr", "b.xml", 1500, 6);  // titles, long HTML bodies
  records.insert(records.end(), posts.begin(), posts.end());
  // Around the bound, non-ASCII, joined words, a title alone.
  for (int words = 1; words <= 20; ++words) {
    std::string text;
    for (int i = 0; i < words; ++i) text += (i % 3 ? "Word" : "always_flush&x ") + std::to_string(i % 4) + " ";
    records.push_back(test::make_record("s:" + std::to_string(words), "s", "message", 1600000000, text));
    Record titled = records.back();
    titled.id += "t";
    titled.title = "A title, " + std::to_string(words);
    records.push_back(titled);
  }
  records.push_back(test::make_record("s:u", "s", "message", 1600000000, "Grüße aus Köln, 東京 too"));
  Xapian::TermGenerator tg;
  tg.set_stemmer(indexing_stemmer());
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  size_t short_docs = 0;
  for (const auto& r : records) {
    Xapian::Document fast = to_document(r, tg), slow = detail::to_document_the_long_way(r, tg);
    const auto terms = dump_terms(fast);
    ASSERT_EQ(terms, dump_terms(slow)) << r.id;
    for (Xapian::valueno v = 0; v < 8; ++v) EXPECT_EQ(fast.get_value(v), slow.get_value(v)) << r.id;
    // A short document's words all have wdfs in the clamped scale (80 a word).
    bool all_scaled = true;
    for (auto t = fast.termlist_begin(); t != fast.termlist_end(); ++t)
      if (t.get_wdf() && t.get_wdf() % 80) all_scaled = false;
    short_docs += all_scaled;
  }
  EXPECT_GT(short_docs, 1000u);                 // the shortcut's case is common
  EXPECT_LT(short_docs, records.size() - 500);  // and the long way is still taken
}

// A document's word-pair filter (value slot 6) holds every pair and triple
// of words side by side that its positions have, read from the text itself
// for plain ASCII records exactly as from the document; and it rules out
// most of those it does not hold.
TEST(Schema, word_pairs_read_from_the_text_are_those_of_the_positions_and_the_filter_holds_them) {
  std::vector<Record> records = generated_records("slack", "p.zip", 3000, 7);
  auto posts = generated_records("wxr", "p.xml", 800, 8);  // titles, long bodies
  records.insert(records.end(), posts.begin(), posts.end());
  for (const char* rel : {"slack/julialang-slack-history", "wxr/wptrt-theme-unit-test/themeunittestdata.wordpress.xml"}) {
    test::CollectingSink sink;
    const fs::path path = test::realdata(rel);
    reader_for(path, "")->read(path, ReaderOptions{}, sink);
    records.insert(records.end(), sink.records.begin(), sink.records.end());
  }
  // What TermGenerator joins, suffixes, skips or cuts otherwise.
  for (const std::string& text : std::vector<std::string>{"don't stop", "AT&T and M&S", "C++ and C# code", "fish+chips", "version 1.5.2 now",
                           "1,000 rows; 2;3", "the U.S.A. team", "A.b c", "ABC.DEF ghi", "x-ray e-mail",
                           "snake_case_name here", "Grüße aus Köln", "東京 tower 東京", "a.b, c! (d) [e]",
                           "one ", "", "end.", std::string(70, 'z') + " after a long word",
                           std::string(64, 'y') + " after a word of 64"})
    records.push_back(test::make_record("s:" + text, "s", "message", 1600000000, text));
  Record titled = test::make_record("s:titled", "s", "post", 1600000000, "Body words here");
  titled.title = "Title Words Here";
  records.push_back(titled);
  Xapian::TermGenerator tg;
  tg.set_stemmer(indexing_stemmer());
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  size_t read = 0, declined = 0, held = 0, absent = 0, absent_passed = 0;
  std::vector<uint64_t> from_text, from_positions, words;
  for (const auto& r : records) {
    const Xapian::Document doc = to_document(r, tg);
    document_pairs(doc, from_positions);
    std::sort(from_positions.begin(), from_positions.end());
    if (detail::ascii_pairs(r, from_text)) {
      ++read;
      std::sort(from_text.begin(), from_text.end());
      ASSERT_EQ(from_text, from_positions) << r.id;
    } else {
      ++declined;
    }
    words.clear();
    const std::string value = doc.get_value(field(Field::Pairs).slot);
    ASSERT_TRUE(pair_words_of(value, words)) << r.id;
    ASSERT_GE(words.size(), 1u);
    ASSERT_LE(words.size(), kMaxPairWords);
    ASSERT_EQ(value.size(), 1 + 8 * words.size());
    // A filter of another layout is not read.
    std::vector<uint64_t> other;
    EXPECT_FALSE(pair_words_of(std::string(1, static_cast<char>(kPairFormat + 1)) + value.substr(1), other));
    EXPECT_FALSE(pair_words_of(value.substr(0, value.size() - 1), other));
    EXPECT_TRUE(other.empty());
    for (uint64_t p : from_positions) ASSERT_TRUE(may_hold(words.data(), words.size(), p)) << r.id;
    held += from_positions.size();
    // Pairs it does not have: a filter of 4 bits a pair, two set, passes
    // about a sixth of them (more when it is full: past 1,024).
    for (int k = 0; k < 8; ++k) {
      const uint64_t p = pair_hash("absent" + std::to_string(k), r.id);
      if (std::binary_search(from_positions.begin(), from_positions.end(), p)) continue;
      ++absent;
      absent_passed += may_hold(words.data(), words.size(), p);
    }
  }
  EXPECT_GT(read, 3000u);     // most texts are plain ASCII words
  EXPECT_GT(declined, 300u);  // and the document's own positions are still needed
  EXPECT_GT(held, 100000u);
  EXPECT_LT(absent_passed * 4, absent) << absent_passed << " of " << absent;
  // The phrase a search asks for, in the same hashes.
  const Record& s = *std::find_if(records.begin(), records.end(), [](const Record& r) { return r.id == "s:x-ray e-mail"; });
  document_pairs(to_document(s, tg), from_positions);
  const std::vector<uint64_t> phrase = phrase_pairs({"ray", "e", "mail"});
  ASSERT_EQ(phrase.size(), 3u);  // the triple first, then the two pairs
  for (uint64_t p : phrase) EXPECT_NE(std::find(from_positions.begin(), from_positions.end(), p), from_positions.end());
  EXPECT_EQ(phrase_pairs({"e", "ray"}).size(), 1u);
  EXPECT_EQ(std::find(from_positions.begin(), from_positions.end(), phrase_pairs({"e", "ray"})[0]), from_positions.end());
}

// Every document of `a` is in `b` exactly once with the same terms, positions and values (the
// record is one).
void expect_same_index(const fs::path& a, const fs::path& b) {
  Xapian::Database da(a.string()), db(b.string());
  ASSERT_EQ(da.get_doccount(), db.get_doccount());
  EXPECT_EQ(da.get_metadata(std::string(kSchemaKey)), db.get_metadata(std::string(kSchemaKey)));
  for (auto t = da.allterms_begin("Q"); t != da.allterms_end("Q"); ++t) {
    ASSERT_EQ(db.get_termfreq(*t), 1u) << *t;
    Xapian::Document x = da.get_document(*da.postlist_begin(*t));
    Xapian::Document y = db.get_document(*db.postlist_begin(*t));
    EXPECT_EQ(dump_terms(x), dump_terms(y)) << *t;  // with frequencies and positions
    for (Xapian::valueno v = 0; v < 10; ++v) EXPECT_EQ(x.get_value(v), y.get_value(v)) << *t << " slot " << v;
  }
  // The same author and space directories, whichever shard each author's
  // words and each space's other names were in.
  for (const std::string& dir : {std::string(kWhoKey), std::string(kInKey)}) {
    std::vector<std::string> ka(da.metadata_keys_begin(dir), da.metadata_keys_end(dir)),
        kb(db.metadata_keys_begin(dir), db.metadata_keys_end(dir));
    EXPECT_GT(ka.size(), 10u) << dir;
    EXPECT_EQ(ka, kb) << dir;
    for (const auto& k : ka) EXPECT_EQ(da.get_metadata(k), db.get_metadata(k)) << k;
  }
}

// Every spelling word of `a` with the same frequency in `b`, and no other.
void expect_same_spelling(const fs::path& a, const fs::path& b) {
  Xapian::Database da(a.string()), db(b.string());
  std::map<std::string, Xapian::doccount> sa, sb;
  for (auto w = da.spellings_begin(); w != da.spellings_end(); ++w) sa[*w] = w.get_termfreq();
  for (auto w = db.spellings_begin(); w != db.spellings_end(); ++w) sb[*w] = w.get_termfreq();
  EXPECT_GT(sa.size(), 100u);
  EXPECT_EQ(sa, sb);
}

// The serial writer's index, whatever the size of a shard's parts.
void expect_parallel_same_as_serial(uint64_t part_docs, const std::string& name) {
  auto records = slack_records(4000, 3);
  fs::path dir = temp_dir(name);
  {
    IndexWriter serial((dir / "serial").string());
    for (const auto& r : records) serial.write(r);
    serial.commit();
  }
  WriteTally tally;
  {
    ParallelWriter par((dir / "parallel").string(), 2, 5000, part_docs);
    EXPECT_TRUE(par.sharded());
    for (auto r : records) par.write(std::move(r), tally);
    par.finish();
    EXPECT_EQ(par.document_count(), 4000u);
  }
  EXPECT_EQ(tally.added, 4000u);
  EXPECT_FALSE(fs::exists(dir / "parallel" / ".lore-shards"));
  EXPECT_FALSE(fs::exists(dir / "parallel" / ".lore-merge"));
  // Terms include the thread flag of every root, marked in whichever part
  // its answers went to.
  expect_same_index(dir / "serial", dir / "parallel");
  expect_same_spelling(dir / "serial", dir / "parallel");
  // Thread roots are marked although they learn of their replies later.
  Xapian::Database db((dir / "parallel").string());
  EXPECT_GT(db.get_termfreq(term(Field::Flag, "thread")), db.get_termfreq(term(Field::Flag, "reply")));
  fs::remove_all(dir);
}

TEST(ParallelWriter, shards_give_the_same_documents_as_the_serial_writer) {
  expect_parallel_same_as_serial(ParallelWriter::kPartDocs, "same");
}

// 4,000 records in parts of 300: each shard in seven parts, conversations
// whose roots and answers are in different parts.
TEST(ParallelWriter, shards_in_many_parts_give_the_same_documents_as_the_serial_writer) {
  expect_parallel_same_as_serial(300, "parts");
}

// Upserts and deletions within one run; with `part_docs` 30, the second
// version of an id comes when its shard has moved on to a later part.
void expect_newest_versions(uint64_t part_docs, const std::string& name) {
  fs::path dir = temp_dir(name);
  WriteTally tally;
  ParallelWriter w((dir / "db").string(), 2, 5000, part_docs);
  ASSERT_TRUE(w.sharded());
  for (int i = 0; i < 200; ++i) {
    Record r = test::make_record("x:" + std::to_string(i), "x", "message", 1600000000, "first version");
    r.updated = 100;
    w.write(std::move(r), tally);
  }
  for (int i = 0; i < 200; ++i) {
    Record r = test::make_record("x:" + std::to_string(i), "x", "message", 1600000000,
                                 i % 2 ? "second version" : "older version");
    r.thread = "x:other" + std::to_string(i % 7);  // another conversation: must not land in another shard
    r.updated = i % 2 ? 200 : 50;
    w.write(std::move(r), tally);
  }
  for (int i = 0; i < 10; ++i) {
    Record r;
    r.id = "x:" + std::to_string(i * 20);
    r.deleted = true;
    w.write(std::move(r), tally);
  }
  w.finish();
  EXPECT_EQ(tally.added, 200u);
  EXPECT_EQ(tally.updated, 100u);
  EXPECT_EQ(tally.unchanged, 100u);  // the older versions are stale
  EXPECT_EQ(tally.removed, 10u);
  EXPECT_EQ(w.document_count(), 190u);
  Xapian::Database db((dir / "db").string());
  for (int i = 0; i < 200; ++i) {
    const std::string q = term(Field::Id, "x:" + std::to_string(i));
    if (i % 20 == 0) {
      EXPECT_EQ(db.get_termfreq(q), 0u) << q;
      continue;
    }
    ASSERT_EQ(db.get_termfreq(q), 1u) << q;
    Record r = from_document(db.get_document(*db.postlist_begin(q)));
    EXPECT_EQ(r.text, i % 2 ? "second version" : "first version") << q;
  }
  fs::remove_all(dir);
}

TEST(ParallelWriter, within_one_sharded_run_an_id_ends_up_once_with_its_newest_version) {
  expect_newest_versions(ParallelWriter::kPartDocs, "upsert");
}

TEST(ParallelWriter, an_id_written_to_an_earlier_part_is_upserted_there) {
  expect_newest_versions(30, "upsert_parts");
}

// Roots that do not say they were answered (r.answered unset, as some
// sources give no hint) learn it when the shards are sealed, also when the
// answers went to a later part of the shard than the root.
TEST(ParallelWriter, a_root_answered_in_a_later_part_is_marked_as_a_thread) {
  fs::path dir = temp_dir("roots");
  WriteTally tally;
  ParallelWriter w((dir / "db").string(), 2, 5000, 30);
  ASSERT_TRUE(w.sharded());
  for (int i = 0; i < 100; ++i)
    w.write(test::make_record("t:" + std::to_string(i), "t", "message", 1600000000 + i, "a question"), tally);
  for (int i = 0; i < 100; i += 2) {
    Record r = test::make_record("t:" + std::to_string(i) + "/a", "t", "reply", 1600001000 + i, "an answer");
    r.parent = r.thread = "t:" + std::to_string(i);
    w.write(std::move(r), tally);
  }
  w.finish();
  EXPECT_EQ(w.document_count(), 150u);
  Xapian::Database db((dir / "db").string());
  const std::string flag = term(Field::Flag, "thread");
  EXPECT_EQ(db.get_termfreq(flag), 100u);  // 50 answers and their 50 roots
  for (int i = 0; i < 100; ++i) {
    const std::string q = term(Field::Id, "t:" + std::to_string(i));
    Xapian::Document d = db.get_document(*db.postlist_begin(q));
    auto t = d.termlist_begin();
    t.skip_to(flag);
    EXPECT_EQ(t != d.termlist_end() && *t == flag, i % 2 == 0) << q;
  }
  fs::remove_all(dir);
}

TEST(ParallelWriter, a_database_with_documents_is_updated_in_place_and_reimport_changes_nothing) {
  auto records = slack_records(1500, 8);
  fs::path dir = temp_dir("inplace");
  const std::string path = (dir / "db").string();
  {
    WriteTally t;
    ParallelWriter w(path, 2);
    for (auto r : records) w.write(std::move(r), t);
    w.finish();
  }
  WriteTally again;
  {
    ParallelWriter w(path, 2);
    EXPECT_FALSE(w.sharded());
    for (auto r : records) w.write(std::move(r), again);
    Record edited = records[10];
    edited.text = "an edit";
    edited.updated = edited.date + 10;
    w.write(std::move(edited), again);
    w.finish();
    EXPECT_EQ(w.document_count(), 1500u);
  }
  EXPECT_EQ(again.unchanged, 1500u);
  EXPECT_EQ(again.updated, 1u);
  EXPECT_EQ(again.added, 0u);
  fs::remove_all(dir);
}

TEST(ParallelWriter, a_worker_error_reaches_the_caller) {
  fs::path dir = temp_dir("error");
  const std::string path = (dir / "db").string();
  WriteTally t;
  ParallelWriter w(path, 2);
  ASSERT_TRUE(w.sharded());
  for (int i = 0; i < 50; ++i) {
    w.write(test::make_record("e:" + std::to_string(i), "e", "message", 0, "words"), t);
  }
  fs::remove_all(dir / "db" / ".lore-shards");
  EXPECT_THROW(w.finish(), Error);
  fs::remove_all(dir);
}

// Two databases hold the same documents, terms, frequencies, positions,
// values, metadata and spellings, under the same document ids.
void expect_identical(const fs::path& a, const fs::path& b) {
  Xapian::Database da(a.string()), db(b.string());
  ASSERT_EQ(da.get_doccount(), db.get_doccount());
  ASSERT_EQ(da.get_lastdocid(), db.get_lastdocid());
  EXPECT_EQ(da.get_total_length(), db.get_total_length());
  EXPECT_EQ(da.get_doclength_upper_bound(), db.get_doclength_upper_bound());
  EXPECT_EQ(da.get_wdf_upper_bound("the"), db.get_wdf_upper_bound("the"));
  size_t positions = 0;
  auto ta = da.allterms_begin(), tb = db.allterms_begin();
  for (; ta != da.allterms_end(); ++ta, ++tb) {
    ASSERT_NE(tb, db.allterms_end());
    ASSERT_EQ(*ta, *tb);
    ASSERT_EQ(ta.get_termfreq(), tb.get_termfreq()) << *ta;
    ASSERT_EQ(da.get_collection_freq(*ta), db.get_collection_freq(*tb)) << *ta;
    auto pa = da.postlist_begin(*ta), pb = db.postlist_begin(*tb);
    for (; pa != da.postlist_end(*ta); ++pa, ++pb) {
      ASSERT_EQ(*pa, *pb) << *ta;
      ASSERT_EQ(pa.get_wdf(), pb.get_wdf()) << *ta;
      std::vector<Xapian::termpos> xa(pa.positionlist_begin(), pa.positionlist_end()),
          xb(pb.positionlist_begin(), pb.positionlist_end());
      ASSERT_EQ(xa, xb) << *ta << " in " << *pa;
      positions += xa.size();
    }
  }
  EXPECT_EQ(tb, db.allterms_end());
  EXPECT_GT(positions, 10000u);
  std::vector<Xapian::docid> ids(da.postlist_begin(""), da.postlist_end("")),
      ids_b(db.postlist_begin(""), db.postlist_end(""));
  ASSERT_EQ(ids, ids_b);
  for (Xapian::docid d : ids) {
    Xapian::Document x = da.get_document(d), y = db.get_document(d);
    for (Xapian::valueno v = 0; v < 10; ++v) ASSERT_EQ(x.get_value(v), y.get_value(v)) << d << " slot " << v;
    ASSERT_EQ(x.get_data(), y.get_data()) << d;
    ASSERT_EQ(from_document(x).id, from_document(y).id) << d;
    ASSERT_EQ(da.get_doclength(d), db.get_doclength(d)) << d;
  }
  std::vector<std::string> ka(da.metadata_keys_begin(), da.metadata_keys_end()),
      kb(db.metadata_keys_begin(), db.metadata_keys_end());
  EXPECT_GT(ka.size(), 10u);
  ASSERT_EQ(ka, kb);
  for (const auto& k : ka) EXPECT_EQ(da.get_metadata(k), db.get_metadata(k)) << k;
  expect_same_spelling(a, b);
}

// Three parts as a shard's parts are written (scratch databases, sealed).
std::vector<std::string> make_parts(const fs::path& dir) {
  auto records = slack_records(1800, 11);
  std::vector<std::string> parts;
  for (size_t p = 0; p < 3; ++p) {
    parts.push_back((dir / ("part-" + std::to_string(p))).string());
    IndexWriter w(parts.back(), 5000, true);
    for (size_t i = p * 600; i < (p + 1) * 600; ++i) w.write(records[i], true);
    w.seal(w.answered_threads());
  }
  return parts;
}

TEST(Compaction, on_two_threads_gives_the_database_one_thread_gives) {
  fs::path dir = temp_dir("compact_two");
  const auto parts = make_parts(dir);
  Xapian::Compactor keep_first;
  detail::compact_serially(parts, (dir / "serial").string(), keep_first);
  ASSERT_TRUE(detail::compact_in_two(parts, (dir / "two").string(), keep_first, (dir / "views").string()));
  expect_identical(dir / "serial", dir / "two");
  // A phrase taken from a document finds the same documents in both, that one among them.
  Xapian::Database one((dir / "serial").string()), two((dir / "two").string());
  std::map<Xapian::termpos, std::string> words;
  const Xapian::docid from = one.get_lastdocid() / 2;
  const Xapian::Document d = one.get_document(from);
  for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t)
    if (!(*t).empty() && std::islower(static_cast<unsigned char>((*t)[0])))
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) words[*p] = *t;
  auto first = std::find_if(words.begin(), words.end(), [&](const auto& w) { return words.count(w.first + 1); });
  ASSERT_NE(first, words.end());
  const std::vector<Xapian::Query> terms = {Xapian::Query(first->second, 1, 1),
                                            Xapian::Query(words[first->first + 1], 1, 2)};
  const Xapian::Query phrase(Xapian::Query::OP_PHRASE, terms.begin(), terms.end());
  std::vector<Xapian::docid> found[2];
  for (int i = 0; i < 2; ++i) {
    Xapian::Enquire e(i ? two : one);
    e.set_query(phrase);
    e.set_docid_order(Xapian::Enquire::ASCENDING);
    e.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet m = e.get_mset(0, 100000);
    found[i].assign(m.begin(), m.end());
  }
  EXPECT_EQ(found[0], found[1]);
  EXPECT_NE(std::find(found[1].begin(), found[1].end(), from), found[1].end());
  fs::remove_all(dir);
}

// A part that is not a glass database of the known format (here a stub
// naming one) is compacted the usual way, to the same result.
TEST(Compaction, parts_it_does_not_know_are_compacted_on_one_thread) {
  fs::path dir = temp_dir("compact_stub");
  auto parts = make_parts(dir);
  Xapian::Compactor keep_first;
  detail::compact_serially(parts, (dir / "serial").string(), keep_first);
  {
    std::ofstream stub(dir / "stub");
    stub << "glass " << parts[0] << "\n";
  }
  parts[0] = (dir / "stub").string();
  EXPECT_FALSE(detail::compact_in_two(parts, (dir / "unused").string(), keep_first, (dir / "views").string()));
  EXPECT_FALSE(fs::exists(dir / "unused"));
  compact_parts(parts, (dir / "fallback").string(), keep_first, (dir / "views").string());
  expect_identical(dir / "serial", dir / "fallback");
  fs::remove_all(dir);
}

// Xapian reads the range of document ids a part uses from its postlist
// table when documents were deleted from it; such parts are compacted on
// one thread.
TEST(Compaction, parts_documents_were_deleted_from_are_compacted_on_one_thread) {
  fs::path dir = temp_dir("compact_deleted");
  const auto parts = make_parts(dir);
  for (Xapian::docid d : {1u, 7u}) {
    Xapian::WritableDatabase w(parts[1]);
    w.delete_document(d);
    w.commit();
  }
  const auto version = detail::GlassVersion::parse(slurp(fs::path(parts[1]) / "iamglass"));
  ASSERT_TRUE(version);
  EXPECT_TRUE(version->has_gaps());
  EXPECT_FALSE(detail::GlassVersion::parse(slurp(fs::path(parts[0]) / "iamglass"))->has_gaps());
  Xapian::Compactor keep_first;
  detail::compact_serially(parts, (dir / "serial").string(), keep_first);
  EXPECT_FALSE(detail::compact_in_two(parts, (dir / "unused").string(), keep_first, (dir / "views").string()));
  EXPECT_FALSE(fs::exists(dir / "unused"));
  compact_parts(parts, (dir / "fallback").string(), keep_first, (dir / "views").string());
  expect_identical(dir / "serial", dir / "fallback");
  EXPECT_EQ(Xapian::Database((dir / "fallback").string()).get_doccount(), 1798u);
  fs::remove_all(dir);
}

TEST(Compaction, glass_version_files_read_back_to_their_bytes_and_odd_ones_are_refused) {
  fs::path dir = temp_dir("version");
  const auto parts = make_parts(dir);
  const std::string bytes = slurp(fs::path(parts[0]) / "iamglass");
  auto v = detail::GlassVersion::parse(bytes);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->bytes(), bytes);
  EXPECT_GT(v->entries(detail::GlassTable::Position), 1000u);
  // Each document has its term list and the list of its value slots.
  EXPECT_EQ(v->entries(detail::GlassTable::Termlist), 1200u);
  v->set_empty(detail::GlassTable::Position);
  EXPECT_EQ(v->entries(detail::GlassTable::Position), 0u);
  EXPECT_NE(v->bytes(), bytes);
  auto again = detail::GlassVersion::parse(v->bytes());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->bytes(), v->bytes());
  std::string other_magic = bytes, other_format = bytes;
  other_magic[3] ^= 1;
  other_format[15] ^= 1;
  EXPECT_FALSE(detail::GlassVersion::parse(other_magic));
  EXPECT_FALSE(detail::GlassVersion::parse(other_format));
  EXPECT_FALSE(detail::GlassVersion::parse(bytes.substr(0, bytes.size() - 1)));
  EXPECT_FALSE(detail::GlassVersion::parse(bytes + '\0'));
  EXPECT_FALSE(detail::GlassVersion::parse(bytes.substr(0, 20)));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lore
