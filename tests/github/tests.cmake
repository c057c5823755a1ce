# Tests of the github importer; lore_add_test(...) lines go here.
