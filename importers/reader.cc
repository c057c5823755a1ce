#include "reader.h"

#include <algorithm>

#include "errors.h"

namespace lore {

std::string Position::str() const {
  std::string out = file;
  if (line) {
    out += ":" + std::to_string(line);
    if (column) out += ":" + std::to_string(column);
  }
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

std::vector<std::unique_ptr<Reader>> all_readers() {
  std::vector<std::unique_ptr<Reader>> out;
  register_slack_readers(out);
  register_github_readers(out);
  register_wordpress_readers(out);
  register_jsonl_readers(out);
  return out;
}

std::unique_ptr<Reader> reader_for(const std::filesystem::path& path, std::string_view format) {
  auto readers = all_readers();
  if (!format.empty()) {
    for (auto& r : readers)
      if (r->format() == format) return std::move(r);
    std::string known;
    for (auto& r : readers) known += (known.empty() ? "" : ", ") + std::string(r->format());
    throw Error(Error::Code::Usage, "unknown format '" + std::string(format) + "'", "known formats: " + known);
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(Error::Code::Input, path.string() + ": no such file or folder");
  int best = 0;
  std::unique_ptr<Reader>* chosen = nullptr;
  for (auto& r : readers) {
    int s = r->sniff(path);
    if (s > best) best = s, chosen = &r;
  }
  if (!chosen) {
    std::string known;
    for (auto& r : readers) known += "\n  " + std::string(r->format()) + ": " + std::string(r->description());
    throw Error(Error::Code::Input, path.string() + ": not a format Lore can import",
                "expected one of:" + known + "\nor name one with --format");
  }
  return std::move(*chosen);
}

std::pair<uint64_t, uint64_t> line_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  uint64_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  return {line, offset - line_start + 1};
}

}  // namespace lore
