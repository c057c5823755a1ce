// The WordPress REST reader: saved /wp-json/wp/v2/... responses.
#pragma once

#include "reader.h"

namespace lore::wp {

/// Reads saved WordPress REST API responses (posts, pages, comments, users,
/// categories, tags; arrays or single objects, with or without _embedded)
/// from one .json file or a folder or archive of them, in any layout.
class WpRestReader : public Reader {
 public:
  std::string_view format() const override;
  std::string_view description() const override;
  int sniff(const std::filesystem::path& path) const override;
  void read(const std::filesystem::path& path, const ReaderOptions& options, RecordSink& sink) override;
};

}  // namespace lore::wp
