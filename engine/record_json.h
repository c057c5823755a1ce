// A record as one JSON object: Lore's JSON Lines format (SPEC section 8),
// used by the JSONL importer, `lore-search --export`, and the document store.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "record.h"

namespace lore {

enum class JsonForm {
  Full,     ///< every field of SPEC section 8, empty ones as "", [] or null
  Compact,  ///< empty fields left out: what the index stores and hashes
};

/// Serialises `record` as one line of JSON (no newline); dates are ISO 8601
/// UTC. The optional extensions (author_aliases, space_aliases, bot, edited,
/// deleted) appear only when set, in either form.
std::string record_to_json(const Record& record, JsonForm form = JsonForm::Full);

/// Builds a record from a parsed JSON object. Returns an empty string on
/// success, else the reason the object is unusable ("missing field \"id\"").
/// Fields it does not know are ignored.
std::string record_from_json(const rapidjson::Value& object, Record& out);

}  // namespace lore
