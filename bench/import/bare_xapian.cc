// bare-xapian: the floor of the import benchmark. Indexes the lines of a
// dump-texts file with nothing but Xapian: one TermGenerator with positions
// and Lore's English stemming, add_document, one commit at the end (Xapian
// flushes on its own every 10,000 documents). Single-threaded.
#include <xapian.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bare-xapian TEXTS.tsv DBDIR\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  Xapian::WritableDatabase db(argv[2], Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator tg;
  tg.set_stemmer(Xapian::Stem("english"));
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  auto t0 = std::chrono::steady_clock::now();
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    Xapian::Document doc;
    tg.set_document(doc);
    tg.index_text(tab == std::string::npos ? line : line.substr(tab + 1));
    db.add_document(doc);
    ++n;
  }
  db.commit();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << n << " documents in " << s << " s: " << static_cast<uint64_t>(n / s) << " per second\n";
  return 0;
}
