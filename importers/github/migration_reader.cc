// GitHub's organisation/user migration archive: schema.json plus pages named
// "<type>_<NNNNNN>.json", each a JSON array of records that point at each
// other by URL ("user": "https://github.com/login"). Read in two passes over
// the tree: repositories, users, review threads and attachments first (they
// decide privacy, names, file paths and has:), then everything that becomes a
// Record, page by page in archive order.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "text/util.h"
#include "errors.h"
#include "github/github_common.h"
#include "github/github_readers.h"
#include "tree.h"

namespace fs = std::filesystem;

namespace lore::github {

namespace {

// "issue_comments" for ".../issue_comments_000001.json"; "" for other names.
std::string page_type(std::string_view name) {
  std::string_view base = base_name(name);
  if (!ends_with(base, ".json")) return {};
  base.remove_suffix(5);
  size_t us = base.rfind('_');
  if (us == std::string_view::npos || us == 0 || us + 1 == base.size()) return {};
  for (char c : base.substr(us + 1))
    if (!std::isdigit(static_cast<unsigned char>(c))) return {};
  return std::string(base.substr(0, us));
}

// Page types a migration archive holds; only these names make a tree one.
const std::set<std::string>& known_types() {
  static const std::set<std::string> types = {
      "repositories", "users", "bots", "organizations", "teams", "issues", "issue_comments", "issue_events",
      "pull_requests", "pull_request_reviews", "pull_request_review_comments", "pull_request_review_threads",
      "commit_comments", "releases", "milestones", "discussions", "discussion_comments", "discussion_categories",
      "attachments", "projects", "protected_branches", "repository_files", "labels"};
  return types;
}

bool first_pass_type(std::string_view type) {
  return type == "repositories" || type == "users" || type == "bots" || type == "pull_request_review_threads" ||
         type == "attachments";
}

// Pages also read in the first pass, for which items they answer (and read
// again in the second, where they become records).
bool answers_type(std::string_view type) { return type == "issue_comments"; }

// The numeric user id hidden in an avatar URL ("https://avatars.../u/4804?v=4").
std::string id_from_avatar(std::string_view url) {
  size_t p = url.find("/u/");
  if (p == std::string_view::npos) return {};
  size_t start = p + 3, end = start;
  while (end < url.size() && std::isdigit(static_cast<unsigned char>(url[end]))) ++end;
  return std::string(url.substr(start, end - start));
}

class MigrationImport {
 public:
  MigrationImport(Tree& tree, RecordSink& sink) : tree_(tree), sink_(sink) {}

  void run() {
    tree_.each(
        [](std::string_view name) {
          std::string type = page_type(name);
          return first_pass_type(type) || answers_type(type);
        },
               [this](const std::string& name, std::string&& content) { first_pass(name, content); },
               [this](const std::string& name, uint64_t size) { too_large(name, size); });
    tree_.each(
        [](std::string_view name) {
          std::string type = page_type(name);
          return !type.empty() && !first_pass_type(type) && known_types().count(type);
        },
        [this](const std::string& name, std::string&& content) { second_pass(name, content); },
        [this](const std::string& name, uint64_t size) { too_large(name, size); });
  }

 private:
  void too_large(const std::string& name, uint64_t size) {
    sink_.reject(Position{tree_.display(name), 0, 0, {}},
                 "page of " + std::to_string(size) + " bytes is larger than the entry cap");
  }

  // Parses a page; rejects it (with line:column) when it is not a JSON array.
  bool parse(const std::string& name, const std::string& content, rapidjson::Document& doc) {
    doc.Parse(content.data(), content.size());
    if (doc.HasParseError()) {
      Position where;
      auto why = parse_error(doc, content, tree_.display(name), where);
      sink_.reject(where, why);
      return false;
    }
    if (!doc.IsArray()) {
      sink_.reject(Position{tree_.display(name), 1, 1, {}}, "expected a JSON array of records");
      return false;
    }
    return true;
  }

