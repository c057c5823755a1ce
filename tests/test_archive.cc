#include "test_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace lore::test {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void check(int r, struct archive* a, const char* what) {
  if (r != ARCHIVE_OK) throw std::runtime_error(std::string(what) + ": " + archive_error_string(a));
}

void write_entry(struct archive* a, const std::string& name, const std::string& content) {
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_mtime(e, 1600000000, 0);
  check(archive_write_header(a, e), a, "write header");
  if (archive_write_data(a, content.data(), content.size()) != static_cast<la_ssize_t>(content.size()))
    throw std::runtime_error("write data: short write");
  archive_entry_free(e);
}

}  // namespace

void pack_entries(const fs::path& out, Packing packing,
                  const std::vector<std::pair<std::string, std::string>>& entries) {
  struct archive* a = archive_write_new();
  if (packing == Packing::Zip) {
    check(archive_write_set_format_zip(a), a, "zip");
  } else {
    check(archive_write_add_filter_gzip(a), a, "gzip");
    check(archive_write_set_format_pax_restricted(a), a, "tar");
  }
  check(archive_write_open_filename(a, out.c_str()), a, "open");
  for (const auto& [name, content] : entries) write_entry(a, name, content);
  archive_write_close(a);
  archive_write_free(a);
}

void pack_folder(const fs::path& folder, const fs::path& out, Packing packing, const std::string& top) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.is_regular_file()) names.push_back(fs::relative(e.path(), folder).generic_string());
  std::sort(names.rbegin(), names.rend());
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& n : names) entries.emplace_back(top.empty() ? n : top + "/" + n, read_file(folder / n));
  pack_entries(out, packing, entries);
}

void gzip_bytes(const std::string& content, const fs::path& out) {
  struct archive* a = archive_write_new();
  check(archive_write_add_filter_gzip(a), a, "gzip");
  check(archive_write_set_format_raw(a), a, "raw");
  check(archive_write_open_filename(a, out.c_str()), a, "open");
  write_entry(a, out.stem().string(), content);
  archive_write_close(a);
  archive_write_free(a);
}

void gzip_file(const fs::path& in, const fs::path& out) { gzip_bytes(read_file(in), out); }

}  // namespace lore::test
