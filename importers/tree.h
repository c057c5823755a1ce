// Reading inputs in place: a folder, a .zip, or a .tar/.tar.gz seen as one
// tree of named files, and plain or gzip-compressed files seen as a byte
// stream. Everything goes through libarchive; nothing is extracted to disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reader.h"

struct archive;  // libarchive's handle

namespace lore {

/// A folder or an archive, as a set of regular files with '/'-separated
/// relative names. Entries that are not regular files, or whose names are
/// absolute or climb out with "..", are never returned: they are counted in
/// refused() with the reason. Sizes are capped by Limits.
class Tree {
 public:
  virtual ~Tree() = default;

  /// Opens `path` if it is a folder or an archive libarchive can read
  /// (zip, tar, tar.gz, tar.bz2, tar.xz). Returns nullptr for anything else.
  static std::unique_ptr<Tree> open(const std::filesystem::path& path, const Limits& limits);

  /// True when `path` looks like an archive by its first bytes (zip or gzip/tar magic).
  static bool is_archive(const std::filesystem::path& path);

  /// The names of all regular files, in archive (or sorted folder) order.
  virtual std::vector<std::string> names() = 0;

  /// One pass over the files whose name `want` accepts: `fn` gets the name and
  /// the whole content. An entry over the size cap goes to `too_large` instead
  /// (name, size) and the pass goes on. Each call is a fresh pass.
  virtual void each(const std::function<bool(std::string_view name)>& want,
                    const std::function<void(const std::string& name, std::string&& content)>& fn,
                    const std::function<void(const std::string& name, uint64_t size)>& too_large = {}) = 0;

  /// One pass that reads the files `names` lists (as names() gives them;
  /// others are ignored), like each(), and ends as soon as it has read
  /// them all: an archive's metadata files come first in the exports seen,
  /// and an archive's pass costs about 2 us an entry even when nothing is
  /// read.
  virtual void each_named(const std::vector<std::string>& names,
                          const std::function<void(const std::string& name, std::string&& content)>& fn,
                          const std::function<void(const std::string& name, uint64_t size)>& too_large = {}) = 0;

  /// Entries refused so far, with the reason ("symlink", "name climbs out", ...).
  const std::vector<std::pair<std::string, std::string>>& refused() const { return refused_; }

  /// How the tree's files are named in messages: "export.zip:general/2021-01-01.json".
  virtual std::string display(std::string_view name) const = 0;

 protected:
  std::vector<std::pair<std::string, std::string>> refused_;
};

/// A plain file, or a gzip/bzip2/xz/zstd-compressed one, read in chunks (for
/// streaming parsers). Decompression is detected from content.
class ByteStream {
 public:
  ~ByteStream();
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;

  /// Opens `path`; throws lore::Error (Input) when it cannot be read.
  explicit ByteStream(const std::filesystem::path& path, uint64_t max_bytes = UINT64_MAX);

  /// Up to `size` bytes into `buf`; 0 at the end. Throws lore::Error (Input)
  /// on a read or decompression error, or when more than max_bytes come out.
  size_t read(char* buf, size_t size);

  /// Bytes returned so far.
  uint64_t consumed() const { return consumed_; }

 private:
  ::archive* ar_ = nullptr;
  std::filesystem::path path_;
  uint64_t max_bytes_;
  uint64_t consumed_ = 0;
};

/// The first `bytes` bytes of a (possibly compressed) file, decompressed, for
/// sniffing a format; empty when the file cannot be read.
std::string read_head(const std::filesystem::path& path, size_t bytes);

/// Reads a whole (possibly compressed) file, refusing more than `max_bytes`.
std::string read_whole_file(const std::filesystem::path& path, uint64_t max_bytes);

}  // namespace lore
