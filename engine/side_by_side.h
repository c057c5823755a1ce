// Two pieces of work at once: one on a thread of its own, one on the
// caller's. The merge of an import's parts and a search split in two halves
// both run so.
#pragma once

#include <exception>
#include <thread>

namespace lore {

/// Runs `beside` on a new thread while `here` runs on this one, and returns
/// when both have; an exception of either is thrown here once both are
/// done (this thread's first).
template <typename Here, typename Beside>
void side_by_side(Here&& here, Beside&& beside) {
  std::exception_ptr failed;
  std::thread other([&] {
    try {
      beside();
    } catch (...) {
      failed = std::current_exception();
    }
  });
  try {
    here();
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace lore
