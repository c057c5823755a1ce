// Markdown (CommonMark, as GitHub writes it) to plain text, via cmark's AST.
#pragma once

#include <string_view>

#include "text/extract.h"

namespace lore::text {

/// Renders Markdown to the text a person reads: emphasis and headings lose
/// their markers, code (inline and fenced) and link text are kept, images
/// leave their alt text, paragraphs, headings, quotes and code blocks are
/// separated by blank lines and list items by line breaks; raw HTML goes
/// through html_to_text. Soft breaks become spaces, hard breaks newlines;
/// the text is trimmed with at most one blank line in a row.
/// Notes for has: links (http(s)/mailto targets of links, autolinks, raw
/// HTML anchors and bare URLs, each once, in reading order), images (their
/// URLs are not links) and code, and @mentions outside code (the rule of
/// find_mentions).
/// Example: "See [the PR](https://x/1) and `make test` @ana" ->
///   text "See the PR and make test @ana", links {"https://x/1"},
///   has_link, has_code, mentions {"ana"}.
Extracted markdown_to_text(std::string_view markdown);

}  // namespace lore::text
