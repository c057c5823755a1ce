// WordPress eXtended RSS (WXR 1.0-1.2), read as a stream with expat: each
// <item> is mapped and handed on when its </item> closes, so memory stays
// bounded by the largest item whatever the size of the export.
#include "wordpress/wxr_reader.h"

#include <expat.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <map>
#include <variant>

#include "errors.h"
#include "tree.h"
#include "wordpress/wp_common.h"
#include "wordpress/xml_clean.h"

namespace fs = std::filesystem;

namespace lore::wp {

namespace {

constexpr char kNsSeparator = ' ';  // URIs hold no spaces, so it cannot clash

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Expat reports "URI local"; the readers think in WXR's usual prefixes,
// whatever prefix a file binds. Export namespaces of every WXR version (and
// http or https) map to the same prefix.
std::string canonical_name(const XML_Char* raw) {
  std::string_view name(raw);
  size_t sep = name.rfind(kNsSeparator);
  if (sep == std::string_view::npos) return std::string(name);
  std::string_view uri = name.substr(0, sep), local = name.substr(sep + 1);
  std::string prefix = "other:";
  if (uri.find("wordpress.org/export/") != std::string_view::npos)
    prefix = uri.find("excerpt") != std::string_view::npos ? "excerpt:" : "wp:";
  else if (uri.find("purl.org/rss/1.0/modules/content") != std::string_view::npos)
    prefix = "content:";
  else if (uri.find("purl.org/dc/elements/1.1") != std::string_view::npos)
    prefix = "dc:";
  return prefix + std::string(local);
}

// The post id WordPress puts in a default permalink or guid
// ("https://host/?p=19", "?page_id=2", "&attachment_id=7"); empty if none.
std::string id_from_url(std::string_view url) {
  for (std::string_view key : {"p=", "page_id=", "attachment_id="}) {
    for (size_t at = url.find(key); at != std::string_view::npos; at = url.find(key, at + 1)) {
      if (at == 0 || (url[at - 1] != '?' && url[at - 1] != '&')) continue;
      size_t b = at + key.size(), e = b;
      while (e < url.size() && url[e] >= '0' && url[e] <= '9') ++e;
      if (e > b && (e == url.size() || url[e] == '&' || url[e] == '#')) return std::string(url.substr(b, e - b));
    }
  }
  return {};
}

// Records the parser made, held until expat returns: the sink may throw,
// and an exception must not unwind through expat's C frames.
class QueueSink : public RecordSink {
 public:
  struct Reject {
    Position where;
    std::string reason;
  };
  struct Skip {
    std::string category;
  };
  using Event = std::variant<Record, Reject, Skip>;

  void record(Record&& r) override { events_.emplace_back(std::move(r)); }
  void reject(const Position& where, std::string_view reason) override {
    events_.emplace_back(Reject{where, std::string(reason)});
  }
  void skip(std::string_view category) override { events_.emplace_back(Skip{std::string(category)}); }
  // As the sink the records are for.
  bool defers_work() const override { return defers_; }
  void set_defers(bool defers) { defers_ = defers; }

  void flush(RecordSink& to) {
    for (auto& e : events_) {
      if (auto* r = std::get_if<Record>(&e))
        to.record(std::move(*r));
      else if (auto* j = std::get_if<Reject>(&e))
        to.reject(j->where, j->reason);
      else
        to.skip(std::get<Skip>(e).category);
    }
    events_.clear();
  }

 private:
  std::vector<Event> events_;
  bool defers_ = false;
};

// Why the parse was stopped from inside a handler.
enum class Stop { None, NotWxr, Doctype, Version, Failed };

class WxrParser {
 public:
  WxrParser(std::string display, std::string fallback_host, const ReaderOptions& options)
      : display_(std::move(display)), fallback_host_(std::move(fallback_host)), options_(options),
        mapper_(options_, queue_) {
    parser_ = XML_ParserCreateNS("UTF-8", kNsSeparator);
    if (!parser_) throw Error(Error::Code::Internal, "cannot create an XML parser");
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &WxrParser::on_start, &WxrParser::on_end);
    XML_SetCharacterDataHandler(parser_, &WxrParser::on_text);
    XML_SetStartDoctypeDeclHandler(parser_, &WxrParser::on_doctype);
  }
  ~WxrParser() { XML_ParserFree(parser_); }
  WxrParser(const WxrParser&) = delete;
  WxrParser& operator=(const WxrParser&) = delete;

