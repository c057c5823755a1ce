#include "compaction.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "database.h"
#include "errors.h"
#include "side_by_side.h"
#include "varint.h"

namespace lore {

namespace fs = std::filesystem;

namespace detail {

namespace {

// The start of every glass version file: a magic string, then the format
// version as two bytes (2016-03-14, the one Xapian 1.4 writes), then 16
// bytes of uuid.
constexpr std::string_view kGlassMagic("\x0f\x0dXapian Glass\x04\x6e", 16);
constexpr size_t kUuidSize = 16;

std::string version_path(const std::string& db) { return (fs::path(db) / "iamglass").string(); }

// A database's version file, if it is one of the format GlassVersion knows.
std::optional<GlassVersion> read_version(const std::string& db) {
  std::ifstream in(version_path(db), std::ios::binary);
  if (!in) return std::nullopt;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return GlassVersion::parse(bytes);
}

std::string table_file(GlassTable t) {
  static const char* const names[] = {"postlist", "docdata", "termlist", "position", "spelling", "synonym"};
  return std::string(names[static_cast<size_t>(t)]) + ".glass";
}

// Writes a version file in place of the old one, durably: a crash leaves
// the old one or the new one.
void replace_version_file(const std::string& db, const std::string& bytes) {
  const std::string path = version_path(db), tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) throw Error(Error::Code::Database, "cannot write " + path + " while merging the import's shards");
}

// A part as one of the two threads sees it: hard links to the tables that
// thread compacts, and a version file in which the others are empty.
bool make_view(const std::string& part, const GlassVersion& version, const std::string& view,
               const std::vector<GlassTable>& tables) {
  std::error_code ec;
  fs::create_directories(view, ec);
  if (ec) return false;
  GlassVersion v = version;
  for (size_t i = 0; i < kGlassTables; ++i) {
    const auto t = static_cast<GlassTable>(i);
    const bool wanted = std::find(tables.begin(), tables.end(), t) != tables.end();
    if (!wanted) v.set_empty(t);
    // Xapian opens the postlist table even when it is empty, so its file
    // must be there (an empty table's file is never read).
    if (!wanted && t != GlassTable::Postlist) continue;
    const fs::path from = fs::path(part) / table_file(t);
    if (!fs::exists(from, ec)) continue;  // a table never written
    fs::create_hard_link(from, fs::path(view) / table_file(t), ec);
    if (ec) return false;
  }
  std::ofstream out(version_path(view), std::ios::binary | std::ios::trunc);
  out << v.bytes();
  return static_cast<bool>(out.flush());
}

Xapian::Database open_all(const std::vector<std::string>& dbs, const std::string& out) {
  Xapian::Database all;
  xapian_try(out, [&] {
    for (const auto& p : dbs) all.add_database(Xapian::Database(p));
  });
  return all;
}

// Once Xapian has compacted a table, the parts' copies of it are read no
// more: emptying their files hands their pages back to the page cache that
// the tables compacted next are written into. (On a virtual machine fresh
// memory is dear: a gigabyte of it cost the merge about a second.)
class Releasing : public Xapian::Compactor {
 public:
  // `views` hold links to the files of `tables`, which this compaction is
  // the only one to read.
  Releasing(Xapian::Compactor& inner, const std::vector<std::string>& views, std::vector<GlassTable> tables)
      : inner_(inner), views_(views), tables_(std::move(tables)) {}
  void set_status(const std::string& table, const std::string& status) override {
    inner_.set_status(table, status);
    if (status.empty()) return;  // the table's start
    for (const auto t : tables_)
      if (table_file(t) == table + ".glass")
        for (const auto& v : views_) (void)::truncate((fs::path(v) / table_file(t)).c_str(), 0);
  }
  std::string resolve_duplicate_metadata(const std::string& key, size_t n, const std::string tags[]) override {
    return inner_.resolve_duplicate_metadata(key, n, tags);
  }

