// Packing test inputs at test time, with libarchive's writer: a folder as a
// zip or a .tar.gz, a file gzip-compressed.
#pragma once

#include <filesystem>

namespace lore::test {

enum class Packing { Zip, TarGz };

/// Packs every regular file under `folder` into `out`, names relative to
/// `folder`, in reverse name order (so readers cannot lean on sorted order).
/// `top` (if not empty) is prepended to every name, as exports that wrap
/// everything in one folder do.
void pack_folder(const std::filesystem::path& folder, const std::filesystem::path& out, Packing packing,
                 const std::string& top = {});

/// Writes `in` gzip-compressed to `out`.
void gzip_file(const std::filesystem::path& in, const std::filesystem::path& out);

}  // namespace lore::test
