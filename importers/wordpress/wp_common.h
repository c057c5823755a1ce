// What the WXR and REST readers share: one neutral form of a WordPress post
// and its comments, and the single place that maps it to lore::Records, so
// that both formats give the same record for the same post.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "reader.h"
#include "record.h"

namespace lore::wp {

/// A term attached to a post: its taxonomy ("category", "post_tag", ...),
/// slug and display name (HTML entities possibly still encoded).
struct WpTerm {
  std::string taxonomy;
  std::string slug;
  std::string name;
};

/// A person as the export names them.
struct WpPerson {
  std::string login;         ///< WXR author_login, REST user slug
  std::string display_name;  ///< WXR author_display_name, REST user name
  std::string first_name;
  std::string last_name;
};

/// One comment as read from either format.
struct WpComment {
  std::string id;
  std::string parent;    ///< "0" or empty for a comment on the post itself
  std::string approved;  ///< WXR "1"/"0"/"spam"/"trash"; REST "approved"/"hold"/...
  std::string type;      ///< "", "comment", "pingback", "trackback", ...
  std::string author_name;
  WpPerson user;  ///< the registered user who wrote it, when known (login not empty)
  std::string date_gmt;
  std::string date_local;
  std::string content_html;
  std::string link;  ///< REST gives the comment's own permalink
  Position where;
};

/// One post, page or other post type as read from either format.
struct WpPost {
  std::string id;
  std::string type;    ///< "post", "page", "attachment", ...
  std::string status;  ///< "publish", "private", "draft", ...
  bool password_protected = false;
  std::string title_html;
  std::string link;
  std::string guid;
  std::string content_html;
  std::string excerpt_html;
  std::string date_gmt, date_local;
  std::string modified_gmt, modified_local;
  WpPerson author;        ///< login empty when unknown
  std::string author_key;  ///< fallback author id when no login is known (REST user id)
  std::vector<WpTerm> terms;
  std::vector<WpComment> comments;
  Position where;
};

/// The host name of an http(s) URL, lowercased, without user info or port;
/// empty when `url` is not one. "https://Example.com:8080/a" -> "example.com".
std::string host_of(std::string_view url);

/// Removes Gutenberg block delimiters (<!-- wp:... -->, <!-- /wp:... -->)
/// and the <!--more--> / <!--nextpage--> markers.
std::string strip_block_comments(std::string_view html);

/// Removes shortcodes: an enclosing one keeps what it encloses
/// ("[caption id=x]<img> A cat[/caption]" -> "<img> A cat"); a self-closing
/// one vanishes ("[gallery ids=\"1,2\"]" -> ""). Bracketed prose such as
/// "[citation needed]" or "[1]" is left alone.
std::string strip_shortcodes(std::string_view html);

/// HTML that names something (a title, a term) as one line of plain text:
/// tags dropped, entities decoded, whitespace collapsed.
std::string inline_text(std::string_view html);

/// Seconds since the epoch for a WordPress date: the GMT one, else the local
/// one (taken as UTC) when the GMT one is empty or "0000-00-00 00:00:00".
int64_t wp_date(std::string_view gmt, std::string_view local);

/// Maps posts and comments to Records and hands them to the sink, counting
/// what it leaves out. Shared by the WXR and REST readers.
class Mapper {
 public:
  Mapper(const ReaderOptions& options, RecordSink& sink) : options_(options), sink_(sink) {}

  /// Emits `post` and its comments. `host` is the site's host name (never
  /// empty: the caller rejects posts it cannot name).
  void emit_post(const WpPost& post, const std::string& host);

  /// Emits a comment read on its own (REST /comments), belonging to post
  /// `post_id` on `host` whose access is `principals`.
  void emit_comment(const WpComment& comment, const std::string& host, const std::string& post_id,
                    const std::string& post_link, const std::vector<std::string>& principals);

  /// True when `post` is indexed, with the principals it is restricted to
  /// (empty: public); false when it is not, with `category` saying why.
  bool post_access(const WpPost& post, const std::string& host, std::vector<std::string>& principals,
                   std::string& category) const;

  /// The kind a post type maps to, or empty when the type is not indexed.
  std::string kind_for(std::string_view type) const;

 private:
  const ReaderOptions& options_;
  RecordSink& sink_;
};

}  // namespace lore::wp
