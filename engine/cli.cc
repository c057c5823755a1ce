#include "cli.h"

#include <iostream>

#include "database.h"
#include "errors.h"

#ifndef LORE_VERSION
#define LORE_VERSION "0.0.0"
#endif

namespace lore::cli {

po::options_description common_options(CommonOptions& c) {
  po::options_description d("Common options");
  d.add_options()
      ("db", po::value<std::string>(&c.db)->value_name("PATH"), "database folder (default: $LORE_DB, else ./lore.db)")
      ("help,h", po::bool_switch(&c.help), "show this help")
      ("version", po::bool_switch(&c.version), "show the version");
  return d;
}

po::variables_map parse(int argc, char** argv, const po::options_description&, const po::options_description& all,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw Error(Error::Code::Usage, e.what(), std::string("see ") + argv[0] + " --help");
  }
  return vm;
}

int run(const char* program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::Database);
  }
}

std::string version_line(const char* program) { return std::string(program) + " " + LORE_VERSION; }

}  // namespace lore::cli
