#include "tree.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>

#include "errors.h"

namespace fs = std::filesystem;

namespace lore {

namespace {

// A name is safe when it is relative and never climbs out of the tree.
bool safe_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string strip_dot_slash(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  return name;
}

Error input_error(const fs::path& path, const std::string& what) {
  return Error(Error::Code::Input, path.string() + ": " + what);
}

class FolderTree : public Tree {
 public:
  FolderTree(fs::path root, const Limits& limits) : root_(std::move(root)), limits_(limits) {}

  std::vector<std::string> names() override {
    if (!scanned_) scan();
    return names_;
  }

  void each(const std::function<bool(std::string_view)>& want,
            const std::function<void(const std::string&, std::string&&)>& fn,
            const std::function<void(const std::string&, uint64_t)>& too_large) override {
    if (!scanned_) scan();
    for (const auto& name : names_) {
      if (!want(name)) continue;
      fs::path p = root_ / name;
      std::error_code ec;
      uint64_t size = fs::file_size(p, ec);
      if (ec) continue;
      if (size > limits_.max_entry_bytes) {
        if (too_large) too_large(name, size);
        continue;
      }
      fn(name, read_whole_file(p, limits_.max_entry_bytes));
    }
  }

  void each_named(const std::vector<std::string>& names,
                  const std::function<void(const std::string&, std::string&&)>& fn,
                  const std::function<void(const std::string&, uint64_t)>& too_large) override {
    const std::set<std::string_view> wanted(names.begin(), names.end());
    each([&](std::string_view name) { return wanted.count(name) > 0; }, fn, too_large);
  }

  std::string display(std::string_view name) const override { return (root_ / std::string(name)).string(); }

 private:
  void scan() {
    scanned_ = true;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, fs::directory_options::none, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const auto& entry = *it;
      // lexically: relative() would follow a symlink to its target
      std::string rel = entry.path().lexically_relative(root_).generic_string();
      if (entry.is_symlink()) {
        refused_.emplace_back(rel, "symbolic link not followed");
        if (entry.is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (entry.is_regular_file()) {
        if (names_.size() >= limits_.max_entries) {
          refused_.emplace_back(rel, "too many files");
          continue;
        }
        names_.push_back(rel);
      }
    }
    std::sort(names_.begin(), names_.end());
  }

  fs::path root_;
  Limits limits_;
  bool scanned_ = false;
  std::vector<std::string> names_;
};

struct ArchiveCloser {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveCloser>;

class ArchiveTree : public Tree {
 public:
  ArchiveTree(fs::path path, const Limits& limits) : path_(std::move(path)), limits_(limits) {}

  // Choosing a reader lists an archive (the Slack and the WordPress REST
  // readers look inside a zip), and reading it lists it again: each a pass
  // over every entry, 0.5 s for an export of a million Slack messages. The
  // last listing made is kept for the trees of the same file opened after,
  // while it is unchanged (same size and modification time).
  std::vector<std::string> names() override {
    struct Listing {
      std::string key;
      std::vector<std::string> names;
      std::vector<std::pair<std::string, std::string>> refused;
    };
    static std::mutex mu;
    static Listing last;
    const std::string key = listing_key();
    const bool fresh = refused_.empty() && !refusals_recorded_;
    if (fresh && !key.empty()) {
      std::lock_guard lock(mu);
      if (last.key == key) {
        refused_ = last.refused;
        refusals_recorded_ = true;
        return last.names;
      }
    }
    std::vector<std::string> out;
    pass([](std::string_view) { return true; }, nullptr, nullptr, &out);
    if (fresh && !key.empty()) {
      std::lock_guard lock(mu);
      last = Listing{key, out, refused_};
    }
    return out;
  }

  void each(const std::function<bool(std::string_view)>& want,
            const std::function<void(const std::string&, std::string&&)>& fn,
            const std::function<void(const std::string&, uint64_t)>& too_large) override {
    pass(want, &fn, &too_large, nullptr);
  }

