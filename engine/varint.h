// Numbers seven bits a byte, low bits first, the top bit set on every byte
// but the last: how glass writes its own numbers, and how Lore writes the
// lengths and dates of a stored record (record_store.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lore {

inline void append_varint(std::string& out, uint64_t n) {
  while (n >= 0x80) {
    out += static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  out += static_cast<char>(n);
}

/// Reads one number from the front of `in` and drops it from `in`; false
/// when `in` ends first or the number does not fit 64 bits.
inline bool read_varint(std::string_view& in, uint64_t& out) {
  out = 0;
  for (unsigned shift = 0; !in.empty() && shift < 64; shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    out |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace lore
