# Tests of the large-archive generator and of the parallel index writer.
lore_add_test(perf_test
  SOURCES perf/perf_test.cc ${PROJECT_SOURCE_DIR}/bench/gen/generator.cc
  LIBS lore_engine lore_importers LibArchive::LibArchive)
target_include_directories(perf_test PRIVATE ${PROJECT_SOURCE_DIR}/bench/gen)

# lore-index's uncompressed term lists, linked the same way as into lore-index.
lore_add_test(plain_termlists_test SOURCES perf/plain_termlists_test.cc LIBS lore_plain_termlists Xapian::Xapian)
