# Sources of the wordpress importer, included by importers/CMakeLists.txt.
target_sources(lore_importers PRIVATE ${CMAKE_CURRENT_LIST_DIR}/wordpress_reader.cc)
