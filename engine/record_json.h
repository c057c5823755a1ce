// A record as one JSON object: Lore's JSON Lines format (SPEC section 8),
// used by the JSONL importer, `lore-search --export`, and the document store.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "record.h"

namespace lore {

/// Serialises every field of `record` as one line of JSON (no newline).
/// Empty optional fields are left out; dates are ISO 8601 UTC.
std::string record_to_json(const Record& record);

/// Builds a record from a parsed JSON object. Returns an empty string on
/// success, else the reason the object is unusable ("missing field \"id\"").
/// Fields it does not know are ignored.
std::string record_from_json(const rapidjson::Value& object, Record& out);

}  // namespace lore
