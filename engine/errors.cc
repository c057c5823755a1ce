#include "errors.h"

namespace lore {

ExitCode Error::exit_code() const noexcept {
  switch (code_) {
    case Code::Usage:
    case Code::Query:
    case Code::NotFound:
      return ExitCode::Usage;
    case Code::Input:
      return ExitCode::Rejected;
    case Code::DatabaseMissing:
    case Code::DatabaseLocked:
    case Code::DatabaseCorrupt:
    case Code::DatabaseVersion:
    case Code::Database:
    case Code::Internal:
      return ExitCode::Database;
  }
  return ExitCode::Database;
}

const char* Error::code_name() const noexcept {
  switch (code_) {
    case Code::Usage: return "bad_request";
    case Code::Query: return "bad_query";
    case Code::Input: return "bad_input";
    case Code::DatabaseMissing: return "database_missing";
    case Code::DatabaseLocked: return "database_locked";
    case Code::DatabaseCorrupt: return "database_corrupt";
    case Code::DatabaseVersion: return "database_version";
    case Code::Database: return "database_error";
    case Code::NotFound: return "not_found";
    case Code::Internal: return "internal_error";
  }
  return "internal_error";
}

}  // namespace lore
