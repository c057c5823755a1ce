// HTML (WordPress post bodies, rendered REST content) to plain text, via
// libxml2's forgiving HTML parser.
#pragma once

#include <string_view>

#include "text/extract.h"

namespace lore::text {

/// Renders HTML to plain text: entities decoded, script, style, noscript,
/// template, head and comments dropped, block elements (div, li, tr, ...)
/// separated by line breaks and paragraph-like ones (p, h1-h6, blockquote,
/// pre, table, ...) by blank lines, <br> a newline, table cells by a space,
/// whitespace collapsed except inside <pre>. <a href> to an http(s)/mailto
/// target and bare URLs in text are noted as links (each once, in order),
/// <img> as an image (its alt text kept, its src not a link), <code>/<pre>
/// as code; mentions are left to the caller. Never throws on bad markup;
/// invalid UTF-8 becomes U+FFFD. libxml2 stops at 256 nested elements, so
/// such a document keeps only the text that comes before that depth.
/// Example: "<p>Hi &amp; <a href='https://x'>bye</a></p><script>x()</script>"
///   -> text "Hi & bye", links {"https://x"}, has_link.
Extracted html_to_text(std::string_view html);

}  // namespace lore::text
