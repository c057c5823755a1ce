// The GitHub readers, made by register_github_readers() (github_reader.cc).
#pragma once

#include <memory>

#include "reader.h"

namespace lore::github {

/// "github": organisation/user migration archives, packed or unpacked.
std::unique_ptr<Reader> make_migration_reader();
/// "github-rest": REST API responses in any folder layout, python-github-backup trees.
std::unique_ptr<Reader> make_rest_reader();
/// "gharchive": GH Archive event records, one JSON event a line.
std::unique_ptr<Reader> make_gharchive_reader();

}  // namespace lore::github