  void each_named(const std::vector<std::string>& names,
                  const std::function<void(const std::string&, std::string&&)>& fn,
                  const std::function<void(const std::string&, uint64_t)>& too_large) override {
    // A name the archive holds twice is read twice, as each() would.
    std::multiset<std::string_view> left(names.begin(), names.end());
    if (left.empty()) return;
    pass(
        [&](std::string_view name) {
          auto it = left.find(name);
          if (it == left.end()) return false;
          left.erase(it);
          return true;
        },
        &fn, &too_large, nullptr, [&] { return left.empty(); });
  }

  std::string display(std::string_view name) const override { return path_.string() + ":" + std::string(name); }

 private:
  ArchivePtr open() const {
    ArchivePtr a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), path_.c_str(), 1 << 16) != ARCHIVE_OK)
      throw input_error(path_, std::string("cannot open archive: ") + archive_error_string(a.get()));
    return a;
  }

  // `done`, when given, ends the pass once it says so after a wanted entry.
  void pass(const std::function<bool(std::string_view)>& want,
            const std::function<void(const std::string&, std::string&&)>* fn,
            const std::function<void(const std::string&, uint64_t)>* too_large,
            std::vector<std::string>* names, const std::function<bool()>& done = {}) {
    ArchivePtr a = open();
    // A pass that may end early does not see every entry's refusal.
    const bool record_refusals = !done && refused_.empty() && !refusals_recorded_;
    uint64_t entries = 0, total = 0;
    struct archive_entry* entry = nullptr;
    for (;;) {
      int r = archive_read_next_header(a.get(), &entry);
      if (r == ARCHIVE_EOF) break;
      if (r == ARCHIVE_FATAL)
        throw input_error(path_, std::string("archive is damaged after ") + std::to_string(entries) +
                                     " entries: " + archive_error_string(a.get()));
      // ARCHIVE_WARN (odd timestamps, unknown extra fields) still gives a usable entry.
      const char* raw = archive_entry_pathname_utf8(entry);
      if (!raw) raw = archive_entry_pathname(entry);
      std::string name = strip_dot_slash(raw ? raw : "");
      auto type = archive_entry_filetype(entry);
      if (type == AE_IFDIR || (name.size() && name.back() == '/')) continue;
      if (++entries > limits_.max_entries) {
        if (record_refusals) refused_.emplace_back(name, "archive holds more entries than the cap allows");
        break;
      }
      if (type != AE_IFREG) {
        if (record_refusals) refused_.emplace_back(name, "not a regular file");
        continue;
      }
      if (!safe_name(name)) {
        if (record_refusals) refused_.emplace_back(name, "name is absolute or climbs out with '..'");
        continue;
      }
      if (names) {
        names->push_back(name);
        continue;
      }
      if (!want(name)) continue;
      // After this entry, if it was the last one wanted.
      const bool last = done && done();
      int64_t declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
      if (declared > 0 && static_cast<uint64_t>(declared) > limits_.max_entry_bytes) {
        if (too_large && *too_large) (*too_large)(name, declared);
        if (last) break;
        continue;
      }
      std::string content;
      if (declared > 0) content.reserve(declared);
      char buf[1 << 16];
      bool over = false;
      for (;;) {
        la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
        if (n < 0) throw input_error(path_, "cannot read entry " + name + ": " + archive_error_string(a.get()));
        if (n == 0) break;
        total += n;
        if (content.size() + n > limits_.max_entry_bytes) {
          over = true;
          break;
        }
        if (total > limits_.max_total_bytes)
          throw input_error(path_, "archive unpacks to more than the cap of " +
                                       std::to_string(limits_.max_total_bytes) + " bytes");
        content.append(buf, n);
      }
      if (over) {
        if (too_large && *too_large) (*too_large)(name, content.size());
      } else {
        (*fn)(name, std::move(content));
      }
      if (last) break;
    }
    if (!done) refusals_recorded_ = true;
  }

