// Placeholder until the github importer lands: registers no reader.
#include "reader.h"

namespace lore {

void register_github_readers(std::vector<std::unique_ptr<Reader>>&) {}

}  // namespace lore
