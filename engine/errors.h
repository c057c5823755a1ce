// lore::Error: the one exception type that leaves the engine. It carries the
// exit code of SPEC section 7 and an optional hint for the person reading it.
#pragma once

#include <stdexcept>
#include <string>

namespace lore {

/// Exit codes of SPEC section 7.
enum class ExitCode : int {
  Ok = 0,
  Rejected = 1,  ///< some input was rejected, the rest imported
  Usage = 2,     ///< bad usage or a query that cannot be parsed
  Database = 3,  ///< missing, locked, corrupt or incompatible database
};

class Error : public std::runtime_error {
 public:
  enum class Code {
    Usage,
    Query,
    Input,
    DatabaseMissing,
    DatabaseLocked,
    DatabaseCorrupt,
    DatabaseVersion,
    Database,
    NotFound,
    Internal,
  };

  Error(Code code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}

  Code code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }
  /// The process exit code this error maps to.
  ExitCode exit_code() const noexcept;
  /// A short machine-readable name ("bad_query", "database_locked", ...).
  const char* code_name() const noexcept;

 private:
  Code code_;
  std::string hint_;
};

}  // namespace lore
