"""Tools for kcclean's own development, not shipped to users: the generator of damaged issues
with known clean articles (`generator`) and the character damage models (`char_damage`) that
the tests and benchmarks share. Importable from a source checkout (tests set `pythonpath`)."""