  /// Parses what `read` yields (0 at the end) and streams the records.
  void run(const std::function<size_t(char*, size_t)>& read, RecordSink& sink) {
    queue_.set_defers(sink.defers_work());
    XmlCleaner cleaner;
    std::vector<char> raw(1 << 16);
    std::string clean;
    for (;;) {
      size_t n = read(raw.data(), raw.size());
      bool final = n == 0;
      clean.clear();
      cleaner.feed(std::string_view(raw.data(), n), final, clean);
      XML_Status status = XML_Parse(parser_, clean.data(), static_cast<int>(clean.size()), final);
      queue_.flush(sink);
      if (failure_) std::rethrow_exception(failure_);
      if (status != XML_STATUS_OK) {
        report_stop(sink);
        return;
      }
      if (final) break;
    }
    if (!root_seen_) throw Error(Error::Code::Input, display_ + ": empty, expected a WordPress export (WXR)");
    if (!version_seen_) missing_version(here_end(), sink);
  }

 private:
  Position pos_now() const {
    return Position{display_, XML_GetCurrentLineNumber(parser_), XML_GetCurrentColumnNumber(parser_) + 1, {}};
  }
  Position here_end() const { return pos_now(); }

  void stop(Stop why, Position where, std::string message) {
    stop_ = why;
    stop_where_ = std::move(where);
    stop_message_ = std::move(message);
    XML_StopParser(parser_, XML_FALSE);
  }

  void missing_version(const Position& where, RecordSink& sink) {
    sink.reject(where,
                "no <wp:wxr_version> before this point: not an export WordPress wrote "
                "(it always names version 1.0, 1.1 or 1.2); file refused");
  }

  void report_stop(RecordSink& sink) {
    switch (stop_) {
      case Stop::NotWxr:
        throw Error(Error::Code::Input, display_ + ": " + stop_message_);
      case Stop::Doctype:
      case Stop::Version:
        sink.reject(stop_where_, stop_message_);
        return;
      case Stop::Failed:
      case Stop::None:
        break;
    }
    XML_Error code = XML_GetErrorCode(parser_);
    Position where = pos_now();
    if (!root_seen_)
      throw Error(Error::Code::Input, where.str() + ": not XML (" + XML_ErrorString(code) +
                                          "), expected a WordPress export (WXR)");
    std::string reason = std::string("XML is not well-formed: ") + XML_ErrorString(code);
    if (in_item_)
      reason += "; the item opened at line " + std::to_string(item_.where.line) +
                " and everything after it are lost, " + std::to_string(items_done_) + " items before it kept";
    else
      reason += "; everything after it is lost, " + std::to_string(items_done_) + " items before it kept";
    sink.reject(where, reason);
  }

  static void XMLCALL on_doctype(void* ud, const XML_Char* name, const XML_Char*, const XML_Char*, int) {
    auto* self = static_cast<WxrParser*>(ud);
    self->stop(Stop::Doctype, self->pos_now(),
               std::string("document type declaration <!DOCTYPE ") + (name ? name : "") +
                   "> refused: WordPress exports have none, and its entities could expand without bound; "
                   "file refused");
  }

  static void XMLCALL on_start(void* ud, const XML_Char* name, const XML_Char** atts) {
    auto* self = static_cast<WxrParser*>(ud);
    try {
      self->start(canonical_name(name), atts);
    } catch (...) {
      self->failure_ = std::current_exception();
      self->stop(Stop::Failed, {}, {});
    }
  }

  static void XMLCALL on_end(void* ud, const XML_Char* name) {
    auto* self = static_cast<WxrParser*>(ud);
    try {
      self->end(canonical_name(name));
    } catch (...) {
      self->failure_ = std::current_exception();
      self->stop(Stop::Failed, {}, {});
    }
  }

  static void XMLCALL on_text(void* ud, const XML_Char* s, int len) {
    auto* self = static_cast<WxrParser*>(ud);
    const uint64_t cap = self->options_.limits.max_record_bytes;
    if (self->in_item_) {
      // The cap is on the whole item (comments included), which is what
      // stays in memory until </item>.
      self->item_bytes_ += len;
      if (self->item_bytes_ > cap) self->oversized_ = true;
      if (self->oversized_) return;
    } else if (self->text_.size() + len > cap) {
      return;
    }
    self->text_.append(s, len);
  }

