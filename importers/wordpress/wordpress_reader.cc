// Registers the WordPress family: WXR exports and REST API dumps.
#include "reader.h"
#include "wordpress/rest_reader.h"
#include "wordpress/wxr_reader.h"

namespace lore {

void register_wordpress_readers(std::vector<std::unique_ptr<Reader>>& out) {
  out.push_back(std::make_unique<wp::WxrReader>());
  out.push_back(std::make_unique<wp::WpRestReader>());
}

}  // namespace lore
