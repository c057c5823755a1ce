# Tests of the wordpress importer; lore_add_test(...) lines go here.
# LibArchive is linked directly only to gzip a sample at test time.
lore_add_test(wordpress_test SOURCES wordpress/wordpress_test.cc LIBS lore_importers LibArchive::LibArchive)
