"""`table` rules: literal `wrong → right` pairs, matched all at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import ahocorasick_rs

from ..datafile import read_data_file
from ..errors import RuleError
from .base import Edit, Entry, Rule


@dataclass(slots=True)
class TableRule(Rule):
    """A literal table matched in one pass, however many entries it has (Aho-Corasick):
    `[rule.table]` of "wrong" = "right", or `table_file`, a TSV of `wrong<TAB>right` lines."""

    KIND: ClassVar[str] = "table"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"table", "table_file"})

    table: dict[str, str] = field(default_factory=dict)
    automaton: ahocorasick_rs.AhoCorasick | None = None
    keys: list[str] = field(default_factory=list)
    # the first characters of the entries that change something, as a `re` class: a text
    # without any of them (most texts, for a table of rare strings) is not scanned
    starts: re.Pattern | None = None
    # the characters of each entry that changes something, by its first character
    spelled: dict[str, list[frozenset[str]]] = field(default_factory=dict, compare=False, repr=False)

    def compile(self) -> None:
        # Exceptions are searched with the entries: leftmost-longest matching lets an
        # exception that starts at or before a wrong string win over it (自己经营 keeps 己经).
        self.keys = list(self.table) + [e for e in self.exceptions if e not in self.table]
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )
        self.spelled = {}
        for key, value in self.table.items():
            if key and value != key:
                self.spelled.setdefault(key[0], []).append(frozenset(key))
        self.starts = re.compile(f"[{re.escape(''.join(sorted(self.spelled)))}]" if self.spelled else "(?!)")

    def may_change_text_of(self, characters: str) -> bool:
        """An entry is found only in a text that holds all of its characters: 柯成区 not in an
        issue holding 柯 and 区 but no 成, which the quick scan for 柯 alone cannot tell."""
        held = set(characters)
        return any(spelled <= held for first in self.spelled.keys() & held for spelled in self.spelled[first])

    def may_edit_any_of(self, texts: str) -> bool:
        """An entry is found in a text only where it is spelled out; none holds a newline."""
        return bool(self.find(texts))

    def edit_sites(self) -> re.Pattern | None:
        return self.starts

    def sites(self, joined: str) -> list[tuple[int, int]]:
        return [(start, end) for _, start, end in self.automaton.find_matches_as_indexes(joined)]

    def find(self, text: str) -> list[Edit]:
        table = self.table
        edits = []
        for index, start, end in self.automaton.find_matches_as_indexes(text):
            key = self.keys[index]
            if key in table and key not in self.exceptions and table[key] != key:
                edits.append(Edit(start, end, table[key]))
        return edits

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> TableRule:
        rule = cls(**common)
        table, table_file = entry.data.get("table"), entry.data.get("table_file")
        if (table is None) == (table_file is None):
            raise entry.fail("table_file" if table_file is not None else "table", f"rule {rule.id}: give exactly one of `table` or `table_file`")
        if table_file is not None:
            table = _read_tsv(entry.folder / table_file, rule.id, entry.fail)
        if not isinstance(table, dict) or not table or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in table.items()
        ):
            raise entry.fail("table", f"rule {rule.id}: `table` must map non-empty text to text")
        rule.table = table
        rule.compile()
        return rule


def _read_tsv(path: Path, rule_id: str, fail) -> dict[str, str]:
    try:
        lines = read_data_file(path).split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise fail("table_file", f"rule {rule_id}: cannot read table file {path}: {error}") from None
    table: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0]:
            raise RuleError(str(path), number, f"rule {rule_id}: expected `wrong<TAB>right`")
        if fields[0] in table:
            raise RuleError(str(path), number, f"rule {rule_id}: {fields[0]!r} is listed twice")
        table[fields[0]] = fields[1]
    return table
