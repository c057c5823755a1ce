# Sources of the wordpress importer, included by importers/CMakeLists.txt.
target_sources(lore_importers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wordpress_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/wp_common.cc
  ${CMAKE_CURRENT_LIST_DIR}/xml_clean.cc
  ${CMAKE_CURRENT_LIST_DIR}/wxr_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/rest_reader.cc
)
