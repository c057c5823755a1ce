# Tests of the slack importer.
lore_add_test(slack_test
  SOURCES slack/slack_reader_test.cc slack/slack_markup_test.cc
  LIBS lore_importers lore_test_util)
