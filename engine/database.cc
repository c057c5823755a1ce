#include "database.h"

#include <cstdlib>
#include <filesystem>

#include "errors.h"
#include "schema.h"

namespace lore {

std::string resolve_db_path(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("LORE_DB"); env && *env) return env;
  return "./lore.db";
}

namespace {

}  // namespace

void xapian_try(const std::string& path, const std::function<void()>& fn) {
  // Xapian's exceptions are not polymorphic to dynamic_cast, so each gets its catch.
  try {
    fn();
  } catch (const Xapian::DatabaseLockError&) {
    throw Error(Error::Code::DatabaseLocked, "database " + path + " is locked by another writer",
                "is another lore-index running on it? wait for it to finish");
  } catch (const Xapian::DatabaseNotFoundError& e) {
    throw Error(Error::Code::DatabaseMissing, "cannot open database " + path + " (" + e.get_msg() + ")",
                "create it with: lore-index --db " + path + " PATH...");
  } catch (const Xapian::DatabaseCorruptError& e) {
    throw Error(Error::Code::DatabaseCorrupt, "database " + path + " is corrupt (" + e.get_msg() + ")",
                "remove it and import the sources again");
  } catch (const Xapian::DatabaseVersionError& e) {
    throw Error(Error::Code::DatabaseVersion,
                "database " + path + " was written by an incompatible Xapian version (" + e.get_msg() + ")",
                "import the sources again into a new database");
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw Error(Error::Code::DatabaseMissing, "cannot open database " + path + " (" + e.get_msg() + ")",
                "create it with: lore-index --db " + path + " PATH...");
  } catch (const Xapian::DatabaseError& e) {
    throw Error(Error::Code::Database, "database " + path + ": " + e.get_type() + ": " + e.get_msg());
  } catch (const Xapian::Error& e) {
    throw Error(Error::Code::Internal, "database " + path + ": " + e.get_type() + ": " + e.get_msg());
  }
}

void check_schema(const Xapian::Database& db, const std::string& path) {
  std::string version = db.get_metadata(std::string(kSchemaKey));
  if (version == kSchemaVersion) return;
  if (version.empty())
    throw Error(Error::Code::DatabaseVersion, "database " + path + " was not made by Lore (no schema version)",
                "point --db at a Lore database, or import into a new one");
  throw Error(Error::Code::DatabaseVersion,
              "database " + path + " has schema version " + version + ", this Lore needs " +
                  std::string(kSchemaVersion),
              "import the sources again into a new database");
}

Xapian::Database open_for_reading(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(Error::Code::DatabaseMissing, "no database at " + path,
                "create it with: lore-index --db " + path + " PATH...");
  Xapian::Database db;
  xapian_try(path, [&] { db = Xapian::Database(path); });
  xapian_try(path, [&] { check_schema(db, path); });
  return db;
}

Xapian::WritableDatabase open_for_writing(const std::string& path) {
  Xapian::WritableDatabase db;
  xapian_try(path, [&] {
    db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
    if (db.get_metadata(std::string(kSchemaKey)).empty() && db.get_doccount() == 0) {
      db.set_metadata(std::string(kSchemaKey), std::string(kSchemaVersion));
      db.commit();
    }
    check_schema(db, path);
  });
  return db;
}

}  // namespace lore
