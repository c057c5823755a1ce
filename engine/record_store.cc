#include "record_store.h"

#include <type_traits>
#include <vector>

#include "varint.h"

namespace lore {

namespace {

void put(std::string& out, const std::string& s) {
  append_varint(out, s.size());
  out += s;
}

void put(std::string& out, const std::vector<std::string>& list) {
  append_varint(out, list.size());
  for (const auto& s : list) put(out, s);
}

// Zigzag: small negative numbers stay short.
void put(std::string& out, int64_t n) {
  append_varint(out, (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63));
}

bool get(std::string_view& in, std::string& s) {
  uint64_t n = 0;
  if (!read_varint(in, n) || n > in.size()) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

bool get(std::string_view& in, std::vector<std::string>& list) {
  uint64_t n = 0;
  // Every string takes at least its length's byte.
  if (!read_varint(in, n) || n > in.size()) return false;
  list.resize(n);
  for (auto& s : list)
    if (!get(in, s)) return false;
  return true;
}

bool get(std::string_view& in, int64_t& n) {
  uint64_t z = 0;
  if (!read_varint(in, z)) return false;
  n = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  return true;
}

enum Flag : unsigned char { kBot = 1, kEdited = 2, kDeleted = 4 };

// The record's fields in the order they are stored; one list for writing
// and reading, so that the two cannot disagree.
template <typename R, typename F>
bool each_field(R& r, F&& f) {
  return f(r.id) && f(r.source) && f(r.kind) && f(r.space) && f(r.thread) && f(r.parent) && f(r.title) && f(r.author) &&
         f(r.author_id) && f(r.url) && f(r.state) && f(r.text) && f(r.date) && f(r.updated) && f(r.tags) &&
         f(r.principals) && f(r.has) && f(r.mentions) && f(r.author_aliases) && f(r.space_aliases);
}

}  // namespace

void append_stored_record(std::string& out, const Record& r) {
  static const std::string none;
  each_field(r, [&](const auto& field) {
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::string>) {
      // A root's thread is its own id: stored as none.
      put(out, &field == &r.thread && r.thread == r.id ? none : field);
    } else {
      put(out, field);
    }
    return true;
  });
  out += static_cast<char>((r.bot ? kBot : 0) | (r.edited ? kEdited : 0) | (r.deleted ? kDeleted : 0));
}

bool read_stored_record(std::string_view in, Record& r) {
  r = Record{};
  if (!each_field(r, [&](auto& field) { return get(in, field); })) return false;
  if (in.size() != 1) return false;
  const auto flags = static_cast<unsigned char>(in.front());
  if (flags & ~(kBot | kEdited | kDeleted)) return false;
  r.bot = flags & kBot;
  r.edited = flags & kEdited;
  r.deleted = flags & kDeleted;
  if (r.thread == r.id) r.thread.clear();
  return !r.id.empty() && !r.source.empty() && !r.kind.empty() && r.date != 0;
}

}  // namespace lore
