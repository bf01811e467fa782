"""Tools for kcclean's own development, not shipped to users, that the tests and benchmarks
share: the generator of damaged issues with known clean articles (`generator`), the
character damage models (`char_damage`) and the rule files a user adds between runs
(`rule_files`). Importable from a source checkout (tests set `pythonpath`)."""