  Position item(const std::string& name, size_t i) const {
    return Position{tree_.display(name), 0, 0, "item " + std::to_string(i + 1)};
  }

  void first_pass(const std::string& name, const std::string& content) {
    rapidjson::Document doc;
    std::string type = page_type(name);
    if (answers_type(type)) {
      // Only a hint here: a broken page is reported once, by the second pass.
      doc.Parse(content.data(), content.size());
      if (doc.HasParseError() || !doc.IsArray()) return;
    } else if (!parse(name, content, doc)) {
      return;
    }
    for (const auto& o : doc.GetArray()) {
      if (!o.IsObject()) continue;  // these pages give no records, so nothing to reject
      if (type == "users" || type == "bots") {
        Author a;
        a.login = std::string(get_str(o, "login"));
        a.name = std::string(get_str(o, "name"));
        a.id = get_id(o, "id");
        if (a.id.empty()) a.id = id_from_avatar(get_str(o, "avatar_url"));
        a.bot = type == "bots" || get_str(o, "type") == "Bot" || bot_login(a.login);
        std::string url(get_str(o, "url"));
        if (a.login.empty()) a.login = last_segment(url);
        if (!url.empty()) users_[text::ascii_lower(url)] = a;
      } else if (type == "repositories") {
        Repo repo = repo_from_url(get_str(o, "url"));
        if (!repo.empty()) private_[repo.key()] = get_bool(o, "private");
      } else if (type == "pull_request_review_threads") {
        auto path = get_str(o, "path");
        if (!path.empty()) thread_paths_[text::ascii_lower(get_str(o, "url"))] = std::string(path);
      } else if (type == "attachments") {
        std::string target(get_str(o, "issue_comment"));
        if (target.empty()) target = std::string(get_str(o, "issue"));
        if (target.empty()) target = std::string(get_str(o, "pull_request"));
        auto ctype = get_str(o, "asset_content_type");
        attachments_[text::ascii_lower(target)].push_back(ctype.rfind("image/", 0) == 0 ? "image" : "file");
      } else if (answers_type(type)) {
        // The item a comment answers, as child() will name it.
        std::string owner = owner_url(o);
        Repo repo = repo_from_url(owner);
        if (repo.empty()) repo = repo_from_url(get_str(o, "url"));
        std::string number = number_from_url(owner);
        if (!repo.empty() && !number.empty()) answered_.insert(item_id(repo, number));
      }
    }
  }

  void second_pass(const std::string& name, const std::string& content) {
    rapidjson::Document doc;
    if (!parse(name, content, doc)) return;
    std::string type = page_type(name);
    size_t i = 0;
    for (const auto& o : doc.GetArray()) {
      Position where = item(name, i++);
      if (!o.IsObject()) {
        sink_.reject(where, "expected a JSON object");
        continue;
      }
      Record r;
      Outcome out = map(type, o, r);
      if (out.is_ok()) finish(o, r);
      deliver(std::move(out), std::move(r), where, sink_);
    }
  }

  Outcome map(const std::string& type, const Json& o, Record& r) {
    if (type == "issues") return issue(o, r, false);
    if (type == "pull_requests") return issue(o, r, true);
    if (type == "discussions") return discussion(o, r);
    if (type == "issue_comments") return child(o, r, "issue_comment", "comment", "comment");
    if (type == "pull_request_reviews") return review(o, r);
    if (type == "pull_request_review_comments") return review_comment(o, r);
    if (type == "discussion_comments") return discussion_comment(o, r);
    if (type == "commit_comments") return commit_comment(o, r);
    if (type == "releases") return release(o, r);
    return Outcome::skip(type);
  }

  // What every record gets: author, dates, reactions, attachments, privacy.
  void finish(const Json& o, Record& r) {
    set_author(r, author(get_str(o, "user")));
    if (const Json* re = get(o, "reactions"); re && re->IsArray() && !re->Empty()) add_unique(r.has, "reaction");
    auto att = attachments_.find(text::ascii_lower(get_str(o, "url")));
    if (att != attachments_.end())
      for (const auto& what : att->second) add_unique(r.has, what);
    if (!r.updated) r.updated = r.date;
    auto priv = private_.find(text::ascii_lower(r.space));
    if (priv != private_.end() && priv->second) r.principals = {"github:" + r.space};
  }

