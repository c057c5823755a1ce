// Markdown (CommonMark, as GitHub writes it) to plain text, via cmark's AST.
#pragma once

#include <string_view>

#include "text/extract.h"

namespace lore::text {

/// Renders Markdown to the text a person reads: emphasis and headings lose
/// their markers, code (inline and fenced) and link text are kept, images
/// leave their alt text, block elements are separated by blank lines.
/// Notes links, images and code for has:, and @mentions.
/// Example: "See [the PR](https://x/1) and `make test` @ana" ->
///   text "See the PR and make test @ana", links {"https://x/1"},
///   has_link, has_code, mentions {"ana"}.
Extracted markdown_to_text(std::string_view markdown);

}  // namespace lore::text
