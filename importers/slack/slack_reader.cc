// Placeholder until the slack importer lands: registers no reader.
#include "reader.h"

namespace lore {

void register_slack_readers(std::vector<std::unique_ptr<Reader>>&) {}

}  // namespace lore
