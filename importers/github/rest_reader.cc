// GitHub REST API responses saved to disk, in whatever folder layout the
// tool that saved them chose: issue lists (mixing issues and PRs), comments,
// pulls, reviews, review comments, releases, single objects or arrays, and
// python-github-backup's repositories/REPO/issues/N.json with the comments
// it embeds (comment_data, comment_regular_data). The API gives no type
// field, so each object's kind is told from its keys (classify()). Recorded
// HTTP sessions (betamax/VCR-style cassettes) are opened too: their response
// bodies are the same API objects.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "errors.h"
#include "github/github_common.h"
#include "github/github_readers.h"
#include "tree.h"

namespace fs = std::filesystem;

namespace lore::github {

namespace {

bool json_name(std::string_view name) { return ends_with(name, ".json") || ends_with(name, ".json.gz"); }

// Markers of GitHub API objects, looked for in the first bytes of a file.
bool github_markers(std::string_view head) {
  return head.find("api.github.com/repos/") != std::string_view::npos ||
         head.find("\"html_url\": \"https://github.com/") != std::string_view::npos ||
         head.find("\"html_url\":\"https://github.com/") != std::string_view::npos;
}

std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) continue;  // padding, line breaks
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

// Decompresses a gzip body held in memory; returns it unchanged when it is
// not compressed. Throws lore::Error past `max_bytes`.
std::string maybe_gunzip(std::string data, uint64_t max_bytes) {
  if (data.size() < 2 || static_cast<unsigned char>(data[0]) != 0x1f || static_cast<unsigned char>(data[1]) != 0x8b)
    return data;
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_raw(a);
  std::string out;
  struct archive_entry* e = nullptr;
  if (archive_read_open_memory(a, data.data(), data.size()) == ARCHIVE_OK &&
      archive_read_next_header(a, &e) == ARCHIVE_OK) {
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
      out.append(buf, n);
      if (out.size() > max_bytes) break;
    }
  }
  archive_read_free(a);
  if (out.size() > max_bytes) throw Error(Error::Code::Input, "response body larger than the entry cap");
  return out;
}

class RestImport {
 public:
  RestImport(RecordSink& sink, const Limits& limits) : sink_(sink), limits_(limits) {}

  // One file: `rel` is its name inside the input, `display` how to name it.
  void file(const std::string& rel, const std::string& display, const std::string& content) {
    rapidjson::Document doc;
    doc.Parse(content.data(), content.size());
    if (doc.HasParseError()) {
      Position where;
      auto why = parse_error(doc, content, display, where);
      sink_.reject(where, why);
      return;
    }
    ++files_;
    Hint hint{repo_from_path(rel), {}};
    if (doc.IsObject() && get(doc, "http_interactions")) {
      cassette(doc, display, hint);
      return;
    }
    top(doc, display, hint, "");
  }

  void finish() { latest_.emit(sink_); }
  size_t files() const { return files_; }
  size_t recognised() const { return recognised_; }
  size_t unknown() const { return unknown_; }

 private:
  // "repos/OWNER/REPO/..." in a dump's own paths names the repository of
  // objects that do not name it themselves.
  static Repo repo_from_path(std::string_view rel) {
    size_t p = rel.find("repos/");
    if (p == std::string_view::npos || (p > 0 && rel[p - 1] != '/')) return {};
    return repo_from_url("https://api.github.com/" + std::string(rel.substr(p)));
  }

  void top(const Json& v, const std::string& display, const Hint& hint, const std::string& prefix) {
    if (v.IsArray()) {
      size_t i = 0;
      for (const auto& item : v.GetArray()) object(item, Position{display, 0, 0, prefix + "item " + std::to_string(++i)}, hint);
    } else if (v.IsObject() && get(v, "items") && get(v, "items")->IsArray()) {
      top(*get(v, "items"), display, hint, prefix);  // a search result page
    } else {
      object(v, Position{display, 0, 0, prefix.empty() ? std::string() : prefix + "body"}, hint);
    }
  }

  // A recorded HTTP session: every successful GET's body, decoded.
  void cassette(const Json& doc, const std::string& display, const Hint& hint) {
    const Json* list = get(doc, "http_interactions");
    if (!list->IsArray()) return;
    size_t i = 0;
    for (const auto& it : list->GetArray()) {
      ++i;
      const Json* response = get(it, "response");
      if (!response) continue;
      const Json* status = get(*response, "status");
      if (status && status->IsObject()) {
        const Json* code = get(*status, "code");
        if (code && code->IsInt() && code->GetInt() != 200) continue;
      }
      const Json* body = get(*response, "body");
      if (!body || !body->IsObject()) continue;
      std::string text;
      if (auto b64 = get_str(*body, "base64_string"); !b64.empty()) text = base64_decode(b64);
      else text = std::string(get_str(*body, "string"));
      std::string prefix = "interaction " + std::to_string(i) + " ";
      try {
        text = maybe_gunzip(std::move(text), limits_.max_entry_bytes);
      } catch (const Error& e) {
        sink_.reject(Position{display, 0, 0, prefix}, e.what());
        continue;
      }
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
      rapidjson::Document inner;
      inner.Parse(text.data(), text.size());
      if (inner.HasParseError()) continue;  // not a JSON response (HTML, a diff): nothing of ours
      Hint h = hint;
      if (const Json* req = get(it, "request"); req && h.repo.empty()) h.repo = repo_from_url(get_str(*req, "uri"));
      top(inner, display, h, prefix);
    }
  }

