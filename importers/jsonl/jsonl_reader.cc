// Lore's own JSON Lines (SPEC section 8): one record a line. The way any
// other source gets into Lore, and what `lore-search --export` writes.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>

#include "errors.h"
#include "reader.h"
#include "record_json.h"
#include "text/features.h"
#include "tree.h"

namespace lore {

namespace {

class JsonlReader : public Reader {
 public:
  std::string_view format() const override { return "jsonl"; }
  std::string_view description() const override {
    return "Lore JSON Lines (.jsonl, .jsonl.gz): one record a line, SPEC section 8";
  }

  int sniff(const std::filesystem::path& path) const override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return 0;
    std::string name = path.filename().string();
    auto ends = [&](std::string_view s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
    if (ends(".jsonl") || ends(".jsonl.gz")) return 90;
    // Otherwise: a first line that is an object with Lore's required fields.
    std::string head = read_head(path, 8192);
    size_t nl = head.find('\n');
    if (nl == std::string::npos) return 0;
    rapidjson::Document d;
    d.Parse(head.data(), nl);
    if (!d.HasParseError() && d.IsObject() && d.HasMember("id") && d.HasMember("source") && d.HasMember("kind") &&
        d.HasMember("text"))
      return 60;
    return 0;
  }

  void read(const std::filesystem::path& path, const ReaderOptions& options, RecordSink& sink) override {
    ByteStream in(path, options.limits.max_file_bytes);
    const std::string file = path.string();
    std::string line;
    uint64_t line_no = 0;
    bool overlong = false;
    char buf[1 << 16];
    auto finish_line = [&]() {
      ++line_no;
      if (overlong) {
        sink.reject({file, line_no, 0, {}},
                    "line is longer than the cap of " + std::to_string(options.limits.max_record_bytes) + " bytes");
      } else {
        handle(line, file, line_no, sink);
      }
      line.clear();
      overlong = false;
    };
    for (size_t n; (n = in.read(buf, sizeof buf)) > 0;) {
      size_t start = 0;
      for (size_t i = 0; i < n; ++i) {
        if (buf[i] != '\n') continue;
        if (!overlong) line.append(buf + start, i - start);
        finish_line();
        start = i + 1;
      }
      if (!overlong) {
        line.append(buf + start, n - start);
        if (line.size() > options.limits.max_record_bytes) {
          overlong = true;
          line.clear();
        }
      }
    }
    if (!line.empty() || overlong) finish_line();
  }

 private:
  static void handle(std::string& line, const std::string& file, uint64_t line_no, RecordSink& sink) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) return;  // blank lines are allowed
    rapidjson::Document d;
    d.Parse(line.data(), line.size());
    if (d.HasParseError()) {
      sink.reject({file, line_no, d.GetErrorOffset() + 1, {}},
                  std::string("not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()));
      return;
    }
    Record r;
    if (std::string err = record_from_json(d, r); !err.empty()) {
      sink.reject({file, line_no, 0, {}}, err);
      return;
    }
    // Features the line does not give are read off the text.
    if (!d.HasMember("has")) {
      if (text::has_link(r.text)) r.has.push_back("link");
      if (text::has_code(r.text)) r.has.push_back("code");
    }
    if (!d.HasMember("mentions")) r.mentions = text::find_mentions(r.text);
    sink.record(std::move(r));
  }
};

}  // namespace

void register_jsonl_readers(std::vector<std::unique_ptr<Reader>>& out) { out.push_back(std::make_unique<JsonlReader>()); }

}  // namespace lore
