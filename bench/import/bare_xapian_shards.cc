// bare-xapian-shards: the ceiling of using two cores with Xapian. The same
// texts and the same TermGenerator as bare-xapian, split between N threads
// (document i goes to shard i % N), each building its own database, then
// merged into one with Xapian's compaction, as Lore's import does. Nothing
// Lore-specific: no ids, filters, values or stored records. Shards are
// written without fsync and updated in place, and flushed every
// --flush documents (default: Xapian's own 10,000).
#include <xapian.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bare-xapian-shards TEXTS.tsv DBDIR [--shards N] [--flush N]\n";
    return 2;
  }
  unsigned shards = 2, flush = 10000;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--shards") shards = static_cast<unsigned>(std::atoi(argv[i + 1]));
    if (a == "--flush") flush = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  if (shards < 1 || flush < 1) return 2;
  const std::string out = argv[2];
  auto t0 = std::chrono::steady_clock::now();
  // One reader hands lines out in turn; each shard keeps its own copy of
  // the texts it was given (the texts of 1M short messages fit in memory).
  std::vector<std::vector<std::string>> parts(shards);
  {
    std::ifstream in(argv[1], std::ios::binary);
    std::string line;
    for (uint64_t n = 0; std::getline(in, line); ++n) {
      size_t tab = line.find('\t');
      parts[n % shards].push_back(tab == std::string::npos ? line : line.substr(tab + 1));
    }
  }
  auto build = [&](unsigned k) {
    Xapian::WritableDatabase db(out + ".shard" + std::to_string(k),
                                Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    uint64_t n = 0;
    for (const auto& text : parts[k]) {
      Xapian::Document doc;
      tg.set_document(doc);
      tg.index_text(text);
      db.add_document(doc);
      if (++n % flush == 0) db.commit();
    }
    db.commit();
  };
  std::vector<std::thread> threads;
  for (unsigned k = 0; k < shards; ++k) threads.emplace_back(build, k);
  for (auto& t : threads) t.join();
  auto t1 = std::chrono::steady_clock::now();
  uint64_t n = 0;
  {
    Xapian::Database all;
    for (unsigned k = 0; k < shards; ++k) all.add_database(Xapian::Database(out + ".shard" + std::to_string(k)));
    n = all.get_doccount();
    all.compact(out);
  }
  auto t2 = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(t2 - t0).count();
  std::cout << n << " documents in " << s << " s (shards " << std::chrono::duration<double>(t1 - t0).count()
            << " s, merge " << std::chrono::duration<double>(t2 - t1).count()
            << " s): " << static_cast<uint64_t>(n / s) << " per second\n";
  return 0;
}
