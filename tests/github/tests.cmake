# Tests of the github importer; lore_add_test(...) lines go here.
# Migration folders are packed into .tar.gz at test time (tests/test_archive.h).
lore_add_test(github_test SOURCES github/github_test.cc LIBS lore_importers lore_test_util)