  Author author(std::string_view url) {
    if (url.empty()) return rest_author(nullptr);
    auto it = users_.find(text::ascii_lower(url));
    if (it != users_.end()) return it->second;
    Author a;
    a.login = last_segment(url);
    a.bot = url.find("/apps/") != std::string_view::npos || bot_login(a.login);
    return a;
  }

  static Repo repo_of(const Json& o) {
    Repo repo = repo_from_url(get_str(o, "url"));
    if (repo.empty()) repo = repo_from_url(get_str(o, "repository"));
    return repo;
  }

  Outcome issue(const Json& o, Record& r, bool pr) {
    const char* what = pr ? "pull request" : "issue";
    Repo repo = repo_of(o);
    std::string number = number_from_url(get_str(o, "url"));
    if (repo.empty() || number.empty()) return Outcome::reject(std::string(what) + " without a url giving its number");
    init_record(r, repo, pr ? "pull_request" : "issue", item_id(repo, number));
    // An issue with comments is a thread from the start (Record::answered).
    r.answered = answered_.count(r.id) > 0;
    r.title = std::string(get_str(o, "title"));
    set_body(r, get_str(o, "body"));
    r.state = get(o, "closed_at") ? "closed" : "open";
    if (pr && get(o, "merged_at")) r.state = "merged";
    labels(o, r);
    r.date = get_date(o, "created_at");
    r.updated = get_date(o, "updated_at");
    r.url = std::string(get_str(o, "url"));
    return Outcome::ok();
  }

  Outcome discussion(const Json& o, Record& r) {
    Repo repo = repo_of(o);
    std::string number = number_from_url(get_str(o, "url"));
    if (repo.empty() || number.empty()) return Outcome::reject("discussion without a url giving its number");
    init_record(r, repo, "discussion", item_id(repo, number));
    r.title = std::string(get_str(o, "title"));
    set_body(r, get_str(o, "body"));
    auto state = text::ascii_lower(get_str(o, "state"));
    r.state = state == "open" || state == "closed" ? state : (get(o, "closed_at") ? "closed" : "open");
    labels(o, r);
    r.date = get_date(o, "created_at");
    r.updated = get_date(o, "updated_at");
    r.url = std::string(get_str(o, "url"));
    return Outcome::ok();
  }

  static void labels(const Json& o, Record& r) {
    const Json* ls = get(o, "labels");
    if (!ls || !ls->IsArray()) return;
    for (const auto& l : ls->GetArray()) {
      if (l.IsString()) add_unique(r.tags, last_segment(l.GetString()));
      else if (l.IsObject()) add_unique(r.tags, std::string(get_str(l, "name")));
    }
  }

  // The issue, PR or discussion a record hangs under, from whichever key
  // this record type uses for it.
  static std::string owner_url(const Json& o) {
    for (const char* key : {"issue", "pull_request", "discussion"}) {
      auto v = get_str(o, key);
      if (!v.empty()) return std::string(v);
    }
    return std::string(get_str(o, "url"));
  }

  Outcome child(const Json& o, Record& r, const char* kind, const char* what, const char* label) {
    std::string url(get_str(o, "url"));
    std::string owner = owner_url(o);
    Repo repo = repo_from_url(owner);
    if (repo.empty()) repo = repo_from_url(url);
    std::string number = number_from_url(owner);
    std::string id = get_id(o, "id");
    if (id.empty()) id = fragment_id(url);
    if (repo.empty()) return Outcome::reject(std::string(label) + " without a repository URL");
    if (id.empty()) return Outcome::reject(std::string(label) + " without an id in its url");
    if (number.empty()) return Outcome::reject(std::string(label) + " " + id + " without the item it belongs to");
    init_record(r, repo, kind, sub_id(repo, number, what, id));
    r.thread = item_id(repo, number);
    r.parent = r.thread;
    set_body(r, get_str(o, "body"));
    r.date = get_date(o, "created_at");
    r.updated = get_date(o, "updated_at");
    set_edited(r);
    r.url = url;
    return Outcome::ok();
  }