  void start(const std::string& name, const XML_Char** atts) {
    ++depth_;
    text_.clear();
    if (depth_ == 1) {
      root_seen_ = true;
      if (name != "rss")
        stop(Stop::NotWxr, pos_now(),
             "root element <" + name + "> is not <rss>: expected a WordPress export (WXR)");
      return;
    }
    if (depth_ == 3 && name == "item") {
      if (!version_seen_) {
        Position where = pos_now();
        stop(Stop::Version, where,
             "no <wp:wxr_version> before the first item: not an export WordPress wrote "
             "(it always names version 1.0, 1.1 or 1.2); file refused");
        return;
      }
      in_item_ = true;
      item_ = WpPost{};
      item_.where = pos_now();
      oversized_ = false;
      item_bytes_ = 0;
      return;
    }
    if (depth_ == 3 && name == "wp:author") {
      in_author_ = true;
      author_ = {};
      author_numeric_id_.clear();
      return;
    }
    if (depth_ == 3 && name == "wp:wxr_version") {
      version_where_ = pos_now();
      return;
    }
    if (in_item_ && depth_ == 4 && name == "wp:comment") {
      in_comment_ = true;
      comment_ = WpComment{};
      comment_user_id_.clear();
      comment_.where = pos_now();
      return;
    }
    if (in_item_ && depth_ == 4 && name == "category") {
      term_ = WpTerm{};
      for (size_t i = 0; atts[i]; i += 2) {
        std::string_view key = atts[i];
        if (key == "domain") term_.taxonomy = atts[i + 1];
        if (key == "nicename") term_.slug = atts[i + 1];
      }
    }
  }

  void end(const std::string& name) {
    int depth = depth_--;
    std::string text = std::move(text_);
    text_.clear();
    if (in_comment_ && depth == 5) return comment_field(name, text);
    if (in_comment_ && depth == 4 && name == "wp:comment") {
      in_comment_ = false;
      if (comment_user_id_ != "" && comment_user_id_ != "0") {
        auto it = authors_by_id_.find(comment_user_id_);
        if (it != authors_by_id_.end()) comment_.user = it->second;
      }
      if (!oversized_) item_.comments.push_back(std::move(comment_));
      return;
    }
    if (in_item_ && depth == 4) return item_field(name, text);
    if (in_item_ && depth == 3 && name == "item") {
      in_item_ = false;
      finish_item();
      return;
    }
    if (in_author_ && depth == 4) {
      if (name == "wp:author_login") author_.login = trim(text);
      if (name == "wp:author_display_name") author_.display_name = trim(text);
      if (name == "wp:author_first_name") author_.first_name = trim(text);
      if (name == "wp:author_last_name") author_.last_name = trim(text);
      if (name == "wp:author_id") author_numeric_id_ = trim(text);
      return;
    }
    if (in_author_ && depth == 3 && name == "wp:author") {
      in_author_ = false;
      if (!author_numeric_id_.empty()) authors_by_id_[author_numeric_id_] = author_;
      if (!author_.login.empty()) authors_by_login_[author_.login] = author_;
      return;
    }
    if (depth == 3) channel_field(name, text);
  }

  void channel_field(const std::string& name, const std::string& text) {
    if (name == "link" && channel_link_.empty()) channel_link_ = trim(text);
    if (name == "wp:base_blog_url" && base_blog_url_.empty()) base_blog_url_ = trim(text);
    if (name == "wp:wxr_version") {
      std::string v = trim(text);
      if (v != "1.0" && v != "1.1" && v != "1.2") {
        stop(Stop::Version, version_where_,
             "unsupported WXR version '" + v + "' (expected 1.0, 1.1 or 1.2); file refused");
        return;
      }
      version_seen_ = true;
    }
  }

  void item_field(const std::string& name, std::string& text) {
    if (name == "title") item_.title_html = trim(text);
    else if (name == "link") item_.link = trim(text);
    else if (name == "guid") item_.guid = trim(text);
    else if (name == "content:encoded") item_.content_html = std::move(text);
    else if (name == "excerpt:encoded") item_.excerpt_html = std::move(text);
    else if (name == "dc:creator") creator_ = trim(text);
    else if (name == "wp:post_id") {
      // A second post_id (another prefix bound to the export namespace)
      // does not override the first.
      if (item_.id.empty()) item_.id = trim(text);
    } else if (name == "wp:post_date") item_.date_local = trim(text);
    else if (name == "wp:post_date_gmt") item_.date_gmt = trim(text);
    else if (name == "wp:post_modified") item_.modified_local = trim(text);
    else if (name == "wp:post_modified_gmt") item_.modified_gmt = trim(text);
    else if (name == "wp:status") item_.status = trim(text);
    else if (name == "wp:post_type") item_.type = trim(text);
    else if (name == "wp:post_password") item_.password_protected = !trim(text).empty();
    else if (name == "category") {
      term_.name = trim(text);
      item_.terms.push_back(std::move(term_));
      term_ = WpTerm{};
    }
  }

