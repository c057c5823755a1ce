// What the three programs share: the common options (--db, --help,
// --version), and the one way an error reaches the person: a line
// "lore-PROGRAM: error: ...", maybe a "hint: ..." line, and the exit code of
// SPEC section 7.
#pragma once

#include <functional>
#include <string>

#include <boost/program_options.hpp>

namespace lore::cli {

namespace po = boost::program_options;

struct CommonOptions {
  std::string db;  ///< resolved: --db, else $LORE_DB, else ./lore.db
  bool help = false;
  bool version = false;
};

/// --db, --help, --version, bound to `common`.
po::options_description common_options(CommonOptions& common);

/// Parses argv; usage errors become lore::Error (Usage) with a hint.
po::variables_map parse(int argc, char** argv, const po::options_description& visible,
                        const po::options_description& all, const po::positional_options_description& positional);

/// Runs `body`, turning lore::Error and anything else into the error lines
/// and exit code; returns what main() should return.
int run(const char* program, const std::function<int()>& body);

/// "lore-search 0.1.0".
std::string version_line(const char* program);

}  // namespace lore::cli
