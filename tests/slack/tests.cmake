# Tests of the slack importer; lore_add_test(...) lines go here.