  void comment_field(const std::string& name, std::string& text) {
    if (name == "wp:comment_id") comment_.id = trim(text);
    else if (name == "wp:comment_author") comment_.author_name = trim(text);
    else if (name == "wp:comment_date") comment_.date_local = trim(text);
    else if (name == "wp:comment_date_gmt") comment_.date_gmt = trim(text);
    else if (name == "wp:comment_content") comment_.content_html = std::move(text);
    else if (name == "wp:comment_approved") comment_.approved = trim(text);
    else if (name == "wp:comment_type") comment_.type = trim(text);
    else if (name == "wp:comment_parent") comment_.parent = trim(text);
    else if (name == "wp:comment_user_id") comment_user_id_ = trim(text);
  }

  // The site's host: the channel's address, else the item's own, else the
  // name of the file (an export with no address at all, as test fixtures are).
  std::string host_for(const WpPost& post) const {
    for (const std::string* url : {&channel_link_, &base_blog_url_, &post.link, &post.guid}) {
      std::string h = host_of(*url);
      if (!h.empty()) return h;
    }
    return fallback_host_;
  }

  void finish_item() {
    ++items_done_;
    std::string creator = std::move(creator_);
    creator_.clear();
    if (oversized_) {
      queue_.reject(item_.where, "item is larger than the cap of " +
                                     std::to_string(options_.limits.max_record_bytes) + " bytes");
      return;
    }
    // Hand-made exports may leave out <wp:post_id>; WordPress's own guid
    // ("?p=19") still carries it.
    if (item_.id.empty()) item_.id = id_from_url(item_.guid);
    if (item_.id.empty()) item_.id = id_from_url(item_.link);
    if (!all_digits(item_.id)) {
      queue_.reject(item_.where, item_.id.empty() ? "item has no <wp:post_id>, and its guid and link name no ?p= id"
                                                  : "item's <wp:post_id> '" + item_.id + "' is not a number");
      return;
    }
    if (!creator.empty()) {
      auto it = authors_by_login_.find(creator);
      if (it != authors_by_login_.end())
        item_.author = it->second;
      else
        item_.author.login = creator;
    }
    mapper_.emit_post(item_, host_for(item_));
  }

  std::string display_;
  std::string fallback_host_;
  const ReaderOptions& options_;
  QueueSink queue_;
  Mapper mapper_;
  XML_Parser parser_ = nullptr;

  std::exception_ptr failure_;
  Stop stop_ = Stop::None;
  Position stop_where_;
  std::string stop_message_;

  int depth_ = 0;
  bool root_seen_ = false;
  bool version_seen_ = false;
  Position version_where_;
  std::string text_;
  bool oversized_ = false;
  uint64_t item_bytes_ = 0;
  std::string channel_link_, base_blog_url_;

  std::map<std::string, WpPerson> authors_by_login_, authors_by_id_;
  bool in_author_ = false;
  WpPerson author_;
  std::string author_numeric_id_;

  bool in_item_ = false;
  WpPost item_;
  std::string creator_;
  WpTerm term_;
  uint64_t items_done_ = 0;

  bool in_comment_ = false;
  WpComment comment_;
  std::string comment_user_id_;
};

// The file name without ".gz" and ".xml", lowercased: the stand-in host for
// an export that names no address.
std::string stem_host(const fs::path& path) {
  std::string name = path.filename().string();
  for (std::string_view ext : {".gz", ".xml"})
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      name.resize(name.size() - ext.size());
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::string_view WxrReader::format() const { return "wxr"; }

std::string_view WxrReader::description() const {
  return "WordPress / P2 export (WXR 1.0-1.2, .xml or .xml.gz)";
}

int WxrReader::sniff(const fs::path& path) const {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return 0;
  std::string head = read_head(path, 16 << 10);
  if (head.find("<rss") == std::string::npos) return 0;
  if (head.find("wordpress.org/export/") != std::string::npos) return 95;
  if (head.find("<wp:") != std::string::npos) return 70;
  return 0;
}

void WxrReader::read(const fs::path& path, const ReaderOptions& options, RecordSink& sink) {
  // The stream is parsed in constant memory, so the whole-file cap does not
  // apply; the total cap still bounds what a compressed file may unpack to.
  ByteStream in(path, options.limits.max_total_bytes);
  WxrParser parser(path.string(), stem_host(path), options);
  parser.run([&](char* buf, size_t size) { return in.read(buf, size); }, sink);
}

}  // namespace lore::wp
