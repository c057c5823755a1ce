// lore-gen: writes a large archive in a real export format for benchmarks.
#include <cstdlib>
#include <iostream>
#include <string>

#include "generator.h"

int main(int argc, char** argv) {
  lore::gen::GenOptions o;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "lore-gen: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--format") o.format = value();
    else if (a == "--messages") o.messages = std::stoull(value());
    else if (a == "--seed") o.seed = std::stoull(value());
    else if (a == "--out") out = value();
    else if (a == "--help" || a == "-h") {
      std::cout << "Usage: lore-gen --format slack|github|wxr --messages N [--seed S] --out PATH\n\n"
                   "Writes a Slack export (.zip), a GitHub migration archive (.tar.gz) or a WordPress WXR\n"
                   "file of N records; the same seed and N give the same bytes.\n";
      return 0;
    } else {
      std::cerr << "lore-gen: unknown argument " << a << " (see --help)\n";
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << "lore-gen: --out PATH is required\n";
    return 2;
  }
  try {
    auto s = lore::gen::generate(o, out);
    std::cout << out << ": " << s.records << " records, " << s.threads << " threads, " << s.restricted
              << " restricted, " << s.bytes << " bytes uncompressed\n";
  } catch (const std::exception& e) {
    std::cerr << "lore-gen: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