  // The file as it is now: its path, size and modification time; empty
  // when it cannot be told.
  std::string listing_key() const {
    std::error_code ec;
    const auto size = fs::file_size(path_, ec);
    if (ec) return {};
    const auto time = fs::last_write_time(path_, ec);
    if (ec) return {};
    return fs::absolute(path_, ec).string() + '\0' + std::to_string(size) + '\0' +
           std::to_string(time.time_since_epoch().count()) + '\0' + std::to_string(limits_.max_entries);
  }

  fs::path path_;
  Limits limits_;
  bool refusals_recorded_ = false;
};

}  // namespace

bool Tree::is_archive(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char m[262] = {};
  in.read(reinterpret_cast<char*>(m), sizeof m);
  auto n = in.gcount();
  if (n >= 4 && m[0] == 'P' && m[1] == 'K' && (m[2] == 3 || m[2] == 5) ) return true;  // zip
  if (n >= 262 && std::memcmp(m + 257, "ustar", 5) == 0) return true;                  // tar
  if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
    // gzip: a tar inside, or one compressed file? Peek through the filter.
    ArchivePtr a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) return false;
    struct archive_entry* e = nullptr;
    return archive_read_next_header(a.get(), &e) == ARCHIVE_OK;
  }
  return false;
}

std::unique_ptr<Tree> Tree::open(const fs::path& path, const Limits& limits) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return std::make_unique<FolderTree>(path, limits);
  if (fs::is_regular_file(path, ec) && is_archive(path)) return std::make_unique<ArchiveTree>(path, limits);
  return nullptr;
}

ByteStream::ByteStream(const fs::path& path, uint64_t max_bytes) : path_(path), max_bytes_(max_bytes) {
  ar_ = archive_read_new();
  archive_read_support_filter_all(ar_);
  archive_read_support_format_raw(ar_);
  archive_read_support_format_empty(ar_);
  if (archive_read_open_filename(ar_, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    std::string why = archive_error_string(ar_) ? archive_error_string(ar_) : "cannot open";
    archive_read_free(ar_);
    ar_ = nullptr;
    throw input_error(path, why);
  }
  struct archive_entry* e = nullptr;
  int r = archive_read_next_header(ar_, &e);
  if (r == ARCHIVE_EOF) return;  // empty file
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
    std::string why = archive_error_string(ar_) ? archive_error_string(ar_) : "cannot read";
    archive_read_free(ar_);
    ar_ = nullptr;
    throw input_error(path, why);
  }
}

ByteStream::~ByteStream() {
  if (ar_) archive_read_free(ar_);
}

size_t ByteStream::read(char* buf, size_t size) {
  if (!ar_) return 0;
  la_ssize_t n = archive_read_data(ar_, buf, size);
  if (n < 0) throw input_error(path_, std::string("read error: ") + archive_error_string(ar_));
  consumed_ += n;
  if (consumed_ > max_bytes_)
    throw input_error(path_, "larger than the cap of " + std::to_string(max_bytes_) + " bytes");
  return static_cast<size_t>(n);
}

std::string read_head(const fs::path& path, size_t bytes) {
  std::string out;
  try {
    ByteStream in(path);
    out.resize(bytes);
    size_t got = 0;
    while (got < bytes) {
      size_t n = in.read(out.data() + got, bytes - got);
      if (n == 0) break;
      got += n;
    }
    out.resize(got);
  } catch (const Error&) {
    out.clear();
  }
  return out;
}

std::string read_whole_file(const fs::path& path, uint64_t max_bytes) {
  ByteStream in(path, max_bytes);
  std::string out;
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec && size < max_bytes) out.reserve(size);
  char buf[1 << 16];
  for (size_t n; (n = in.read(buf, sizeof buf)) > 0;) out.append(buf, n);
  return out;
}

}  // namespace lore
