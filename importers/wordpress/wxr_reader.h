// The WXR reader: WordPress eXtended RSS exports (.xml, .xml.gz).
#pragma once

#include "reader.h"

namespace lore::wp {

/// Reads a WordPress export (WXR 1.0, 1.1 or 1.2, from WordPress.org or
/// WordPress.com) as a stream; see importers/wordpress/README.md for how
/// items map to records.
class WxrReader : public Reader {
 public:
  std::string_view format() const override;
  std::string_view description() const override;
  int sniff(const std::filesystem::path& path) const override;
  void read(const std::filesystem::path& path, const ReaderOptions& options, RecordSink& sink) override;
};

}  // namespace lore::wp
