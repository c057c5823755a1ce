// The form a record is kept in inside the index: what lore-search --show and
// --export give back, and what an import hashes to tell an unchanged record.
//
// Not JSON: with its field names, quotes and ISO dates a generated Slack
// message took about 520 bytes where this form takes about 377 (386 with
// the hash stored_record() puts before it), and every byte of it is
// written twice by an import (into a shard, then by the merge).
// Here each field is written in a fixed order, every string as its length
// then its bytes, every list as its count then its strings, the two dates
// as signed numbers of seconds, and bot, edited and deleted as the bits of
// one last byte. Numbers are written seven bits a byte (varint.h).
#pragma once

#include <string>
#include <string_view>

#include "record.h"

namespace lore {

/// Appends the stored form of `record` to `out`. A thread equal to the
/// record's own id is written as none, as record_from_json() reads it.
void append_stored_record(std::string& out, const Record& record);

/// Reads a stored form back into `record`; false when `bytes` is not one
/// (cut short, a length past its end, bytes left over, or no id, source,
/// kind or date).
bool read_stored_record(std::string_view bytes, Record& record);

}  // namespace lore
