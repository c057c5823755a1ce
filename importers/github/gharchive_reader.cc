// GH Archive: one public GitHub event a line, hourly files, plain or
// compressed (gzip as published, zstd as some mirrors keep them; ByteStream
// decompresses both). An event carries a snapshot of the issue, PR, comment
// or release it is about, so the newest snapshot of each item in the file is
// what gets imported, whatever order the events come in.
#include <rapidjson/error/en.h>

#include <algorithm>
#include <filesystem>

#include "errors.h"
#include "github/github_common.h"
#include "github/github_readers.h"
#include "tree.h"

namespace fs = std::filesystem;

namespace lore::github {

namespace {

// The repository an event is about: "repo": {"name": "o/r"} since 2015,
// "repository": {"owner": "o", "name": "r"} in the timeline format before.
Repo event_repo(const Json& e) {
  if (const Json* repo = get(e, "repo"); repo && repo->IsObject()) {
    auto name = get_str(*repo, "name");
    size_t slash = name.find('/');
    if (slash != std::string_view::npos)
      return {std::string(name.substr(0, slash)), std::string(name.substr(slash + 1))};
  }
  if (const Json* repo = get(e, "repository"); repo && repo->IsObject()) {
    Repo r{std::string(get_str(*repo, "owner")), std::string(get_str(*repo, "name"))};
    if (!r.empty()) return r;
    return repo_from_url(get_str(*repo, "url"));
  }
  return repo_from_url(get_str(e, "url"));
}

bool has_content(const Json* o) { return o && o->IsObject(); }

}  // namespace

Outcome map_event(const Json& e, std::vector<Record>& out) {
  std::string type(get_str(e, "type"));
  const Json* payload = get(e, "payload");
  if (!payload || !payload->IsObject()) return Outcome::reject(type + " without a payload");
  Hint hint{event_repo(e), {}};
  int64_t at = get_date(e, "created_at");
  auto add = [&](RestKind kind, const Json* o, bool primary) -> Outcome {
    Record r;
    Outcome result = map_rest(kind, *o, hint, r);
    if (!result.is_ok()) return primary ? result : Outcome::ok();
    // Snapshots embedded in an event about something else may lack the
    // title (newer GH Archive trims them); such a copy would only blank
    // the real one out.
    if (!primary && r.title.empty()) return Outcome::ok();
    if (!r.date) r.date = at;
    if (!r.updated) r.updated = std::max(r.date, at);
    if (primary && get_str(*payload, "action") == "deleted") r.deleted = true;
    out.push_back(std::move(r));
    return Outcome::ok();
  };
  const Json* issue = get(*payload, "issue");
  const Json* pr = get(*payload, "pull_request");
  const Json* comment = get(*payload, "comment");
  // The pre-2015 timeline format often gave only ids ("issue": 27418703,
  // "comment_id": 31928547): nothing to read, nothing to index.
  const std::string no_content = type + " without content";
  if (type == "IssuesEvent") {
    if (!has_content(issue)) return Outcome::skip(no_content);
    return add(RestKind::Issue, issue, true);
  }
  if (type == "IssueCommentEvent") {
    if (!has_content(comment)) return Outcome::skip(no_content);
    if (has_content(issue)) hint.number = get_id(*issue, "number");
    Outcome o = add(RestKind::IssueComment, comment, true);
    if (o.is_ok() && has_content(issue)) add(RestKind::Issue, issue, false);
    return o;
  }
  if (type == "PullRequestEvent") {
    if (!has_content(pr)) return Outcome::skip(no_content);
    return add(RestKind::Pull, pr, true);
  }
  if (type == "PullRequestReviewEvent" || type == "PullRequestReviewCommentEvent") {
    const Json* item = type == "PullRequestReviewEvent" ? get(*payload, "review") : comment;
    if (!has_content(item)) return Outcome::skip(no_content);
    if (has_content(pr)) hint.number = get_id(*pr, "number");
    Outcome o = add(type == "PullRequestReviewEvent" ? RestKind::Review : RestKind::ReviewComment, item, true);
    if (o.is_ok() && has_content(pr)) add(RestKind::Pull, pr, false);
    return o;
  }
  if (type == "CommitCommentEvent") {
    if (!has_content(comment)) return Outcome::skip(no_content);
    return add(RestKind::CommitComment, comment, true);
  }
  if (type == "ReleaseEvent") {
    const Json* release = get(*payload, "release");
    if (!has_content(release)) return Outcome::skip(no_content);
    return add(RestKind::Release, release, true);
  }
  return Outcome::skip(type.empty() ? "event without a type" : type);
}

namespace {

// True when `line` (the start of a file) looks like a GH Archive event.
bool looks_like_event(std::string_view head) {
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return false;
  if (head.compare(start, 3, "\xEF\xBB\xBF") == 0) start += 3;
  if (start >= head.size() || head[start] != '{') return false;
  std::string_view line = head.substr(start, head.find('\n', start) - start);
  // A pretty-printed object puts its first key on the next line: not NDJSON.
  if (line.find("\"type\"") == std::string_view::npos) return false;
  return line.find("Event\"") != std::string_view::npos && line.find("\"payload\"") != std::string_view::npos &&
         (line.find("\"actor\"") != std::string_view::npos);
}

class GhArchiveReader : public Reader {
 public:
  std::string_view format() const override { return "gharchive"; }
  std::string_view description() const override {
    return "GH Archive event records, one JSON event a line (.json, .ndjson, .json.gz, .json.zst)";
  }

