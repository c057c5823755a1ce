#include "printer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "dates.h"
#include "errors.h"
#include "record_json.h"
#include "text/util.h"

namespace lore {

Format parse_format(const std::string& name) {
  if (name == "text") return Format::Text;
  if (name == "json") return Format::Json;
  if (name == "jsonl") return Format::Jsonl;
  if (name == "ids") return Format::Ids;
  throw Error(Error::Code::Usage, "unknown format '" + name + "'", "formats: text, json, jsonl, ids");
}

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void str_or_null(Writer& w, const std::string& s) {
  if (s.empty())
    w.Null();
  else
    str(w, s);
}

void write_hit(Writer& w, const Hit& h) {
  const Record& r = h.record;
  w.StartObject();
  w.Key("id"), str(w, r.id);
  w.Key("source"), str(w, r.source);
  w.Key("kind"), str(w, r.kind);
  w.Key("space"), str(w, r.space);
  w.Key("thread"), str(w, r.thread_id());
  w.Key("parent"), str_or_null(w, r.parent);
  w.Key("title"), str(w, r.title);
  w.Key("author"), str(w, r.author);
  w.Key("author_id"), str(w, r.author_id);
  w.Key("date"), str(w, format_iso8601(r.date));
  w.Key("url"), str(w, r.url);
  w.Key("tags");
  w.StartArray();
  for (const auto& t : r.tags) str(w, t);
  w.EndArray();
  w.Key("state"), str_or_null(w, r.state);
  w.Key("score"), w.Double(h.score);
  w.Key("snippet"), str(w, h.snippet);
  w.Key("thread_matches"), w.Uint64(h.thread_matches);
  w.Key("thread_title"), str_or_null(w, h.thread_title);
  w.EndObject();
}

void write_facets(Writer& w, const Facets& f) {
  w.StartObject();
  for (const auto& [name, counts] : f.by_name) {
    w.Key(name.c_str());
    w.StartObject();
    for (const auto& [value, n] : counts) {
      w.Key(value.data(), static_cast<rapidjson::SizeType>(value.size()));
      w.Uint64(n);
    }
    w.EndObject();
  }
  w.EndObject();
}

void write_raw(Writer& w, const std::string& json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

// A text's first line, cut to `max` bytes.
std::string first_line(const std::string& text, size_t max) {
  return text::clip(text.substr(0, text.find('\n')), max, false);
}

std::string place(const Record& r) {
  if (r.space.empty()) return r.source;
  if (r.source == "slack" && r.space.find(':') == std::string::npos) return r.source + " #" + r.space;
  return r.source + " " + r.space;
}

std::string short_date(int64_t t) {
  std::string iso = format_iso8601(t);
  return iso.size() >= 16 ? iso.substr(0, 10) + " " + iso.substr(11, 5) : iso;
}

class JsonPrinter : public Printer {
 public:
  explicit JsonPrinter(std::ostream& out) : out_(out) {}
  void result(const SearchResult& r) override { out_ << result_json(r) << "\n"; }
  void document(const Record& r) override { out_ << document_json(r) << "\n"; }
  void thread(const std::string& id, const std::vector<Record>& rs) override { out_ << thread_json(id, rs) << "\n"; }
  void count(uint64_t n) override { out_ << count_json(n) << "\n"; }
  void stats(const Stats& s) override { out_ << stats_json(s) << "\n"; }

 private:
  std::ostream& out_;
};

class JsonlPrinter : public Printer {
 public:
  explicit JsonlPrinter(std::ostream& out) : out_(out) {}
  void result(const SearchResult& r) override {
    for (const auto& h : r.hits) out_ << record_to_json(h.record) << "\n";
  }
  void document(const Record& r) override { out_ << record_to_json(r) << "\n"; }
  void thread(const std::string&, const std::vector<Record>& rs) override {
    for (const auto& r : rs) out_ << record_to_json(r) << "\n";
  }
  void count(uint64_t n) override { out_ << count_json(n) << "\n"; }
  void stats(const Stats& s) override { out_ << stats_json(s) << "\n"; }

 private:
  std::ostream& out_;
};

class IdsPrinter : public Printer {
 public:
  explicit IdsPrinter(std::ostream& out) : out_(out) {}
  void result(const SearchResult& r) override {
    for (const auto& h : r.hits) out_ << h.record.id << "\n";
  }
  void document(const Record& r) override { out_ << r.id << "\n"; }
  void thread(const std::string&, const std::vector<Record>& rs) override {
    for (const auto& r : rs) out_ << r.id << "\n";
  }
  void count(uint64_t n) override { out_ << n << "\n"; }
  void stats(const Stats& s) override { out_ << s.documents << "\n"; }

 private:
  std::ostream& out_;
};

class TextPrinter : public Printer {
 public:
  TextPrinter(std::ostream& out, bool color) : out_(out), color_(color) {}

  void result(const SearchResult& r) override {
    if (r.corrected) out_ << "Did you mean: " << bold(*r.corrected) << "\n\n";
    if (r.hits.empty()) {
      out_ << "No matches for " << r.query << "\n";
      return;
    }
    size_t n = r.offset;
    for (const auto& h : r.hits) {
      const Record& rec = h.record;
      out_ << dim(std::to_string(++n) + ".") << " " << cyan(place(rec)) << " · " << rec.author << " · "
           << short_date(rec.date) << "\n";
      // A reply is shown under the title (or first line) of its conversation.
      const bool reply = !h.thread_title.empty();
      std::string heading = reply ? h.thread_title : rec.title.empty() ? first_line(rec.text, 100) : rec.title;
      if (!heading.empty()) out_ << "   " << bold(heading) << "\n";
      std::string snippet = snippet_to_terminal(h.snippet, color_);
      for (char& c : snippet)
        if (c == '\n') c = ' ';
      if (reply)
        out_ << "   " << dim("›") << " " << (snippet.empty() ? first_line(rec.text, 100) : snippet) << "\n";
      else if (!snippet.empty() && (rec.title.empty() ? snippet != heading : true))
        out_ << "   " << snippet << "\n";
      out_ << "   " << dim(rec.id);
      if (h.thread_matches > 1) out_ << dim(" (" + std::to_string(h.thread_matches) + " matches in this conversation)");
      out_ << "\n\n";
    }
    out_ << dim("About " + std::to_string(r.total) + " matches; showing " + std::to_string(r.offset + 1) + "-" +
                std::to_string(r.offset + r.hits.size()))
         << "\n";
    if (r.facets) {
      out_ << "\n";
      for (const auto& [name, counts] : r.facets->by_name) {
        if (counts.empty()) continue;
        out_ << bold(name) << ":";
        size_t shown = 0;
        for (const auto& [v, c] : counts) {
          if (++shown > 8) break;
          out_ << " " << v << " (" << c << ")";
        }
        out_ << "\n";
      }
      if (r.facets->sample_every > 1)
        out_ << dim("(estimates, from about one matching document in " + std::to_string(r.facets->sample_every) +
                    "; --exact-facets counts them all)")
             << "\n";
    }
  }

  void document(const Record& r) override {
    out_ << cyan(place(r)) << " · " << r.author << " · " << short_date(r.date) << "\n";
    if (!r.title.empty()) out_ << bold(r.title) << "\n";
    out_ << dim("id: " + r.id) << "\n";
    if (r.thread_id() != r.id) out_ << dim("thread: " + r.thread_id()) << "\n";
    if (!r.url.empty()) out_ << dim("url: " + r.url) << "\n";
    if (!r.tags.empty()) {
      std::string tags;
      for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + t;
      out_ << dim("tags: " + tags) << "\n";
    }
    if (!r.state.empty()) out_ << dim("state: " + r.state) << "\n";
    if (!r.principals.empty()) out_ << dim("restricted") << "\n";
    out_ << "\n" << r.text << "\n";
  }

  void thread(const std::string&, const std::vector<Record>& rs) override {
    bool first = true;
    for (const auto& r : rs) {
      if (!first) out_ << "\n" << dim("────") << "\n";
      first = false;
      document(r);
    }
  }

  void count(uint64_t n) override { out_ << n << "\n"; }

  void stats(const Stats& s) override {
    out_ << bold("Database") << " " << s.path << "\n";
    out_ << "documents: " << s.documents << "\n";
    if (s.first_date) out_ << "dates: " << format_iso8601(s.first_date) << " .. " << format_iso8601(s.last_date) << "\n";
    if (!s.last_import.empty()) out_ << "last import: " << s.last_import << "\n";
    for (const auto& [name, counts] : s.by.by_name) {
      out_ << "\n" << bold("by " + name) << "\n";
      for (const auto& [v, c] : counts) out_ << "  " << c << "\t" << v << "\n";
    }
  }

 private:
  std::string wrap(const std::string& s, const char* code) const {
    return color_ ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
  }
  std::string bold(const std::string& s) const { return wrap(s, "1"); }
  std::string dim(const std::string& s) const { return wrap(s, "2"); }
  std::string cyan(const std::string& s) const { return wrap(s, "36"); }

  std::ostream& out_;
  bool color_;
};

}  // namespace

std::unique_ptr<Printer> make_printer(Format f, std::ostream& out, bool color) {
  switch (f) {
    case Format::Text: return std::make_unique<TextPrinter>(out, color);
    case Format::Json: return std::make_unique<JsonPrinter>(out);
    case Format::Jsonl: return std::make_unique<JsonlPrinter>(out);
    case Format::Ids: return std::make_unique<IdsPrinter>(out);
  }
  return std::make_unique<TextPrinter>(out, color);
}

std::string result_json(const SearchResult& r) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("query"), str(w, r.query);
  w.Key("total"), w.Uint64(r.total);
  w.Key("offset"), w.Uint64(r.offset);
  w.Key("limit"), w.Uint64(r.limit);
  w.Key("corrected");
  if (r.corrected)
    str(w, *r.corrected);
  else
    w.Null();
  w.Key("hits");
  w.StartArray();
  for (const auto& h : r.hits) write_hit(w, h);
  w.EndArray();
  if (r.facets) {
    w.Key("facets");
    write_facets(w, *r.facets);
    w.Key("facets_exact"), w.Bool(r.facets->sample_every == 1);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string document_json(const Record& r) { return record_to_json(r); }

std::string thread_json(const std::string& id, const std::vector<Record>& rs) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("thread"), str(w, id);
  w.Key("documents");
  w.StartArray();
  for (const auto& r : rs) write_raw(w, record_to_json(r));
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string count_json(uint64_t n) { return "{\"count\":" + std::to_string(n) + "}"; }

std::string stats_json(const Stats& s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("documents"), w.Uint64(s.documents);
  w.Key("first_date"), str_or_null(w, format_iso8601(s.first_date));
  w.Key("last_date"), str_or_null(w, format_iso8601(s.last_date));
  w.Key("last_import"), str_or_null(w, s.last_import);
  w.Key("by");
  write_facets(w, s.by);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string snippet_to_terminal(const std::string& html, bool color) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    if (html.compare(i, 6, "<mark>") == 0) {
      if (color) out += "\033[1m";
      i += 6;
    } else if (html.compare(i, 7, "</mark>") == 0) {
      if (color) out += "\033[0m";
      i += 7;
    } else if (html[i] == '&') {
      static const std::pair<const char*, char> entities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
      bool matched = false;
      for (auto [name, ch] : entities) {
        size_t len = std::char_traits<char>::length(name);
        if (html.compare(i, len, name) == 0) {
          out += ch;
          i += len;
          matched = true;
          break;
        }
      }
      if (!matched) out += html[i++];
    } else {
      out += html[i++];
    }
  }
  return out;
}

}  // namespace lore
