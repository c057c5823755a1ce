#include "text/util.h"
#include "wordpress/wp_common.h"

#include <algorithm>
#include <cctype>

#include "dates.h"
#include "text/features.h"
#include "text/html.h"

namespace lore::wp {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (s.empty()) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

bool shortcode_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Shortcodes WordPress and Jetpack register that stand alone (no closing
// tag). An unknown bracketed word without attributes is more likely prose.
bool known_standalone(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "gallery", "caption", "embed", "audio", "video", "playlist", "wpvideo", "youtube", "vimeo",
      "soundcloud", "twitter", "tweet", "instagram", "googlemaps", "gist", "contact-form",
      "contact-field", "polldaddy", "crowdsignal", "slideshow", "archives", "sitemap", "latex",
      "dailymotion", "ted", "scribd", "spotify", "flickr", "facebook", "recipe", "wpcom_pdf",
      "portfolio", "testimonials", "recent-posts", "blip.tv", "more", "nextpage"};
  for (auto n : kNames)
    if (n == name) return true;
  return false;
}

// Tags differing only in case ("Markup" the category, "markup" the tag)
// are one topic to a reader; the first spelling is kept.
void add_tag(std::vector<std::string>& tags, const std::string& tag) {
  if (tag.empty()) return;
  auto same = [&](const std::string& t) {
    return t.size() == tag.size() && std::equal(t.begin(), t.end(), tag.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  };
  if (std::none_of(tags.begin(), tags.end(), same)) tags.push_back(tag);
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ', space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string host_of(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view s = url.substr(0, scheme);
  if (!(starts_with_ci(s, "http") && (s.size() == 4 || (s.size() == 5 && (s[4] == 's' || s[4] == 'S')))))
    return {};
  std::string_view rest = url.substr(scheme + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
    size_t close = authority.find(']');
    authority = authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1);
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    authority = authority.substr(0, colon);
  }
  return text::ascii_lower(std::string(authority));
}

std::string strip_block_comments(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    size_t open = html.find("<!--", i);
    if (open == std::string_view::npos) break;
    size_t p = open + 4;
    while (p < html.size() && (html[p] == ' ' || html[p] == '\n' || html[p] == '\t' || html[p] == '\r')) ++p;
    std::string_view after = html.substr(p);
    bool block = after.rfind("wp:", 0) == 0 || after.rfind("/wp:", 0) == 0 || after.rfind("more", 0) == 0 ||
                 after.rfind("nextpage", 0) == 0 || after.rfind("noteaser", 0) == 0;
    size_t close = html.find("-->", p);
    if (!block || close == std::string_view::npos) {
      out.append(html.substr(i, p - i));
      i = p;
      continue;
    }
    out.append(html.substr(i, open - i));
    i = close + 3;
  }
  out.append(html.substr(std::min(i, html.size())));
  return out;
}

std::string strip_shortcodes(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    size_t open = html.find('[', i);
    if (open == std::string_view::npos) break;
    out.append(html.substr(i, open - i));
    // "[[name]]" is WordPress's way of writing a shortcode literally.
    if (open + 1 < html.size() && html[open + 1] == '[') {
      size_t close = html.find("]]", open + 2);
      if (close != std::string_view::npos && close > open + 2 && shortcode_name_char(html[open + 2])) {
        out += '[';
        out.append(html.substr(open + 2, close - open - 2));
        out += ']';
        i = close + 2;
        continue;
      }
      out += '[';
      i = open + 1;
      continue;
    }
    size_t p = open + 1;
    while (p < html.size() && shortcode_name_char(html[p])) ++p;
    std::string_view name = html.substr(open + 1, p - open - 1);
    bool named = !name.empty() && std::isalpha(static_cast<unsigned char>(name.front()));
    bool boundary = p < html.size() && (html[p] == ']' || html[p] == ' ' || html[p] == '/' ||
                                        html[p] == '\t' || html[p] == '\n');
    size_t end = named && boundary ? html.find(']', p) : std::string_view::npos;
    size_t nested = html.find('[', p);
    if (end == std::string_view::npos || (nested != std::string_view::npos && nested < end)) {
      out += '[';
      i = open + 1;
      continue;
    }
    std::string_view attrs = html.substr(p, end - p);
    bool self_closing = !attrs.empty() && attrs.back() == '/';
    std::string closing = "[/" + std::string(name) + "]";
    size_t close = self_closing ? std::string_view::npos : html.find(closing, end + 1);
    if (close != std::string_view::npos) {
      // Enclosing: keep the content, which may hold shortcodes of its own.
      out += strip_shortcodes(html.substr(end + 1, close - end - 1));
      i = close + closing.size();
      continue;
    }
    if (self_closing || attrs.find('=') != std::string_view::npos || known_standalone(name)) {
      i = end + 1;
      continue;
    }
    out += '[';
    i = open + 1;
  }
  out.append(html.substr(std::min(i, html.size())));
  return out;
}

std::string inline_text(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) return collapse_spaces(html);
  return collapse_spaces(text::html_to_text(html).text);
}

int64_t wp_date(std::string_view gmt, std::string_view local) {
  auto usable = [](std::string_view s) {
    return !s.empty() && s.rfind("0000-00-00", 0) != 0;
  };
  if (usable(gmt))
    if (auto t = parse_iso8601(gmt)) return *t;
  if (usable(local))
    if (auto t = parse_iso8601(local)) return *t;
  return 0;
}

std::string Mapper::kind_for(std::string_view type) const {
  if (type == "post") return "post";
  if (type == "page") return "page";
  for (const auto& keep : options_.wp_keep_post_types)
    if (keep == type) return "post";
  return {};
}