  int sniff(const fs::path& path) const override {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return 0;
    // A tarball is a tree, not a stream of events.
    auto name = path.filename().string();
    if (ends_with(name, ".tar.gz") || ends_with(name, ".tgz") || ends_with(name, ".zip")) return 0;
    return looks_like_event(read_head(path, 64 << 10)) ? 90 : 0;
  }

  void read(const fs::path& path, const ReaderOptions& options, RecordSink& sink) override {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      // A folder of hourly files: each is one file's worth of latest states.
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec)) files.push_back(it->path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files)
        if (looks_like_event(read_head(f, 64 << 10))) read_file(f, options, sink);
      return;
    }
    if (!looks_like_event(read_head(path, 64 << 10)))
      throw Error(Error::Code::Input, path.string() + ": not GH Archive records (expected one JSON event a line)");
    read_file(path, options, sink);
  }

 private:
  void read_file(const fs::path& path, const ReaderOptions& options, RecordSink& sink) {
    // The cap is on what the file unpacks to: an hour of GH Archive is ~1 GB.
    ByteStream in(path, options.limits.max_total_bytes);
    LatestRecords latest;
    std::string file = path.string();
    std::string pending;
    uint64_t line_no = 0;
    bool skipping = false;  // inside a line longer than the record cap
    std::vector<char> buf(1 << 20);
    auto handle = [&](std::string_view line) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
      rapidjson::Document doc;
      doc.Parse(line.data(), line.size());
      if (doc.HasParseError()) {
        auto col = line_column(line, doc.GetErrorOffset()).second;
        sink.reject(Position{file, line_no, col, {}},
                    std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
        return;
      }
      if (!doc.IsObject()) {
        sink.reject(Position{file, line_no, 1, {}}, "expected a JSON object (one event a line)");
        return;
      }
      std::vector<Record> records;
      Outcome o = map_event(doc, records);
      if (!o.is_ok()) {
        if (o.status == Outcome::Status::Skip) sink.skip(o.why);
        else sink.reject(Position{file, line_no, 0, std::string(get_str(doc, "type"))}, o.why);
        return;
      }
      for (size_t i = 0; i < records.size(); ++i) latest.keep(std::move(records[i]), i == 0);
    };
    for (;;) {
      size_t n = in.read(buf.data(), buf.size());
      if (n == 0) break;
      std::string_view chunk(buf.data(), n);
      while (!chunk.empty()) {
        size_t nl = chunk.find('\n');
        std::string_view piece = chunk.substr(0, nl);
        if (!skipping) pending.append(piece);
        if (pending.size() > options.limits.max_record_bytes && !skipping) {
          skipping = true;
          pending.clear();
        }
        if (nl == std::string_view::npos) break;
        if (skipping) {
          ++line_no;
          sink.reject(Position{file, line_no, 0, {}}, "line longer than the record cap of " +
                                                          std::to_string(options.limits.max_record_bytes) + " bytes");
          skipping = false;
        } else {
          handle(pending);
        }
        pending.clear();
        chunk.remove_prefix(nl + 1);
      }
    }
    if (!pending.empty() && !skipping) handle(pending);
    latest.emit(sink);
  }
};

}  // namespace

std::unique_ptr<Reader> make_gharchive_reader() { return std::make_unique<GhArchiveReader>(); }

}  // namespace lore::github
