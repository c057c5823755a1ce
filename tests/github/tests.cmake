# Tests of the github importer; lore_add_test(...) lines go here.
# libarchive's writer packs a migration folder into a .tar.gz at test time.
lore_add_test(github_test SOURCES github/github_test.cc LIBS lore_importers LibArchive::LibArchive)
