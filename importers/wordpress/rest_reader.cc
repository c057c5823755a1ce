// Saved WordPress REST API responses. Files are recognised by what their
// objects hold, not by their names, so any folder layout works; users and
// terms found anywhere resolve the author and term ids of posts.
#include "wordpress/rest_reader.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <map>
#include <set>

#include "errors.h"
#include "tree.h"
#include "wordpress/wp_common.h"

namespace fs = std::filesystem;

namespace lore::wp {

namespace {

using Value = rapidjson::Value;

std::string str(const Value& o, const char* key) {
  if (!o.IsObject()) return {};
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return {};
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsUint64()) return std::to_string(it->value.GetUint64());
  return {};
}

// REST wraps rendered fields: "title": {"rendered": "..."}; older or edited
// dumps sometimes hold the plain string.
std::string rendered(const Value& o, const char* key) {
  if (!o.IsObject()) return {};
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return {};
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsObject()) return str(it->value, "rendered");
  return {};
}

bool has(const Value& o, const char* key) { return o.IsObject() && o.HasMember(key); }

bool protected_content(const Value& o) {
  if (!has(o, "content") || !o["content"].IsObject()) return false;
  auto it = o["content"].FindMember("protected");
  return it != o["content"].MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

std::vector<std::string> id_list(const Value& o, const char* key) {
  std::vector<std::string> out;
  if (!has(o, key) || !o[key].IsArray()) return out;
  for (const auto& v : o[key].GetArray()) {
    if (v.IsInt64()) out.push_back(std::to_string(v.GetInt64()));
    else if (v.IsString()) out.push_back(v.GetString());
  }
  return out;
}

enum class Shape { Post, Comment, User, Term, ErrorResponse, Unknown };

Shape shape_of(const Value& o) {
  if (!o.IsObject()) return Shape::Unknown;
  if (has(o, "taxonomy") && has(o, "id")) return Shape::Term;
  if (has(o, "post") && has(o, "content") && (has(o, "author_name") || !has(o, "title"))) return Shape::Comment;
  if (has(o, "content") || has(o, "title") || (has(o, "type") && has(o, "link"))) return Shape::Post;
  if (has(o, "code") && has(o, "message")) return Shape::ErrorResponse;
  if (has(o, "name") && has(o, "slug") && has(o, "id")) return Shape::User;
  return Shape::Unknown;
}

struct StoredComment {
  WpComment comment;
  std::string post_id;
  std::string host;  ///< from the comment's own link, when it has one
};

struct StoredPost {
  WpPost post;
  std::string author_id;  ///< REST user id, resolved once every file is read
  std::vector<std::string> category_ids, tag_ids;
  std::map<std::string, WpTerm> embedded_terms;
  std::string host;
};

class RestImport {
 public:
  RestImport(const ReaderOptions& options, RecordSink& sink) : options_(options), sink_(sink) {}

  void add_file(const std::string& display, const std::string& content) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseStopWhenDoneFlag>(content.data(), content.size());
    if (doc.HasParseError()) {
      auto [line, column] = line_column(content, doc.GetErrorOffset());
      sink_.reject(Position{display, line, column, {}},
                   std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
      return;
    }
    if (doc.IsArray()) {
      size_t n = 0;
      for (const auto& v : doc.GetArray()) add_object(v, Position{display, 0, 0, "item " + std::to_string(++n)});
    } else if (doc.IsObject()) {
      add_object(doc, Position{display, 0, 0, {}});
    } else {
      sink_.reject(Position{display, 1, 1, {}}, "expected a REST response (a JSON object or array)");
    }
  }

  void finish() {
    Mapper mapper(options_, sink_);
    for (auto& [index, user] : comment_users_) {
      auto it = users_.find(user);
      if (it != users_.end()) comments_[index].comment.user = it->second;
    }
    std::set<std::string> emitted;
    // Access per post, for comments dumped apart from their posts.
    struct Access {
      bool indexed;
      std::vector<std::string> principals;
      std::string link;
    };
    std::map<std::pair<std::string, std::string>, Access> access;  // (host, id)
    std::map<std::string, std::string> host_by_post;
    for (auto& sp : posts_) {
      WpPost& p = sp.post;
      resolve_author(sp);
      for (const auto& id : sp.category_ids) add_term(sp, id, "category");
      for (const auto& id : sp.tag_ids) add_term(sp, id, "post_tag");
      std::string rid = "p2:" + sp.host + "/" + p.id;
      if (!emitted.insert(rid).second) {
        // The same post saved twice (a collection and its single-post file).
        sink_.skip("duplicate");
        continue;
      }
      Access a;
      std::string why;
      a.indexed = !mapper.kind_for(p.type).empty() && mapper.post_access(p, sp.host, a.principals, why);
      a.link = p.link;
      access[{sp.host, p.id}] = a;
      host_by_post.emplace(p.id, sp.host);
      mapper.emit_post(p, sp.host);
    }
    for (auto& sc : comments_) {
      std::string host = sc.host;
      if (host.empty()) {
        auto it = host_by_post.find(sc.post_id);
        if (it != host_by_post.end()) host = it->second;
      }
      if (host.empty()) {
        sink_.reject(sc.comment.where, "comment has no link naming the site, and its post is not in the dump");
        continue;
      }
      std::string rid = "p2:" + host + "/" + sc.post_id + "/comment/" + sc.comment.id;
      if (!emitted.insert(rid).second) {
        sink_.skip("duplicate");
        continue;
      }
      auto it = access.find({host, sc.post_id});
      if (it != access.end() && !it->second.indexed) {
        sink_.skip("comment:post not indexed");
        continue;
      }
      static const std::vector<std::string> kPublic;
      const auto& principals = it != access.end() ? it->second.principals : kPublic;
      std::string post_link = it != access.end() ? it->second.link : std::string();
      mapper.emit_comment(sc.comment, host, sc.post_id, post_link, principals);
    }
  }

 private:
  void add_object(const Value& o, const Position& where) {
    switch (shape_of(o)) {
      case Shape::Post:
        return add_post(o, where);
      case Shape::Comment:
        return add_comment(o, where);
      case Shape::User: {
        WpPerson p;
        p.login = str(o, "slug");
        p.display_name = inline_text(str(o, "name"));
        users_[str(o, "id")] = p;
        return;
      }
      case Shape::Term: {
        WpTerm t{str(o, "taxonomy"), str(o, "slug"), str(o, "name")};
        terms_[str(o, "id")] = t;
        return;
      }
      case Shape::ErrorResponse:
        sink_.reject(where, "a saved REST error response: " + str(o, "code") + ": " + str(o, "message"));
        return;
      case Shape::Unknown:
        sink_.reject(where, "not a WordPress REST object (post, page, comment, user or term)");
        return;
    }
  }

  void add_post(const Value& o, const Position& where) {
    StoredPost sp;
    WpPost& p = sp.post;
    p.where = where;
    p.id = str(o, "id");
    if (p.id.empty()) {
      sink_.reject(where, "post has no \"id\"");
      return;
    }
    p.type = has(o, "type") ? str(o, "type") : "post";
    // Unauthenticated REST responses only ever hold published content.
    p.status = has(o, "status") ? str(o, "status") : "publish";
    p.password_protected = protected_content(o);
    p.link = str(o, "link");
    p.guid = rendered(o, "guid");
    p.title_html = rendered(o, "title");
    p.content_html = rendered(o, "content");
    p.excerpt_html = rendered(o, "excerpt");
    p.date_gmt = str(o, "date_gmt");
    p.date_local = str(o, "date");
    p.modified_gmt = str(o, "modified_gmt");
    p.modified_local = str(o, "modified");
    sp.host = host_of(p.link);
    if (sp.host.empty()) sp.host = host_of(p.guid);
    if (sp.host.empty()) {
      sink_.reject(where, "post " + p.id + " has no \"link\" or \"guid\" naming the site");
      return;
    }
    sp.author_id = str(o, "author");
    sp.category_ids = id_list(o, "categories");
    sp.tag_ids = id_list(o, "tags");
    if (has(o, "_embedded") && o["_embedded"].IsObject()) {
      const Value& e = o["_embedded"];
      if (has(e, "author") && e["author"].IsArray())
        for (const auto& a : e["author"].GetArray())
          if (str(a, "id") == sp.author_id && has(a, "name")) {
            p.author.login = str(a, "slug");
            p.author.display_name = inline_text(str(a, "name"));
          }
      if (has(e, "wp:term") && e["wp:term"].IsArray())
        for (const auto& group : e["wp:term"].GetArray())
          if (group.IsArray())
            for (const auto& t : group.GetArray())
              sp.embedded_terms[str(t, "id")] = WpTerm{str(t, "taxonomy"), str(t, "slug"), str(t, "name")};
    }
    posts_.push_back(std::move(sp));
  }

  void add_comment(const Value& o, const Position& where) {
    StoredComment sc;
    WpComment& c = sc.comment;
    c.where = where;
    c.id = str(o, "id");
    sc.post_id = str(o, "post");
    if (c.id.empty() || sc.post_id.empty()) {
      sink_.reject(where, "comment has no \"id\" or \"post\"");
      return;
    }
    c.parent = str(o, "parent");
    c.approved = has(o, "status") ? str(o, "status") : "approved";
    c.type = str(o, "type");
    c.author_name = inline_text(str(o, "author_name"));
    c.date_gmt = str(o, "date_gmt");
    c.date_local = str(o, "date");
    c.content_html = rendered(o, "content");
    c.link = str(o, "link");
    sc.host = host_of(c.link);
    std::string user = str(o, "author");
    if (!user.empty() && user != "0") comment_users_.emplace_back(comments_.size(), user);
    comments_.push_back(std::move(sc));
  }

  void resolve_author(StoredPost& sp) {
    WpPerson& a = sp.post.author;
    if (a.login.empty()) {
      auto it = users_.find(sp.author_id);
      if (it != users_.end()) a = it->second;
    }
    // No name for the user: its REST id is still a stable key.
    if (a.login.empty() && !sp.author_id.empty() && sp.author_id != "0") sp.post.author_key = sp.author_id;
  }

  void add_term(StoredPost& sp, const std::string& id, const char* taxonomy) {
    auto it = sp.embedded_terms.find(id);
    if (it == sp.embedded_terms.end()) {
      it = terms_.find(id);
      if (it == terms_.end()) return;  // an id alone names nothing a person would search for
    }
    WpTerm t = it->second;
    if (t.taxonomy.empty()) t.taxonomy = taxonomy;
    sp.post.terms.push_back(std::move(t));
  }

  const ReaderOptions& options_;
  RecordSink& sink_;
  std::vector<StoredPost> posts_;
  std::vector<StoredComment> comments_;
  std::vector<std::pair<size_t, std::string>> comment_users_;
  std::map<std::string, WpPerson> users_;
  std::map<std::string, WpTerm> terms_;
};

bool json_name(std::string_view name) {
  return name.size() > 5 && name.substr(name.size() - 5) == ".json";
}

// Markers only WordPress REST objects carry, looked for in a file's head.
int sniff_text(std::string_view head) {
  size_t start = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (start == std::string_view::npos || (head[start] != '[' && head[start] != '{')) return 0;
  bool rendered = head.find("\"rendered\"") != std::string_view::npos;
  if (rendered && (head.find("\"guid\"") != std::string_view::npos ||
                   head.find("\"content\"") != std::string_view::npos))
    return 90;
  if (head.find("\"avatar_urls\"") != std::string_view::npos) return 60;
  if (head.find("\"taxonomy\"") != std::string_view::npos && head.find("\"_links\"") != std::string_view::npos)
    return 60;
  return 0;
}

std::string file_head(const fs::path& path, size_t size) {
  std::ifstream in(path, std::ios::binary);
  std::string out(size, '\0');
  in.read(out.data(), static_cast<std::streamsize>(size));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

}  // namespace

std::string_view WpRestReader::format() const { return "wp-rest"; }

std::string_view WpRestReader::description() const {
  return "WordPress REST API dump (/wp-json/wp/v2/ posts, pages, comments, users, terms as .json, a folder or archive)";
}

int WpRestReader::sniff(const fs::path& path) const {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    int best = 0, looked = 0;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file() || !json_name(it->path().filename().string())) continue;
      best = std::max(best, sniff_text(file_head(it->path(), 64 << 10)));
      if (best >= 90 || ++looked >= 20) break;
    }
    return best >= 90 ? 85 : best / 2;
  }
  if (!fs::is_regular_file(path, ec)) return 0;
  if (Tree::is_archive(path)) {
    try {
      auto tree = Tree::open(path, Limits{});
      if (!tree) return 0;
      for (const auto& name : tree->names())
        if (json_name(name) && name.find("wp/v2/") != std::string::npos) return 80;
    } catch (const Error&) {
    }
    return 0;
  }
  return sniff_text(file_head(path, 64 << 10));
}