 private:
  Xapian::Compactor& inner_;
  const std::vector<std::string>& views_;
  const std::vector<GlassTable> tables_;
};

}  // namespace

std::optional<GlassVersion> GlassVersion::parse(std::string_view bytes) {
  if (bytes.substr(0, kGlassMagic.size()) != kGlassMagic || bytes.size() < kGlassMagic.size() + kUuidSize)
    return std::nullopt;
  GlassVersion v;
  std::string_view in = bytes.substr(kGlassMagic.size() + kUuidSize);
  uint64_t revision = 0;
  if (!read_varint(in, revision)) return std::nullopt;
  v.head_ = std::string(bytes.substr(0, bytes.size() - in.size()));
  for (auto& root : v.tables_) {
    const std::string_view start = in;
    uint64_t block = 0, flags = 0, free_list = 0;
    if (!read_varint(in, block) || !read_varint(in, flags) || !read_varint(in, root.entries) ||
        !read_varint(in, root.block_size_code) || !read_varint(in, root.compress_min) ||
        !read_varint(in, free_list) || free_list > in.size())
      return std::nullopt;
    in.remove_prefix(free_list);
    root.bytes = std::string(start.substr(0, start.size() - in.size()));
  }
  v.stats_ = std::string(in);
  // The statistics are eight numbers, and nothing may follow them. The first
  // is the number of documents, the second how far the last document id is
  // past it.
  for (int i = 0; i < 8; ++i) {
    uint64_t n = 0;
    if (!read_varint(in, n)) return std::nullopt;
    if (i == 1) v.gaps_ = n > 0;
  }
  if (!in.empty()) return std::nullopt;
  return v;
}

std::string GlassVersion::bytes() const {
  std::string out = head_;
  for (const auto& root : tables_) out += root.bytes;
  return out + stats_;
}

void GlassVersion::set_empty(GlassTable t) {
  Root& root = tables_[index(t)];
  root.entries = 0;
  root.bytes.clear();
  append_varint(root.bytes, 0);  // root block
  append_varint(root.bytes, 3);  // level 0, written in order, no root block yet
  append_varint(root.bytes, 0);  // entries
  append_varint(root.bytes, root.block_size_code);
  append_varint(root.bytes, root.compress_min);
  append_varint(root.bytes, 0);  // an empty free list
}

void compact_serially(const std::vector<std::string>& parts, const std::string& out, Xapian::Compactor& compactor) {
  Xapian::Database all = open_all(parts, out);
  xapian_try(out, [&] { all.compact(out, 0, 0, compactor); });
}

bool compact_in_two(const std::vector<std::string>& parts, const std::string& out, Xapian::Compactor& compactor,
                    const std::string& scratch) {
  std::vector<GlassVersion> versions;
  for (const auto& p : parts) {
    auto v = read_version(p);
    // Xapian numbers the documents of each part from the range of ids the
    // part uses. When documents were deleted from a part it reads that range
    // from the part's postlist table, which the position thread's view
    // leaves empty: the two threads would number the documents differently.
    if (!v || v->has_gaps()) return false;
    versions.push_back(std::move(*v));
  }
  const std::vector<GlassTable> first_tables = {GlassTable::Postlist, GlassTable::Docdata, GlassTable::Termlist,
                                                GlassTable::Spelling, GlassTable::Synonym},
                                second_tables = {GlassTable::Position};
  std::vector<std::string> first, second;
  for (size_t i = 0; i < parts.size(); ++i) {
    first.push_back((fs::path(scratch) / ("all-but-positions-" + std::to_string(i))).string());
    second.push_back((fs::path(scratch) / ("positions-" + std::to_string(i))).string());
    if (!make_view(parts[i], versions[i], first.back(), first_tables) ||
        !make_view(parts[i], versions[i], second.back(), second_tables)) {
      std::error_code ec;
      fs::remove_all(scratch, ec);
      return false;
    }
  }

  // Both sets of views are opened before either thread starts: a table one
  // thread has finished with is emptied, and the other only opens it. Views
  // Xapian will not open leave the parts to be compacted the usual way.
  const std::string positions = (fs::path(scratch) / "positions").string();
  Xapian::Database rest, position_table;
  try {
    rest = open_all(first, out);
    position_table = open_all(second, out);
  } catch (const Error&) {
    rest = position_table = Xapian::Database();
    std::error_code ec;
    fs::remove_all(scratch, ec);
    return false;
  }
  side_by_side(
      [&] {
        Releasing releasing(compactor, first, first_tables);
        xapian_try(out, [&] { rest.compact(out, 0, 0, releasing); });
      },
      [&] {
        Xapian::Compactor quiet;
        Releasing releasing(quiet, second, second_tables);
        xapian_try(out, [&] { position_table.compact(positions, 0, 0, releasing); });
      });

  // The position table joins the rest: its file, and its root in the
  // version file. Every entry of every part must be in it.
  auto merged = read_version(out);
  const auto table = read_version(positions);
  uint64_t expected = 0;
  for (const auto& v : versions) expected += v.entries(GlassTable::Position);
  if (!merged || !table || table->entries(GlassTable::Position) != expected)
    throw Error(Error::Code::Database, "the merge of the import's shards lost word positions in " + out,
                "import again into a new database");
  if (expected > 0) {
    std::error_code ec;
    fs::rename(fs::path(positions) / table_file(GlassTable::Position),
               fs::path(out) / table_file(GlassTable::Position), ec);
    if (ec)
      throw Error(Error::Code::Database, "cannot move the merged word positions into " + out + ": " + ec.message());
  }
  merged->take_root(GlassTable::Position, *table);
  replace_version_file(out, merged->bytes());
  return true;
}

}  // namespace detail

void compact_parts(const std::vector<std::string>& parts, const std::string& out, Xapian::Compactor& compactor,
                   const std::string& scratch) {
  if (!detail::compact_in_two(parts, out, compactor, scratch))
    detail::compact_serially(parts, out, compactor);
}

}  // namespace lore
