// Placeholder until the wordpress importer lands: registers no reader.
#include "reader.h"

namespace lore {

void register_wordpress_readers(std::vector<std::unique_ptr<Reader>>&) {}

}  // namespace lore
