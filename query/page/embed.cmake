# Turns the search page into a C++ string so that lore-serve carries it
# inside the binary: cmake -DIN=index.html -DOUT=search_page.cc -P embed.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")LOREPAGE" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )LOREPAGE")
endif()
set(text "// Generated from query/page/index.html by embed.cmake; edit that file instead.\n")
string(APPEND text "namespace lore {\nextern const char kSearchPage[];\n")
string(APPEND text "const char kSearchPage[] = R\"LOREPAGE(${content})LOREPAGE\";\n}  // namespace lore\n")
file(WRITE "${OUT}.tmp" "${text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
