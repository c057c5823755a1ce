# Tests of the wordpress importer; lore_add_test(...) lines go here.
# A sample is gzipped at test time (tests/test_archive.h).
lore_add_test(wordpress_test SOURCES wordpress/wordpress_test.cc LIBS lore_importers lore_test_util)
