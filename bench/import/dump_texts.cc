// dump-texts: writes what Lore's readers find in inputs as one record a line,
// "id<TAB>title and text" (line breaks and tabs as spaces), so that the peers
// of the import benchmark index exactly the texts Lore indexes.
#include <fstream>
#include <iostream>

#include "reader.h"

namespace {

class LineSink : public lore::RecordSink {
 public:
  explicit LineSink(std::ostream& out) : out_(out) {}
  void record(lore::Record&& r) override {
    if (r.deleted) return;
    std::string text = r.title.empty() ? r.text : r.title + " " + r.text;
    for (char& c : text)
      if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    out_ << r.id << '\t' << text << '\n';
    ++count;
  }
  void reject(const lore::Position&, std::string_view) override {}
  void skip(std::string_view) override {}
  uint64_t count = 0;

 private:
  std::ostream& out_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: dump-texts OUT.tsv INPUT...\n";
    return 2;
  }
  std::ofstream out(argv[1], std::ios::binary);
  LineSink sink(out);
  try {
    for (int i = 2; i < argc; ++i) lore::reader_for(argv[i], "")->read(argv[i], lore::ReaderOptions{}, sink);
  } catch (const std::exception& e) {
    std::cerr << "dump-texts: " << e.what() << "\n";
    return 1;
  }
  std::cerr << sink.count << " records\n";
  return 0;
}
