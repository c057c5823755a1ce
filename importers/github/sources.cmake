# Sources of the github importer, included by importers/CMakeLists.txt.
target_sources(lore_importers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/github_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/github_common.cc
  ${CMAKE_CURRENT_LIST_DIR}/migration_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/rest_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/gharchive_reader.cc
)
