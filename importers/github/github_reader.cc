// Registers the GitHub readers. Each format has its own file; what they
// share (URL parsing, ids, the mapping of REST-shaped objects) is in
// github_common.h.
#include "github/github_readers.h"

namespace lore {

void register_github_readers(std::vector<std::unique_ptr<Reader>>& out) {
  out.push_back(github::make_migration_reader());
  out.push_back(github::make_gharchive_reader());
  out.push_back(github::make_rest_reader());
}

}  // namespace lore
