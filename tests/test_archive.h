// Packing test inputs at test time, with libarchive's writer: a folder as a
// zip or a .tar.gz, a file gzip-compressed.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lore::test {

enum class Packing { Zip, TarGz };

/// Packs every regular file under `folder` into `out`, names relative to
/// `folder`, in reverse name order (so readers cannot lean on sorted order).
/// `top` (if not empty) is prepended to every name, as exports that wrap
/// everything in one folder do.
void pack_folder(const std::filesystem::path& folder, const std::filesystem::path& out, Packing packing,
                 const std::string& top = {});

/// Writes the given (name, content) entries, in that order, into `out`. Names
/// are written as given, even ones that climb out, to test readers' refusals.
void pack_entries(const std::filesystem::path& out, Packing packing,
                  const std::vector<std::pair<std::string, std::string>>& entries);

/// Writes `in` gzip-compressed to `out`.
void gzip_file(const std::filesystem::path& in, const std::filesystem::path& out);

/// Writes `content` gzip-compressed to `out`.
void gzip_bytes(const std::string& content, const std::filesystem::path& out);

}  // namespace lore::test
