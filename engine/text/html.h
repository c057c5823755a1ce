// HTML (WordPress post bodies, rendered REST content) to plain text, via
// libxml2's forgiving HTML parser.
#pragma once

#include <string_view>

#include "text/extract.h"

namespace lore::text {

/// Renders HTML to plain text: entities decoded, script and style dropped,
/// block elements (p, div, li, h1-h6, tr, blockquote, pre, br) separated by
/// line breaks, paragraphs by blank lines; <a href> noted as a link, <img>
/// as an image (its alt text kept), <code>/<pre> as code.
/// Example: "<p>Hi &amp; <a href='https://x'>bye</a></p><script>x()</script>"
///   -> text "Hi & bye", links {"https://x"}, has_link.
Extracted html_to_text(std::string_view html);

}  // namespace lore::text
