#include "text/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <cstring>
#include <mutex>

#include "text/text_buffer.h"

namespace lore::text {

namespace {

using detail::TextBuffer;

// How an element shapes the text around it.
enum class Layout { Inline, Line, Paragraph, List, Cell, Skip };

bool name_is(const xmlNode* n, const char* name) {
  return n->name != nullptr && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

Layout layout_of(const xmlNode* n) {
  // libxml2's HTML parser lower-cases element names, so plain compares do.
  static const char* const skip[] = {"script", "style", "noscript", "template", "head", "title"};
  static const char* const paragraph[] = {"p",     "h1",  "h2",     "h3", "h4",      "h5",      "h6",
                                          "table", "pre", "figure", "hr", "address", "fieldset", "blockquote",
                                          "dl"};
  static const char* const line[] = {"div",    "section", "article", "li",   "tr",      "dt",      "dd",
                                     "header", "footer",  "nav",     "aside", "form",   "figcaption", "main",
                                     "details", "summary", "caption", "center", "option", "legend"};
  for (const char* s : skip)
    if (name_is(n, s)) return Layout::Skip;
  for (const char* s : paragraph)
    if (name_is(n, s)) return Layout::Paragraph;
  for (const char* s : line)
    if (name_is(n, s)) return Layout::Line;
  if (name_is(n, "ul") || name_is(n, "ol")) return Layout::List;
  if (name_is(n, "td") || name_is(n, "th")) return Layout::Cell;
  return Layout::Inline;
}

const char* attribute(const xmlNode* n, const char* name) {
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (a->name == nullptr || std::strcmp(reinterpret_cast<const char*>(a->name), name) != 0) continue;
    // HTML attributes hold a single text child once parsed.
    if (a->children != nullptr && a->children->content != nullptr)
      return reinterpret_cast<const char*>(a->children->content);
    return "";
  }
  return nullptr;
}

// The tree is walked with parent/sibling pointers rather than recursion so
// that a deeply nested document cannot exhaust the stack.
class Renderer {
 public:
  explicit Renderer(Extracted& out) : out_(out) {}

  void walk(xmlNode* first) {
    xmlNode* n = first;
    while (n != nullptr) {
      bool descend = enter(n);
      if (descend && n->children != nullptr) {
        n = n->children;
        continue;
      }
      // Leave this node and every ancestor whose children are all done.
      while (n != nullptr) {
        leave(n, descend);
        descend = true;  // ancestors were entered with their children
        if (n->next != nullptr) {
          n = n->next;
          break;
        }
        n = n->parent;
        if (n == nullptr || n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
          n = nullptr;
          break;
        }
      }
    }
  }

  std::string finish() { return buf_.finish(); }

 private:
  // Returns whether the node's children are to be visited.
  bool enter(xmlNode* n) {
    switch (n->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        text(n->content != nullptr ? reinterpret_cast<const char*>(n->content) : "");
        return false;
      case XML_ELEMENT_NODE:
        break;
      default:  // comments (Gutenberg's <!-- wp:... -->), DTDs, processing instructions
        return false;
    }
    switch (layout_of(n)) {
      case Layout::Skip:
        return false;
      case Layout::Paragraph:
        buf_.block_break(2);
        break;
      case Layout::Line:
        buf_.block_break(1);
        break;
      case Layout::List:
        buf_.block_break(list_depth_ > 0 ? 1 : 2);
        ++list_depth_;
        break;
      case Layout::Cell:
        buf_.space();
        break;
      case Layout::Inline:
        break;
    }
    if (name_is(n, "br")) {
      buf_.line_break();
    } else if (name_is(n, "pre")) {
      ++pre_depth_;
      out_.has_code = true;
    } else if (name_is(n, "code")) {
      ++code_depth_;
      out_.has_code = true;
    } else if (name_is(n, "a")) {
      const char* href = attribute(n, "href");
      if (href != nullptr && detail::is_link_target(href)) add_link(href);
    } else if (name_is(n, "img")) {
      out_.has_image = true;
      const char* alt = attribute(n, "alt");
      if (alt != nullptr && *alt != '\0') {
        buf_.space();
        buf_.inline_text(alt);
        buf_.space();
      }
    }
    return true;
  }

  void leave(xmlNode* n, bool entered) {
    if (n->type != XML_ELEMENT_NODE || !entered) return;
    switch (layout_of(n)) {
      case Layout::Paragraph:
        buf_.block_break(2);
        break;
      case Layout::Line:
        buf_.block_break(1);
        break;
      case Layout::List:
        --list_depth_;
        buf_.block_break(list_depth_ > 0 ? 1 : 2);
        break;
      case Layout::Cell:
        buf_.space();
        break;
      case Layout::Skip:
      case Layout::Inline:
        break;
    }
    if (name_is(n, "pre"))
      --pre_depth_;
    else if (name_is(n, "code"))
      --code_depth_;
  }

  void text(std::string_view t) {
    if (pre_depth_ > 0)
      buf_.verbatim(t);
    else
      buf_.inline_text(t);
    if (pre_depth_ == 0 && code_depth_ == 0)
      detail::for_each_bare_link(t, [&](size_t, std::string_view url) { add_link(url); });
  }

  void add_link(std::string_view url) {
    detail::add_once(out_.links, url);
    out_.has_link = true;
  }

  Extracted& out_;
  TextBuffer buf_;
  int pre_depth_ = 0;
  int code_depth_ = 0;
  int list_depth_ = 0;
};

}  // namespace

Extracted html_to_text(std::string_view in) {
  Extracted out;
  if (in.empty()) return out;
  // libxml2 sets up its globals lazily; doing it once up front keeps that
  // out of concurrent importer threads.
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });

  int size = in.size() > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(in.size());
  htmlDocPtr doc = htmlReadMemory(in.data(), size, nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc == nullptr) return out;
  Renderer r(out);
  r.walk(doc->children);
  out.text = r.finish();
  xmlFreeDoc(doc);
  return out;
}

}  // namespace lore::text
