// fts5-index: SQLite FTS5 peer of the import benchmark. Indexes the lines of
// a dump-texts file into an FTS5 table with the porter tokenizer, in one
// transaction.
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fts5-index TEXTS.tsv DB.sqlite\n";
    return 2;
  }
  std::remove(argv[2]);
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK) return 1;
  auto exec = [&](const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::cerr << "fts5-index: " << (err ? err : "error") << "\n";
      std::exit(1);
    }
  };
  exec("CREATE VIRTUAL TABLE m USING fts5(id UNINDEXED, text, tokenize='porter unicode61')");
  auto t0 = std::chrono::steady_clock::now();
  exec("BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO m(id, text) VALUES(?, ?)", -1, &ins, nullptr);
  std::ifstream in(argv[1], std::ios::binary);
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    sqlite3_bind_text(ins, 1, line.data(), static_cast<int>(tab), SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, line.data() + tab + 1, static_cast<int>(line.size() - tab - 1), SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) return 1;
    sqlite3_reset(ins);
    ++n;
  }
  sqlite3_finalize(ins);
  exec("COMMIT");
  sqlite3_close(db);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << n << " documents in " << s << " s: " << static_cast<uint64_t>(n / s) << " per second\n";
  return 0;
}
