# Tests of the wordpress importer; lore_add_test(...) lines go here.