  void object(const Json& o, const Position& where, const Hint& hint) {
    if (!o.IsObject()) {
      sink_.reject(where, "expected a JSON object");
      return;
    }
    RestKind kind = classify(o);
    if (kind == RestKind::Repository) {
      Repo repo = repo_from_url(get_str(o, "html_url"));
      if (repo.empty()) {
        auto full = get_str(o, "full_name");
        size_t slash = full.find('/');
        if (slash != std::string_view::npos) repo = {std::string(full.substr(0, slash)), std::string(full.substr(slash + 1))};
      }
      if (!repo.empty()) latest_.set_private(repo.key(), get_bool(o, "private"));
      ++recognised_;
      return;
    }
    if (kind == RestKind::Event) {
      std::vector<Record> records;
      Outcome out = map_event(o, records);
      if (!out.is_ok()) {
        deliver(std::move(out), Record{}, where, sink_);
        return;
      }
      ++recognised_;
      for (size_t i = 0; i < records.size(); ++i) latest_.keep(std::move(records[i]), i == 0);
      return;
    }
    if (kind == RestKind::Unknown) {
      ++unknown_;
      sink_.skip("unrecognised JSON object");
      return;
    }
    Record r;
    Outcome out = map_rest(kind, o, hint, r);
    if (out.status != Outcome::Status::Ok) {
      if (kind == RestKind::Other) ++recognised_;
      deliver(std::move(out), Record{}, where, sink_);
      return;
    }
    ++recognised_;
    // python-github-backup hangs comments, events and commits under the
    // issue or PR they belong to.
    Hint child;
    size_t slash = r.space.find('/');
    child.repo = {r.space.substr(0, slash), r.space.substr(slash + 1)};
    if (kind == RestKind::Issue || kind == RestKind::Pull) child.number = r.id.substr(r.id.rfind('#') + 1);
    latest_.keep(std::move(r), true);
    for (const char* key : {"comment_data", "comment_regular_data", "review_data", "event_data", "commit_data"}) {
      const Json* list = get(o, key);
      if (!list || !list->IsArray()) continue;
      size_t i = 0;
      for (const auto& item : list->GetArray()) {
        Position w = where;
        if (!w.detail.empty()) w.detail += ' ';
        w.detail.append(key).append(" ").append(std::to_string(++i));
        object(item, w, child);
      }
    }
  }

  RecordSink& sink_;
  Limits limits_;
  LatestRecords latest_;
  size_t files_ = 0, recognised_ = 0, unknown_ = 0;
};

// A pretty-printed object or array, not one event a line (GH Archive's).
bool json_document_start(std::string_view head) {
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return false;
  if (head[start] == '[') return true;
  if (head[start] != '{') return false;
  std::string_view line = head.substr(start, head.find('\n', start) - start);
  return !(line.find("Event\"") != std::string_view::npos && line.find("\"payload\"") != std::string_view::npos);
}

class RestReader : public Reader {
 public:
  std::string_view format() const override { return "github-rest"; }
  std::string_view description() const override {
    return "GitHub REST API dumps (issues, pulls, comments, reviews, releases as the API returns them, any "
           "folder layout) and python-github-backup trees";
  }

  int sniff(const fs::path& path) const override {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      if (!json_name(path.filename().string())) return 0;
      auto head = read_head(path, 16 << 10);
      return json_document_start(head) && github_markers(head) ? 60 : 0;
    }
    if (!fs::is_directory(path, ec)) return 0;
    size_t seen = 0, looked = 0;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (++seen > 2000 || looked >= 12) break;
      if (!it->is_regular_file(ec) || !json_name(it->path().filename().string())) continue;
      ++looked;
      auto head = read_head(it->path(), 16 << 10);
      if (json_document_start(head) && github_markers(head)) return 60;
    }
    return 0;
  }

  void read(const fs::path& path, const ReaderOptions& options, RecordSink& sink) override {
    RestImport import(sink, options.limits);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      auto tree = Tree::open(path, options.limits);
      if (!tree) throw Error(Error::Code::Input, path.string() + ": cannot read the folder");
      auto names = tree->names();
      if (std::none_of(names.begin(), names.end(), [](const std::string& n) { return json_name(n); }))
        throw Error(Error::Code::Input, path.string() + ": no .json files; expected GitHub REST API responses");
      for (const auto& [name, why] : tree->refused()) sink.reject(Position{tree->display(name), 0, 0, {}}, why);
      tree->each([](std::string_view name) { return json_name(name); },
                 [&](const std::string& name, std::string&& content) {
                   if (ends_with(name, ".gz")) {
                     try {
                       content = maybe_gunzip(std::move(content), options.limits.max_entry_bytes);
                     } catch (const Error& e) {
                       sink.reject(Position{tree->display(name), 0, 0, {}}, e.what());
                       return;
                     }
                   }
                   import.file(name, tree->display(name), content);
                 },
                 [&](const std::string& name, uint64_t size) {
                   sink.reject(Position{tree->display(name), 0, 0, {}},
                               "file of " + std::to_string(size) + " bytes is larger than the entry cap");
                 });
    } else {
      std::string content = read_whole_file(path, options.limits.max_file_bytes);
      import.file(path.generic_string(), path.string(), content);
    }
    if (import.files() > 0 && import.recognised() == 0 && import.unknown() > 0)
      throw Error(Error::Code::Input, path.string() + ": no GitHub REST API objects found");
    import.finish();
  }
};

}  // namespace

std::unique_ptr<Reader> make_rest_reader() { return std::make_unique<RestReader>(); }

}  // namespace lore::github
