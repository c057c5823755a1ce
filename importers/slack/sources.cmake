# Sources of the slack importer, included by importers/CMakeLists.txt.
target_sources(lore_importers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/slack_message.cc
  ${CMAKE_CURRENT_LIST_DIR}/slack_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/slack_history_reader.cc)
