#include "text/util.h"
#include "github/github_common.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>

#include "dates.h"
#include "text/features.h"
#include "text/markdown.h"

namespace lore::github {

const Json* get(const Json& o, const char* key) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::string_view get_str(const Json& o, const char* key) {
  const Json* v = get(o, key);
  if (!v || !v->IsString()) return {};
  return {v->GetString(), v->GetStringLength()};
}

std::string get_id(const Json& o, const char* key) {
  const Json* v = get(o, key);
  if (!v) return {};
  if (v->IsUint64()) return std::to_string(v->GetUint64());
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  return {};
}

bool get_bool(const Json& o, const char* key) {
  const Json* v = get(o, key);
  return v && v->IsBool() && v->GetBool();
}

int64_t get_date(const Json& o, const char* key) {
  auto s = get_str(o, key);
  if (s.empty()) return 0;
  return parse_iso8601(s).value_or(0);
}

std::string Repo::key() const {
  std::string k = full();
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

namespace {

// The path segments of a URL, without scheme, host, query and fragment.
std::vector<std::string_view> path_segments(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    size_t slash = url.find('/');
    url = slash == std::string_view::npos ? std::string_view{} : url.substr(slash + 1);
  }
  size_t end = url.find_first_of("?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < url.size()) {
    size_t slash = url.find('/', start);
    if (slash == std::string_view::npos) slash = url.size();
    if (slash > start) out.push_back(url.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

Repo repo_from_url(std::string_view url) {
  if (url.empty()) return {};
  auto seg = path_segments(url);
  size_t i = 0;
  // API URLs: /repos/o/r/..., on Enterprise /api/v3/repos/o/r/...
  if (seg.size() >= 3 && seg[0] == "api" && seg[1] == "v3") i = 2;
  if (seg.size() >= i + 3 && seg[i] == "repos") {
    Repo r{std::string(seg[i + 1]), std::string(seg[i + 2])};
    return r;
  }
  if (seg.size() < 2) return {};
  static const char* not_repos[] = {"repositories", "users", "orgs", "apps", "user-attachments", "settings",
                                    "sponsors", "organizations", "marketplace", "api"};
  for (const char* n : not_repos)
    if (seg[0] == n) return {};
  std::string name(seg[1]);
  if (ends_with(name, ".git")) name.resize(name.size() - 4);
  return {url_decode(seg[0]), url_decode(name)};
}

std::string number_from_url(std::string_view url) {
  auto seg = path_segments(url);
  for (size_t i = 0; i + 1 < seg.size(); ++i)
    if ((seg[i] == "issues" || seg[i] == "pull" || seg[i] == "pulls" || seg[i] == "discussions") &&
        all_digits(seg[i + 1]))
      return std::string(seg[i + 1]);
  return {};
}

std::string fragment_id(std::string_view url) {
  size_t hash = url.find('#');
  if (hash == std::string_view::npos) return {};
  std::string_view frag = url.substr(hash + 1);
  size_t start = frag.size();
  while (start > 0 && std::isdigit(static_cast<unsigned char>(frag[start - 1]))) --start;
  return std::string(frag.substr(start));
}

std::string last_segment(std::string_view url) {
  auto seg = path_segments(url);
  return seg.empty() ? std::string() : url_decode(seg.back());
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string item_id(const Repo& repo, std::string_view number) {
  return "github:" + repo.full() + "#" + std::string(number);
}

std::string sub_id(const Repo& repo, std::string_view number, std::string_view what, std::string_view id) {
  return item_id(repo, number) + "/" + std::string(what) + "/" + std::string(id);
}

std::string release_id(const Repo& repo, std::string_view id) {
  return "github:" + repo.full() + "/release/" + std::string(id);
}

std::string commit_thread_id(const Repo& repo, std::string_view sha) {
  return "github:" + repo.full() + "/commit/" + std::string(sha);
}

bool bot_login(std::string_view login) { return ends_with(login, "[bot]"); }

Author rest_author(const Json* user) {
  Author a;
  if (!user || !user->IsObject()) {
    // GitHub shows deleted accounts as "ghost"; the API gives null.
    a.login = "ghost";
    return a;
  }
  a.login = std::string(get_str(*user, "login"));
  a.id = get_id(*user, "id");
  a.name = std::string(get_str(*user, "name"));
  a.bot = get_str(*user, "type") == "Bot" || bot_login(a.login);
  if (a.login.empty()) a.login = a.id.empty() ? "ghost" : a.id;
  return a;
}

void add_unique(std::vector<std::string>& v, std::string value) {
  if (value.empty()) return;
  if (std::find(v.begin(), v.end(), value) == v.end()) v.push_back(std::move(value));
}

void init_record(Record& r, const Repo& repo, std::string kind, std::string id) {
  r.source = "github";
  r.kind = std::move(kind);
  r.id = std::move(id);
  r.space = repo.full();
  r.space_aliases = {repo.name};
}

void set_edited(Record& r) { r.edited = r.updated > r.date && r.date > 0; }

void set_body(Record& r, std::string_view markdown) {
  if (markdown.empty()) return;
  auto extracted = text::markdown_to_text(markdown);
  r.text = std::move(extracted.text);
  text::apply_features(extracted, r);
}

void set_author(Record& r, const Author& a) {
  r.author = a.login;
  r.author_id = a.id.empty() ? a.login : a.id;
  if (a.name != a.login) add_unique(r.author_aliases, a.name);
  add_unique(r.author_aliases, a.id);
  r.bot = r.bot || a.bot;
}

bool ends_with(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

std::string_view base_name(std::string_view name) {
  size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

std::string parse_error(const rapidjson::Document& doc, std::string_view text, const std::string& file,
                        Position& where) {
  auto [line, column] = line_column(text, doc.GetErrorOffset());
  where = Position{file, line, column, {}};
  return std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError());
}

// ---------------------------------------------------------------------------
// Classifying REST-shaped objects. The API gives no type field, so the keys
// each endpoint always returns decide; the order matters where shapes
// overlap (review comments also carry commit_id, PRs also carry number).

namespace {

bool has(const Json& o, const char* key) { return o.IsObject() && o.HasMember(key); }

bool url_has(const Json& o, const char* key, std::string_view part) {
  return get_str(o, key).find(part) != std::string_view::npos;
}

}  // namespace

RestKind classify(const Json& o) {
  if (!o.IsObject()) return RestKind::Unknown;
  auto type = get_str(o, "type");
  if (has(o, "payload") && ends_with(type, "Event")) return RestKind::Event;
  if (has(o, "tag_name")) return RestKind::Release;
  if (has(o, "number")) {
    if (has(o, "head") && has(o, "base")) return RestKind::Pull;
    if (url_has(o, "html_url", "/discussions/")) return RestKind::Discussion;
    if (has(o, "title")) return RestKind::Issue;
  }
  if (has(o, "full_name") && has(o, "owner") && !has(o, "number")) return RestKind::Repository;
  if (has(o, "diff_hunk") || (has(o, "path") && has(o, "pull_request_url"))) return RestKind::ReviewComment;
  if (has(o, "pull_request_url") && has(o, "state")) return RestKind::Review;
  if (url_has(o, "html_url", "#discussioncomment-")) return RestKind::DiscussionComment;
  if (has(o, "issue_url") && has(o, "body")) return RestKind::IssueComment;
  if (has(o, "commit_id") && has(o, "body") && url_has(o, "html_url", "/commit/")) return RestKind::CommitComment;
  if (!other_category(o).empty()) return RestKind::Other;
  return RestKind::Unknown;
}

std::string other_category(const Json& o) {
  if (!o.IsObject()) return {};
  if (has(o, "event") && (has(o, "actor") || has(o, "issue"))) return "issue_event";
  if (has(o, "login") && (has(o, "avatar_url") || has(o, "type"))) return "user";
  if (has(o, "color") && has(o, "name")) return "label";
  if (has(o, "config") && has(o, "events")) return "hook";
  if (has(o, "due_on") || url_has(o, "html_url", "/milestone/")) return "milestone";
  if (has(o, "sha") && has(o, "commit")) return "commit";
  if (has(o, "slug") && has(o, "permission")) return "team";
  return {};
}

// ---------------------------------------------------------------------------
// Mapping.

namespace {

// The repository an object belongs to: its own URLs first (they are the
// object's), then what the caller knows.
Repo object_repo(const Json& o, const Hint& hint) {
  for (const char* key : {"html_url", "url", "repository_url", "issue_url", "pull_request_url"}) {
    Repo r = repo_from_url(get_str(o, key));
    if (!r.empty()) return r;
  }
  return hint.repo;
}

std::string object_number(const Json& o, const Hint& hint, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto n = number_from_url(get_str(o, key));
    if (!n.empty()) return n;
  }
  return hint.number;
}

std::string object_url(const Json& o) {
  auto html = get_str(o, "html_url");
  return std::string(html.empty() ? get_str(o, "url") : html);
}

void set_labels(Record& r, const Json& o) {
  const Json* labels = get(o, "labels");
  if (!labels || !labels->IsArray()) return;
  for (const auto& l : labels->GetArray()) {
    if (l.IsString()) add_unique(r.tags, last_segment(l.GetString()));
    else if (l.IsObject()) add_unique(r.tags, std::string(get_str(l, "name")));
  }
}

void set_reactions(Record& r, const Json& o) {
  const Json* re = get(o, "reactions");
  if (!re) return;
  bool any = false;
  if (re->IsObject()) {
    const Json* total = get(*re, "total_count");
    any = total && total->IsNumber() && total->GetDouble() > 0;
  } else if (re->IsArray()) {
    any = !re->Empty();
  }
  if (any) add_unique(r.has, "reaction");
}

void set_dates(Record& r, const Json& o, const char* created_key = "created_at") {
  r.date = get_date(o, created_key);
  if (!r.date) r.date = get_date(o, "created_at");
  r.updated = get_date(o, "updated_at");
  if (!r.updated) r.updated = r.date;
}

void set_private(Record& r, const Repo& repo, const Json* repository) {
  if (repository && repository->IsObject() && get_bool(*repository, "private"))
    r.principals = {"github:" + repo.full()};
}

Outcome need_repo(const Repo& repo, const char* what) {
  if (repo.empty()) return Outcome::reject(std::string(what) + " without a repository URL");
  return Outcome::ok();
}

// The repository and number of an issue, pull request or discussion (the
// number from its URL when the object has none), or why it cannot be used.
Outcome locate_numbered(const Json& o, const Hint& hint, const char* what, Repo& repo, std::string& number) {
  repo = object_repo(o, hint);
  if (auto bad = need_repo(repo, what); !bad.is_ok()) return bad;
  number = get_id(o, "number");
  if (number.empty()) number = number_from_url(object_url(o));
  if (number.empty()) return Outcome::reject(std::string(what) + " without a number");
  return Outcome::ok();
}

// What an issue, a PR and a discussion of the REST API share: id, title,
// body, labels, reactions, dates, URL and author. State and privacy differ.
void fill_item(const Json& o, const Repo& repo, const std::string& number, const char* kind, Record& r) {
  init_record(r, repo, kind, item_id(repo, number));
  r.title = std::string(get_str(o, "title"));
  set_body(r, get_str(o, "body"));
  set_labels(r, o);
  set_reactions(r, o);
  set_dates(r, o);
  r.url = object_url(o);
  set_author(r, rest_author(get(o, "user")));
}

Outcome map_issue(const Json& o, const Hint& hint, Record& r) {
  Repo repo;
  std::string number;
  if (auto bad = locate_numbered(o, hint, "issue", repo, number); !bad.is_ok()) return bad;
  const Json* pr = get(o, "pull_request");
  bool is_pr = pr != nullptr || object_url(o).find("/pull/") != std::string::npos;
  fill_item(o, repo, number, is_pr ? "pull_request" : "issue", r);
  r.state = text::ascii_lower(get_str(o, "state"));
  if (r.state.empty()) r.state = get(o, "closed_at") ? "closed" : "open";
  if (is_pr && pr && pr->IsObject() && get(*pr, "merged_at")) r.state = "merged";
  set_private(r, repo, get(o, "repository"));
  return Outcome::ok();
}

Outcome map_pull(const Json& o, const Hint& hint, Record& r) {
  Repo repo;
  std::string number;
  if (auto bad = locate_numbered(o, hint, "pull request", repo, number); !bad.is_ok()) return bad;
  fill_item(o, repo, number, "pull_request", r);
  r.state = text::ascii_lower(get_str(o, "state"));
  if (r.state.empty()) r.state = get(o, "closed_at") ? "closed" : "open";
  if (get(o, "merged_at") || get_bool(o, "merged")) r.state = "merged";
  if (const Json* base = get(o, "base"); base && base->IsObject()) set_private(r, repo, get(*base, "repo"));
  return Outcome::ok();
}

// What hangs under an issue or PR: the common part of comments and reviews.
Outcome map_child(const Json& o, const Hint& hint, Record& r, const char* kind, const char* what,
                  const char* label, std::initializer_list<const char*> number_keys) {
  Repo repo = object_repo(o, hint);
  if (auto bad = need_repo(repo, label); !bad.is_ok()) return bad;
  std::string id = get_id(o, "id");
  if (id.empty()) id = fragment_id(object_url(o));
  if (id.empty()) return Outcome::reject(std::string(label) + " without an id");
  std::string number = object_number(o, hint, number_keys);
  if (number.empty()) return Outcome::reject(std::string(label) + " " + id + " without the issue or pull request it belongs to");
  init_record(r, repo, kind, sub_id(repo, number, what, id));
  r.thread = item_id(repo, number);
  r.parent = r.thread;
  set_body(r, get_str(o, "body"));
  set_reactions(r, o);
  set_dates(r, o);
  r.url = object_url(o);
  set_author(r, rest_author(get(o, "user")));
  return Outcome::ok();
}

Outcome map_issue_comment(const Json& o, const Hint& hint, Record& r) {
  auto out = map_child(o, hint, r, "issue_comment", "comment", "comment", {"issue_url", "html_url"});
  if (out.is_ok()) set_edited(r);
  return out;
}

// A review with no text still says something: its verdict.
std::string verdict(std::string_view state) {
  std::string s = text::ascii_lower(state);
  if (s == "approved") return "Approved.";
  if (s == "changes_requested") return "Changes requested.";
  if (s == "dismissed") return "Dismissed.";
  if (s == "commented") return "Commented.";
  return {};
}

Outcome map_review(const Json& o, const Hint& hint, Record& r) {
  if (text::ascii_lower(get_str(o, "state")) == "pending") return Outcome::skip("pending review");
  auto out = map_child(o, hint, r, "review", "review", "review", {"pull_request_url", "html_url"});
  if (!out.is_ok()) return out;
  if (int64_t submitted = get_date(o, "submitted_at")) {
    r.date = submitted;
    if (r.updated < r.date) r.updated = r.date;
  }
  if (r.text.empty()) r.text = verdict(get_str(o, "state"));
  return out;
}

Outcome map_review_comment(const Json& o, const Hint& hint, Record& r) {
  auto out = map_child(o, hint, r, "review_comment", "review-comment", "review comment",
                       {"pull_request_url", "html_url"});
  if (!out.is_ok()) return out;
  Repo repo = object_repo(o, hint);
  std::string number = object_number(o, hint, {"pull_request_url", "html_url"});
  // The file the comment is on becomes its title, so title: and the result
  // list show it.
  r.title = std::string(get_str(o, "path"));
  std::string reply_to = get_id(o, "in_reply_to_id");
  std::string review = get_id(o, "pull_request_review_id");
  if (!reply_to.empty()) r.parent = sub_id(repo, number, "review-comment", reply_to);
  else if (!review.empty()) r.parent = sub_id(repo, number, "review", review);
  set_edited(r);
  return out;
}

Outcome map_commit_comment(const Json& o, const Hint& hint, Record& r) {
  Repo repo = object_repo(o, hint);
  if (auto bad = need_repo(repo, "commit comment"); !bad.is_ok()) return bad;
  std::string id = get_id(o, "id");
  if (id.empty()) id = fragment_id(object_url(o));
  std::string sha(get_str(o, "commit_id"));
  if (id.empty()) return Outcome::reject("commit comment without an id");
  if (sha.empty()) return Outcome::reject("commit comment " + id + " without a commit_id");
  init_record(r, repo, "commit_comment", commit_thread_id(repo, sha) + "/comment/" + id);
  r.thread = commit_thread_id(repo, sha);
  r.title = std::string(get_str(o, "path"));
  set_body(r, get_str(o, "body"));
  set_reactions(r, o);
  set_dates(r, o);
  set_edited(r);
  r.url = object_url(o);
  set_author(r, rest_author(get(o, "user")));
  return Outcome::ok();
}

Outcome map_release(const Json& o, const Hint& hint, Record& r) {
  Repo repo = object_repo(o, hint);
  if (auto bad = need_repo(repo, "release"); !bad.is_ok()) return bad;
  if (get_bool(o, "draft")) return Outcome::skip("draft release");
  std::string id = get_id(o, "id");
  if (id.empty()) id = std::string(get_str(o, "tag_name"));
  if (id.empty()) return Outcome::reject("release without an id or tag_name");
  init_record(r, repo, "release", release_id(repo, id));
  r.title = std::string(get_str(o, "name"));
  if (r.title.empty()) r.title = std::string(get_str(o, "tag_name"));
  set_body(r, get_str(o, "body"));
  set_reactions(r, o);
  set_dates(r, o, "published_at");
  if (r.updated < r.date) r.updated = r.date;
  r.url = object_url(o);
  set_author(r, rest_author(get(o, "author")));
  return Outcome::ok();
}

Outcome map_discussion(const Json& o, const Hint& hint, Record& r) {
  Repo repo;
  std::string number;
  if (auto bad = locate_numbered(o, hint, "discussion", repo, number); !bad.is_ok()) return bad;
  fill_item(o, repo, number, "discussion", r);
  auto state = text::ascii_lower(get_str(o, "state"));
  if (state == "open" || state == "closed") r.state = state;
  set_private(r, repo, get(o, "repository"));
  return Outcome::ok();
}

Outcome map_discussion_comment(const Json& o, const Hint& hint, Record& r) {
  auto out = map_child(o, hint, r, "discussion_comment", "comment", "discussion comment", {"html_url"});
  if (!out.is_ok()) return out;
  std::string parent = get_id(o, "parent_id");
  if (!parent.empty()) {
    Repo repo = object_repo(o, hint);
    r.parent = sub_id(repo, object_number(o, hint, {"html_url"}), "comment", parent);
  }
  set_edited(r);
  return out;
}

}  // namespace

Outcome map_rest(RestKind kind, const Json& o, const Hint& hint, Record& out) {
  switch (kind) {
    case RestKind::Issue: return map_issue(o, hint, out);
    case RestKind::Pull: return map_pull(o, hint, out);
    case RestKind::IssueComment: return map_issue_comment(o, hint, out);
    case RestKind::Review: return map_review(o, hint, out);
    case RestKind::ReviewComment: return map_review_comment(o, hint, out);
    case RestKind::CommitComment: return map_commit_comment(o, hint, out);
    case RestKind::Release: return map_release(o, hint, out);
    case RestKind::Discussion: return map_discussion(o, hint, out);
    case RestKind::DiscussionComment: return map_discussion_comment(o, hint, out);
    case RestKind::Other: return Outcome::skip(other_category(o));
    case RestKind::Repository: return Outcome::skip("repository");
    case RestKind::Event: return Outcome::skip("event");
    case RestKind::Unknown: break;
  }
  return Outcome::reject("not a GitHub object Lore knows");
}

void deliver(Outcome outcome, Record&& record, const Position& where, RecordSink& sink) {
  switch (outcome.status) {
    case Outcome::Status::Ok: sink.record(std::move(record)); break;
    case Outcome::Status::Skip: sink.skip(outcome.why); break;
    case Outcome::Status::Reject: sink.reject(where, outcome.why); break;
  }
}

void LatestRecords::keep(Record&& record, bool primary) {
  auto it = index_.find(record.id);
  if (it == index_.end()) {
    index_.emplace(record.id, records_.size());
    records_.push_back({std::move(record), primary});
    return;
  }
  Kept& old = records_[it->second];
  if (record.updated < old.record.updated) return;
  if (record.updated == old.record.updated && !primary && old.primary) return;
  // An issues-list copy of a PR cannot tell merged from closed; a copy of
  // the same moment that could, keeps its word.
  if (record.updated == old.record.updated && old.record.state == "merged" && record.state == "closed")
    record.state = "merged";
  old = {std::move(record), primary};
}

void LatestRecords::emit(RecordSink& sink) {
  for (auto& kept : records_) {
    Record& r = kept.record;
    Repo repo;
    auto slash = r.space.find('/');
    if (slash != std::string::npos) repo = {r.space.substr(0, slash), r.space.substr(slash + 1)};
    auto priv = private_.find(repo.key());
    if (priv != private_.end() && priv->second) r.principals = {"github:" + r.space};
    sink.record(std::move(r));
  }
  records_.clear();
  index_.clear();
}

}  // namespace lore::github
