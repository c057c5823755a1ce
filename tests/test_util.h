// Helpers shared by the test binaries.
#pragma once

#include <stdlib.h>

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "reader.h"
#include "record.h"

namespace lore::test {

/// The project root (tests run from it; CI puts shared/ beside it).
inline std::filesystem::path source_root() { return LORE_SOURCE_ROOT; }

/// A path under ../shared/realdata, the real samples nobody here wrote.
inline std::filesystem::path realdata(std::string_view rel) {
  return source_root() / ".." / "shared" / "realdata" / std::string(rel);
}

/// The hand-made fixture with known answers (tests/fixtures/filters.jsonl).
inline std::filesystem::path fixture() { return source_root() / "tests" / "fixtures" / "filters.jsonl"; }

/// A fresh folder under the temporary directory, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(std::string_view name = "lore-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(name) + "-XXXXXX")).string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

/// A RecordSink that keeps everything for assertions.
struct CollectingSink : RecordSink {
  std::vector<Record> records;
  std::vector<std::pair<Position, std::string>> rejects;
  std::vector<std::string> skips;
  void record(Record&& r) override { records.push_back(std::move(r)); }
  void reject(const Position& where, std::string_view reason) override {
    rejects.emplace_back(where, std::string(reason));
  }
  void skip(std::string_view category) override { skips.emplace_back(category); }

  const Record* find(std::string_view id) const {
    for (const auto& r : records)
      if (r.id == id) return &r;
    return nullptr;
  }
  size_t count_kind(std::string_view kind) const {
    size_t n = 0;
    for (const auto& r : records) n += r.kind == kind;
    return n;
  }
};

/// A record with just what every record needs, for tests that build their own.
inline Record make_record(std::string id, std::string source, std::string kind, int64_t date, std::string text) {
  Record r;
  r.id = std::move(id);
  r.source = std::move(source);
  r.kind = std::move(kind);
  r.date = date;
  r.text = std::move(text);
  return r;
}

}  // namespace lore::test
