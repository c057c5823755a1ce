#include "text/markdown.h"

#include <cmark.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "text/features.h"
#include "text/html.h"
#include "text/text_buffer.h"

namespace lore::text {

namespace {

using detail::TextBuffer;

struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

bool is_list_item_in_tight_list(cmark_node* n) {
  cmark_node* list = n != nullptr ? cmark_node_parent(n) : nullptr;
  return n != nullptr && cmark_node_get_type(n) == CMARK_NODE_ITEM && list != nullptr &&
         cmark_node_get_list_tight(list) != 0;
}

bool is_nested_list(cmark_node* list) {
  for (cmark_node* p = cmark_node_parent(list); p != nullptr; p = cmark_node_parent(p))
    if (cmark_node_get_type(p) == CMARK_NODE_ITEM) return true;
  return false;
}

bool is_br(std::string_view html) {
  if (html.size() < 4 || html[0] != '<') return false;
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
  if (lower(html[1]) != 'b' || lower(html[2]) != 'r') return false;
  char c = html[3];
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n';
}

std::string_view literal(cmark_node* n) {
  const char* s = cmark_node_get_literal(n);
  return s != nullptr ? std::string_view(s) : std::string_view();
}

// Walks cmark's tree (its iterator is not recursive) and writes the text a
// reader sees. Mentions and bare URLs are looked for afterwards in `prose_`,
// all the non-code text joined up, because cmark splits one run of text into
// several nodes wherever a character might have been markup ("@ana_b" can
// arrive as "@ana", "_b").
class Renderer {
 public:
  explicit Renderer(Extracted& out) : out_(out) {}

  void event(cmark_event_type ev, cmark_node* n) {
    bool enter = ev == CMARK_EVENT_ENTER;
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_PARAGRAPH:
        // Items of a tight list are lines, not paragraphs.
        buf_.block_break(is_list_item_in_tight_list(cmark_node_parent(n)) ? 1 : 2);
        prose_ += '\n';
        break;
      case CMARK_NODE_HEADING:
      case CMARK_NODE_BLOCK_QUOTE:
      case CMARK_NODE_THEMATIC_BREAK:
        buf_.block_break(2);
        prose_ += '\n';
        break;
      case CMARK_NODE_LIST:
        buf_.block_break(is_nested_list(n) ? 1 : 2);
        prose_ += '\n';
        break;
      case CMARK_NODE_ITEM:
        buf_.block_break(1);
        prose_ += '\n';
        break;
      case CMARK_NODE_CODE_BLOCK: {
        std::string_view code = literal(n);
        while (!code.empty() && code.back() == '\n') code.remove_suffix(1);
        buf_.block_break(2);
        buf_.verbatim(code);
        buf_.block_break(2);
        prose_ += '\n';
        out_.has_code = true;
        break;
      }
      case CMARK_NODE_HTML_BLOCK:
        buf_.block_break(2);
        html(literal(n));
        buf_.block_break(2);
        prose_ += '\n';
        break;
      case CMARK_NODE_HTML_INLINE:
        if (is_br(literal(n)))
          buf_.line_break();
        else
          html(literal(n));
        prose_ += ' ';
        break;
      case CMARK_NODE_TEXT:
        buf_.inline_text(literal(n));
        prose_ += literal(n);
        break;
      case CMARK_NODE_CODE:
        buf_.verbatim(literal(n));
        prose_ += ' ';
        out_.has_code = true;
        break;
      case CMARK_NODE_SOFTBREAK:
        buf_.space();
        prose_ += ' ';
        break;
      case CMARK_NODE_LINEBREAK:
        buf_.line_break();
        prose_ += '\n';
        break;
      case CMARK_NODE_LINK:
        if (enter) {
          const char* url = cmark_node_get_url(n);
          if (url != nullptr && detail::is_link_target(url)) links_.emplace_back(prose_.size(), url);
        }
        break;
      case CMARK_NODE_IMAGE:
        // The alt text comes as the image's children; the image's own URL is
        // not a link a reader follows, so it is not noted in links.
        if (enter) out_.has_image = true;
        buf_.space();
        break;
      default:  // document, emphasis, strong: no text of their own
        break;
    }
  }

  void finish() {
    out_.text = buf_.finish();
    detail::for_each_bare_link(prose_, [&](size_t at, std::string_view url) { links_.emplace_back(at, url); });
    // Link targets and bare URLs were found in two passes; put them back in
    // reading order.
    std::stable_sort(links_.begin(), links_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& link : links_) detail::add_once(out_.links, link.second);
    if (!out_.links.empty()) out_.has_link = true;
    for (auto& m : find_mentions(prose_)) detail::add_once(out_.mentions, m);
  }

 private:
  // Raw HTML in Markdown is rendered like any HTML; an inline fragment such
  // as "<b>" alone renders to nothing, which is right.
  void html(std::string_view fragment) {
    Extracted e = html_to_text(fragment);
    buf_.verbatim(e.text);
    for (const auto& l : e.links) links_.emplace_back(prose_.size(), l);
    out_.has_image = out_.has_image || e.has_image;
    out_.has_code = out_.has_code || e.has_code;
  }

  Extracted& out_;
  TextBuffer buf_;
  std::string prose_;
  std::vector<std::pair<size_t, std::string>> links_;
};

}  // namespace

Extracted markdown_to_text(std::string_view in) {
  Extracted out;
  if (in.empty()) return out;
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parse_document(in.data(), in.size(), CMARK_OPT_VALIDATE_UTF8));
  if (!doc) return out;
  std::unique_ptr<cmark_iter, IterDeleter> it(cmark_iter_new(doc.get()));
  Renderer r(out);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) r.event(ev, cmark_iter_get_node(it.get()));
  r.finish();
  return out;
}

}  // namespace lore::text