  Outcome review(const Json& o, Record& r) {
    // Older schemas give the state as a number: 1 commented, 30 changes
    // requested, 40 approved; 0 is a review never submitted.
    std::string state;
    if (const Json* s = get(o, "state")) {
      if (s->IsInt()) {
        int n = s->GetInt();
        state = n == 40 ? "approved" : n == 30 ? "changes_requested" : n == 1 ? "commented" : n == 0 ? "pending" : "";
      } else if (s->IsString()) {
        state = text::ascii_lower(s->GetString());
      }
    }
    if (state == "pending") return Outcome::skip("pending review");
    Outcome out = child(o, r, "review", "review", "review");
    if (!out.is_ok()) return out;
    if (int64_t submitted = get_date(o, "submitted_at")) r.date = submitted;
    if (r.text.empty()) {
      if (state == "approved") r.text = "Approved.";
      else if (state == "changes_requested") r.text = "Changes requested.";
      else if (state == "commented") r.text = "Commented.";
      else if (state == "dismissed") r.text = "Dismissed.";
    }
    return out;
  }

  Outcome review_comment(const Json& o, Record& r) {
    Outcome out = child(o, r, "review_comment", "review-comment", "review comment");
    if (!out.is_ok()) return out;
    Repo repo = repo_from_url(owner_url(o));
    std::string number = number_from_url(owner_url(o));
    r.title = std::string(get_str(o, "path"));
    if (r.title.empty()) {
      auto t = thread_paths_.find(text::ascii_lower(get_str(o, "pull_request_review_thread")));
      if (t != thread_paths_.end()) r.title = t->second;
    }
    std::string reply = fragment_id(get_str(o, "in_reply_to"));
    std::string review = fragment_id(get_str(o, "pull_request_review"));
    if (!reply.empty()) r.parent = sub_id(repo, number, "review-comment", reply);
    else if (!review.empty()) r.parent = sub_id(repo, number, "review", review);
    return out;
  }

  Outcome discussion_comment(const Json& o, Record& r) {
    Outcome out = child(o, r, "discussion_comment", "comment", "discussion comment");
    if (!out.is_ok()) return out;
    Repo repo = repo_from_url(owner_url(o));
    std::string number = number_from_url(owner_url(o));
    for (const char* key : {"parent", "parent_comment", "in_reply_to", "reply_to"}) {
      std::string parent = fragment_id(get_str(o, key));
      if (!parent.empty()) {
        r.parent = sub_id(repo, number, "comment", parent);
        break;
      }
    }
    return out;
  }

  Outcome commit_comment(const Json& o, Record& r) {
    std::string url(get_str(o, "url"));
    Repo repo = repo_of(o);
    std::string id = get_id(o, "id");
    if (id.empty()) id = fragment_id(url);
    std::string sha(get_str(o, "commit_id"));
    if (sha.empty()) {
      size_t p = url.find("/commit/");
      if (p != std::string::npos) sha = url.substr(p + 8, url.find_first_of("#?/", p + 8) - (p + 8));
    }
    if (repo.empty()) return Outcome::reject("commit comment without a repository URL");
    if (id.empty()) return Outcome::reject("commit comment without an id in its url");
    if (sha.empty()) return Outcome::reject("commit comment " + id + " without its commit");
    init_record(r, repo, "commit_comment", commit_thread_id(repo, sha) + "/comment/" + id);
    r.thread = commit_thread_id(repo, sha);
    r.title = std::string(get_str(o, "path"));
    set_body(r, get_str(o, "body"));
    r.date = get_date(o, "created_at");
    r.updated = get_date(o, "updated_at");
    set_edited(r);
    r.url = url;
    return Outcome::ok();
  }