void WpRestReader::read(const fs::path& path, const ReaderOptions& options, RecordSink& sink) {
  RestImport import(options, sink);
  auto tree = Tree::open(path, options.limits);
  if (!tree) {
    std::string content = read_whole_file(path, options.limits.max_file_bytes);
    if (sniff_text(std::string_view(content).substr(0, 64 << 10)) == 0)
      throw Error(Error::Code::Input, path.string() + ": not a WordPress REST response "
                                                      "(expected saved /wp-json/wp/v2/ JSON)");
    import.add_file(path.string(), content);
  } else {
    size_t files = 0;
    tree->each([](std::string_view name) { return json_name(name); },
               [&](const std::string& name, std::string&& content) {
                 ++files;
                 import.add_file(tree->display(name), content);
               },
               [&](const std::string& name, uint64_t size) {
                 sink.reject(Position{tree->display(name), 0, 0, {}},
                             "file of " + std::to_string(size) + " bytes is over the cap");
               });
    for (const auto& [name, why] : tree->refused()) sink.reject(Position{tree->display(name), 0, 0, {}}, why);
    if (files == 0)
      throw Error(Error::Code::Input, path.string() + ": holds no .json files (expected a WordPress REST dump)");
  }
  import.finish();
}

}  // namespace lore::wp