bool Mapper::post_access(const WpPost& post, const std::string& host, std::vector<std::string>& principals,
                         std::string& category) const {
  principals.clear();
  if (post.status == "publish") {
    if (post.password_protected) principals.push_back("p2:" + host);
    return true;
  }
  if (post.status == "private") {
    principals.push_back("p2:" + host);
    return true;
  }
  category = "status:" + (post.status.empty() ? std::string("none") : post.status);
  return false;
}

namespace {

// The person fields every record of an author gets: display name, login,
// and the other names they go by, so that from: finds any of them.
void set_author(Record& r, const WpPerson& person, const std::string& fallback_name,
                const std::string& fallback_key) {
  r.author = !person.display_name.empty() ? person.display_name
             : !fallback_name.empty()     ? fallback_name
                                          : person.login;
  r.author_id = !person.login.empty() ? person.login : !fallback_key.empty() ? fallback_key : fallback_name;
  add_unique(r.author_aliases, person.login);
  add_unique(r.author_aliases, person.display_name);
  add_unique(r.author_aliases, fallback_name);
  std::string full = person.first_name;
  if (!person.last_name.empty()) full += (full.empty() ? "" : " ") + person.last_name;
  add_unique(r.author_aliases, full);
}

void render_body(Record& r) {
  std::string cleaned = strip_shortcodes(strip_block_comments(r.raw));
  text::Extracted extracted = text::html_to_text(cleaned);
  r.text = std::move(extracted.text);
  text::apply_features(extracted, r);
}

// The body's HTML to text now, or by the sink's writer (RecordSink::defers_work()):
// the HTML parser was half the reading thread's work, the whole of it on a re-import.
void set_body(Record& r, const std::string& html, bool defer) {
  r.raw = html;
  r.deferred = &render_body;
  if (!defer || html.empty()) r.finish();
}

bool comment_approved(std::string_view a) { return a == "1" || a == "approved"; }

// A comment proper, not a pingback or trackback.
bool plain_comment(const WpComment& c) { return c.type.empty() || c.type == "comment"; }

// The comments emit_comment() turns into records.
bool comment_emitted(const WpComment& c) {
  return plain_comment(c) && comment_approved(c.approved) && !c.id.empty();
}

}  // namespace

void Mapper::emit_comment(const WpComment& c, const std::string& host, const std::string& post_id,
                          const std::string& post_link, const std::vector<std::string>& principals) {
  if (!plain_comment(c)) {
    sink_.skip("comment:" + c.type);
    return;
  }
  if (!comment_approved(c.approved)) {
    std::string why = c.approved == "spam" || c.approved == "trash" ? c.approved : "unapproved";
    sink_.skip("comment:" + why);
    return;
  }
  if (c.id.empty()) {
    sink_.reject(c.where, "comment has no id");
    return;
  }
  Record r;
  const std::string post_rid = "p2:" + host + "/" + post_id;
  r.id = post_rid + "/comment/" + c.id;
  r.source = "p2";
  r.kind = "comment";
  r.space = host;
  r.thread = post_rid;
  r.parent = (c.parent.empty() || c.parent == "0") ? post_rid : post_rid + "/comment/" + c.parent;
  set_author(r, c.user, c.author_name, {});
  r.date = wp_date(c.date_gmt, c.date_local);
  if (!c.link.empty())
    r.url = c.link;
  else if (!post_link.empty())
    r.url = post_link + "#comment-" + c.id;
  r.principals = principals;
  set_body(r, c.content_html, sink_.defers_work());
  sink_.record(std::move(r));
}

void Mapper::emit_post(const WpPost& post, const std::string& host) {
  std::string kind = kind_for(post.type);
  if (kind.empty()) {
    sink_.skip("post_type:" + (post.type.empty() ? std::string("none") : post.type));
    for (size_t i = 0; i < post.comments.size(); ++i) sink_.skip("comment:post not indexed");
    return;
  }
  std::vector<std::string> principals;
  std::string why;
  if (!post_access(post, host, principals, why)) {
    sink_.skip(why);
    for (size_t i = 0; i < post.comments.size(); ++i) sink_.skip("comment:post not indexed");
    return;
  }
  Record r;
  r.id = "p2:" + host + "/" + post.id;
  r.source = "p2";
  r.kind = kind;
  r.space = host;
  r.title = inline_text(post.title_html);
  set_author(r, post.author, {}, post.author_key);
  r.date = wp_date(post.date_gmt, post.date_local);
  r.updated = wp_date(post.modified_gmt, post.modified_local);
  if (r.updated && r.updated < r.date) r.updated = 0;
  r.edited = r.updated > r.date && r.date != 0;
  r.url = post.link;
  for (const auto& term : post.terms) {
    if (term.taxonomy == "p2_resolved") {
      std::string s = text::ascii_lower(term.slug.empty() ? inline_text(term.name) : term.slug);
      if (s == "resolved" || s == "unresolved") r.state = s;
      continue;
    }
    // Only the two taxonomies people file posts under; post formats, menus
    // and plugin taxonomies (Co-Authors Plus "author", ...) are not topics.
    if (term.taxonomy == "category" || term.taxonomy == "post_tag" || term.taxonomy.empty())
      add_tag(r.tags, inline_text(term.name.empty() ? term.slug : term.name));
  }
  r.principals = principals;
  set_body(r, post.content_html.empty() ? post.excerpt_html : post.content_html, sink_.defers_work());
  // A post that comes with comments is a thread from the start (Record::answered).
  r.answered = std::any_of(post.comments.begin(), post.comments.end(), comment_emitted);
  std::string post_link = post.link;
  sink_.record(std::move(r));
  for (const auto& c : post.comments) emit_comment(c, host, post.id, post_link, principals);
}

}  // namespace lore::wp