  Outcome release(const Json& o, Record& r) {
    if (text::ascii_lower(get_str(o, "state")) == "draft") return Outcome::skip("draft release");
    Repo repo = repo_of(o);
    if (repo.empty()) return Outcome::reject("release without a repository URL");
    // The archive names a release by its tag; it has no numeric id.
    std::string id = get_id(o, "id");
    if (id.empty()) id = std::string(get_str(o, "tag_name"));
    if (id.empty()) id = last_segment(get_str(o, "url"));
    if (id.empty()) return Outcome::reject("release without a tag_name");
    init_record(r, repo, "release", release_id(repo, id));
    r.title = std::string(get_str(o, "name"));
    if (r.title.empty()) r.title = std::string(get_str(o, "tag_name"));
    set_body(r, get_str(o, "body"));
    r.date = get_date(o, "published_at");
    if (!r.date) r.date = get_date(o, "created_at");
    r.updated = std::max(r.date, get_date(o, "updated_at"));
    r.url = std::string(get_str(o, "url"));
    return Outcome::ok();
  }

  Tree& tree_;
  RecordSink& sink_;
  std::map<std::string, Author> users_;         // by lower-cased profile URL
  std::map<std::string, bool> private_;         // by Repo::key()
  std::map<std::string, std::string> thread_paths_;  // review thread URL -> file path
  std::map<std::string, std::vector<std::string>> attachments_;  // record URL -> "image"/"file"
  std::set<std::string> answered_;  // items some issue comment answers (item_id)
};

bool migration_name(std::string_view name) {
  return base_name(name) == "schema.json" || known_types().count(page_type(name));
}

// The first entry names of an archive, without reading it all.
std::vector<std::string> peek_archive(const fs::path& path, size_t max_entries) {
  std::vector<std::string> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_format_zip(a);
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) == ARCHIVE_OK) {
    struct archive_entry* e = nullptr;
    while (out.size() < max_entries && archive_read_next_header(a, &e) == ARCHIVE_OK) {
      const char* n = archive_entry_pathname(e);
      if (n) out.emplace_back(n);
    }
  }
  archive_read_free(a);
  return out;
}

class MigrationReader : public Reader {
 public:
  std::string_view format() const override { return "github"; }
  std::string_view description() const override {
    return "GitHub organisation/user migration archive (.tar.gz, or the unpacked folder with schema.json)";
  }

  int sniff(const fs::path& path) const override {
    std::error_code ec;
    int schema = 0, pages = 0;
    auto note = [&](std::string_view name) {
      if (base_name(name) == "schema.json") ++schema;
      else if (migration_name(name)) ++pages;
    };
    if (fs::is_directory(path, ec)) {
      size_t seen = 0;
      for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::directory_iterator() && seen < 2000;
           it.increment(ec), ++seen)
        if (it->is_regular_file(ec)) note(it->path().filename().string());
    } else if (fs::is_regular_file(path, ec) && Tree::is_archive(path)) {
      for (const auto& name : peek_archive(path, 200)) note(name);
    }
    if (pages && schema) return 95;
    if (pages >= 2) return 80;
    return 0;
  }

  void read(const fs::path& path, const ReaderOptions& options, RecordSink& sink) override {
    auto tree = Tree::open(path, options.limits);
    if (!tree) throw Error(Error::Code::Input, path.string() + ": not a folder or archive; expected a GitHub migration archive");
    auto names = tree->names();
    if (std::none_of(names.begin(), names.end(), [](const std::string& n) { return migration_name(n); }))
      throw Error(Error::Code::Input,
                  path.string() + ": not a GitHub migration archive (no schema.json or <type>_NNNNNN.json pages)");
    for (const auto& [name, why] : tree->refused()) sink.reject(Position{tree->display(name), 0, 0, {}}, why);
    MigrationImport(*tree, sink).run();
  }
};

}  // namespace

std::unique_ptr<Reader> make_migration_reader() { return std::make_unique<MigrationReader>(); }

}  // namespace lore::github
