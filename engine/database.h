// Opening Lore's Xapian database, with every Xapian error mapped to a
// lore::Error that says what happened and what to do (mu's xapian_try).
#pragma once

#include <functional>
#include <string>

#include <xapian.h>

namespace lore {

/// The database path from --db, else $LORE_DB, else "./lore.db".
std::string resolve_db_path(const std::string& option);

/// Opens the database for reading; throws lore::Error (DatabaseMissing,
/// DatabaseCorrupt, DatabaseVersion) with a hint.
Xapian::Database open_for_reading(const std::string& path);

/// Opens (creating if needed) the database for writing; throws lore::Error
/// (DatabaseLocked when another writer holds it, DatabaseVersion on a schema
/// mismatch). A new database gets the schema version in its metadata.
Xapian::WritableDatabase open_for_writing(const std::string& path);

/// Runs `fn`, mapping any Xapian::Error it throws to lore::Error.
void xapian_try(const std::string& path, const std::function<void()>& fn);

/// Runs `fn` against `db`; on DatabaseModifiedError reopens and retries once.
template <typename Fn>
auto with_retry(Xapian::Database& db, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Xapian::DatabaseModifiedError&) {
    db.reopen();
    return fn();
  }
}

/// Checks the schema version stored in `db`; throws DatabaseVersion on a mismatch.
void check_schema(const Xapian::Database& db, const std::string& path);

}  // namespace lore
