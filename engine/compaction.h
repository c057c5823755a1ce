// Merging the parts an import built side by side into one database, with
// Xapian's compaction, on two cores where it can.
//
// Xapian compacts a database one table after another on one thread, and the
// position table (one entry per word and document) takes more than half of
// that time. When the parts are glass databases of the format Lore knows,
// compact_parts() compacts the position table on a second thread while the
// first does all the others: each thread compacts "views" of the parts (hard
// links to their table files, with a version file that leaves the other
// thread's tables out), and the position table's root is then written into
// the version file of the first thread's result. Anything it does not
// recognise, a part documents were deleted from, or files it cannot link
// make it compact the usual way.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace lore {

/// Compacts the closed glass databases `parts`, in the order their documents
/// are numbered, into a new database at `out` (which must not exist), with
/// `compactor` joining metadata that more than one part holds. `scratch` is
/// a folder next to the parts that it may fill; the caller removes it. The
/// parts are used up: their table files may be emptied as the compaction
/// goes (they are scratch databases of an import). Throws lore::Error.
void compact_parts(const std::vector<std::string>& parts, const std::string& out,
                   Xapian::Compactor& compactor, const std::string& scratch);

namespace detail {

/// The tables of a glass database, in the order of its version file.
enum class GlassTable { Postlist = 0, Docdata, Termlist, Position, Spelling, Synonym };
constexpr size_t kGlassTables = 6;

/// A glass version file ("iamglass"): where each table's B-tree starts, and
/// the database's statistics. Only what compact_parts() needs is taken apart;
/// the rest is kept as the bytes it was.
class GlassVersion {
 public:
  /// Nothing unless `bytes` are a version file of the glass format this
  /// code was written for (Xapian 1.4's, 2016-03-14).
  static std::optional<GlassVersion> parse(std::string_view bytes);
  std::string bytes() const;

  /// True when some document ids below the last one are not in use (their
  /// documents were deleted).
  bool has_gaps() const { return gaps_; }
  /// Entries in a table's B-tree.
  uint64_t entries(GlassTable t) const { return tables_[index(t)].entries; }
  /// Makes a table empty, as in a new database (its file is not read).
  void set_empty(GlassTable t);
  /// Takes a table's root from another version file.
  void take_root(GlassTable t, const GlassVersion& from) { tables_[index(t)] = from.tables_[index(t)]; }

 private:
  struct Root {
    std::string bytes;  // as stored
    uint64_t entries = 0, block_size_code = 0, compress_min = 0;
  };
  static size_t index(GlassTable t) { return static_cast<size_t>(t); }
  std::string head_;  // magic, format version, uuid, revision
  std::array<Root, kGlassTables> tables_;
  std::string stats_;
  bool gaps_ = false;
};

/// Xapian's compaction of `parts` into `out`, on one thread.
void compact_serially(const std::vector<std::string>& parts, const std::string& out, Xapian::Compactor& compactor);

/// The compaction on two threads, emptying the parts' table files as it
/// goes; false (and nothing in `out`, the parts untouched) when the parts
/// are not glass databases it knows, documents were deleted from one, or
/// their files cannot be linked.
bool compact_in_two(const std::vector<std::string>& parts, const std::string& out, Xapian::Compactor& compactor,
                    const std::string& scratch);

}  // namespace detail
}  // namespace lore
