#include "record_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "dates.h"

namespace lore {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put_or_null(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  if (value.empty())
    w.Null();
  else
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put_list(Writer& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

// Reads an optional string field; a wrong type is an error, null is empty.
std::string get_string(const rapidjson::Value& o, const char* key, std::string& out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || it->value.IsNull()) return {};
  if (!it->value.IsString()) return std::string("field \"") + key + "\" must be a string";
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return {};
}

std::string get_list(const rapidjson::Value& o, const char* key, std::vector<std::string>& out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || it->value.IsNull()) return {};
  if (!it->value.IsArray()) return std::string("field \"") + key + "\" must be an array of strings";
  out.clear();
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) return std::string("field \"") + key + "\" must be an array of strings";
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return {};
}

std::string get_bool(const rapidjson::Value& o, const char* key, bool& out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || it->value.IsNull()) return {};
  if (!it->value.IsBool()) return std::string("field \"") + key + "\" must be true or false";
  out = it->value.GetBool();
  return {};
}

std::string get_date(const rapidjson::Value& o, const char* key, int64_t& out) {
  std::string s;
  if (auto err = get_string(o, key, s); !err.empty()) return err;
  if (s.empty()) return {};
  auto t = parse_iso8601(s);
  if (!t) return std::string("field \"") + key + "\" is not an ISO 8601 date: \"" + s + "\"";
  out = *t;
  return {};
}

}  // namespace

std::string record_to_json(const Record& r, JsonForm form) {
  const bool full = form == JsonForm::Full;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  // The compact form leaves out what is empty: record_from_json reads both.
  auto text = [&](const char* key, const std::string& value) {
    if (full || !value.empty()) put(w, key, value);
  };
  auto text_or_null = [&](const char* key, const std::string& value) {
    if (full || !value.empty()) put_or_null(w, key, value);
  };
  auto list = [&](const char* key, const std::vector<std::string>& values) {
    if (full || !values.empty()) put_list(w, key, values);
  };
  w.StartObject();
  put(w, "id", r.id);
  put(w, "source", r.source);
  put(w, "kind", r.kind);
  text("space", r.space);
  if (full || !r.thread.empty()) put(w, "thread", r.thread_id());
  text_or_null("parent", r.parent);
  text("title", r.title);
  text("author", r.author);
  text("author_id", r.author_id);
  put(w, "date", format_iso8601(r.date));
  text_or_null("updated", format_iso8601(r.updated));
  text("url", r.url);
  list("tags", r.tags);
  text_or_null("state", r.state);
  put(w, "text", r.text);
  list("principals", r.principals);
  list("has", r.has);
  list("mentions", r.mentions);
  if (!r.author_aliases.empty()) put_list(w, "author_aliases", r.author_aliases);
  if (!r.space_aliases.empty()) put_list(w, "space_aliases", r.space_aliases);
  if (r.bot) w.Key("bot"), w.Bool(true);
  if (r.edited) w.Key("edited"), w.Bool(true);
  if (r.deleted) w.Key("deleted"), w.Bool(true);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string record_from_json(const rapidjson::Value& o, Record& r) {
  if (!o.IsObject()) return "not a JSON object";
  for (const char* key : {"id", "source", "kind", "date", "text"}) {
    auto it = o.FindMember(key);
    if (it == o.MemberEnd() || it->value.IsNull()) return std::string("missing required field \"") + key + "\"";
  }
  r = Record{};
  std::string err;
  const std::pair<const char*, std::string*> strings[] = {
      {"id", &r.id},         {"source", &r.source}, {"kind", &r.kind},     {"space", &r.space},
      {"thread", &r.thread}, {"parent", &r.parent}, {"title", &r.title},   {"author", &r.author},
      {"author_id", &r.author_id}, {"url", &r.url}, {"state", &r.state},   {"text", &r.text}};
  for (auto& [key, field] : strings)
    if (!(err = get_string(o, key, *field)).empty()) return err;
  const std::pair<const char*, std::vector<std::string>*> lists[] = {
      {"tags", &r.tags},         {"principals", &r.principals},        {"has", &r.has},
      {"mentions", &r.mentions}, {"author_aliases", &r.author_aliases}, {"space_aliases", &r.space_aliases}};
  for (auto& [key, field] : lists)
    if (!(err = get_list(o, key, *field)).empty()) return err;
  for (auto [key, field] : {std::pair{"bot", &r.bot}, {"edited", &r.edited}, {"deleted", &r.deleted}})
    if (!(err = get_bool(o, key, *field)).empty()) return err;
  if (!(err = get_date(o, "date", r.date)).empty()) return err;
  if (!(err = get_date(o, "updated", r.updated)).empty()) return err;
  if (r.id.empty()) return "field \"id\" is empty";
  if (r.source.empty()) return "field \"source\" is empty";
  if (r.kind.empty()) return "field \"kind\" is empty";
  if (r.date == 0) return "field \"date\" is empty";
  if (r.thread == r.id) r.thread.clear();
  return {};
}

}  // namespace lore
