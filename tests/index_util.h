// Importing a file into a test index in process, as lore-index does.
#pragma once

#include <filesystem>
#include <string>

#include "index_writer.h"
#include "reader.h"

namespace lore::test {

/// What an import did, by outcome.
struct ImportCounts {
  int added = 0, updated = 0, unchanged = 0, removed = 0, rejected = 0;
};

/// Reads `file` with the reader its content calls for into the database at
/// `db` (created if needed), committing every `batch_size` documents and at the end.
inline ImportCounts import_file(const std::filesystem::path& db, const std::filesystem::path& file,
                                uint32_t batch_size = 5000) {
  struct Sink : RecordSink {
    IndexWriter writer;
    ImportCounts counts;
    Sink(const std::filesystem::path& db, uint32_t batch) : writer(db.string(), batch) {}
    void record(Record&& r) override {
      switch (writer.write(r)) {
        case IndexWriter::Outcome::Added: ++counts.added; break;
        case IndexWriter::Outcome::Updated: ++counts.updated; break;
        case IndexWriter::Outcome::Removed: ++counts.removed; break;
        default: ++counts.unchanged;
      }
    }
    void reject(const Position&, std::string_view) override { ++counts.rejected; }
    void skip(std::string_view) override {}
  } sink(db, batch_size);
  reader_for(file, "")->read(file, ReaderOptions{}, sink);
  sink.writer.commit();
  return sink.counts;
}

}  // namespace lore::test
