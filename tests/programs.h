// Running Lore's programs from tests as a user would: in a temporary folder,
// capturing exit code, stdout and stderr.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lore::test {

namespace fs = std::filesystem;

/// What a program run gave back.
struct Outcome {
  int exit = -1;
  std::string out, err;
};

/// A temporary folder to run the programs in; removed at the end.
class Programs {
 public:
  Programs() {
    char tmpl[] = "/tmp/lore-programs-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~Programs() { fs::remove_all(dir_); }
  const fs::path& dir() const { return dir_; }

  Outcome run(const std::string& program, const std::vector<std::string>& args) const {
    std::string cmd = quote((fs::path(LORE_BINARY_ROOT) / program).string());
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " >" + quote((dir_ / "out").string()) + " 2>" + quote((dir_ / "err").string()) + " </dev/null";
    int status = std::system(cmd.c_str());
    Outcome r;
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "out");
    r.err = slurp(dir_ / "err");
    return r;
  }
  Outcome index(const std::string& db, const std::vector<std::string>& inputs) const {
    std::vector<std::string> args{"--db", db, "--progress", "never"};
    args.insert(args.end(), inputs.begin(), inputs.end());
    return run("indexer/lore-index", args);
  }
  std::string search(const std::string& db, std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db});
    Outcome r = run("query/lore-search", args);
    EXPECT_EQ(r.exit, 0) << r.err;
    return r.out;
  }
  uint64_t count(const std::string& db, const std::string& query, const std::string& as = {}) const {
    std::vector<std::string> args{"--count", query};
    if (!as.empty()) args.insert(args.begin(), {"--as", as});
    return std::stoull(search(db, args));
  }

 private:
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }
  fs::path dir_;
};

}  // namespace lore::test
