"""`table` rules: literal `wrong → right` pairs, matched all at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import ahocorasick_rs

from ..datafile import read_data_file
from ..errors import RuleError
from .base import HIDDEN, Edit, Entry, Rule


@dataclass(slots=True)
class TableRule(Rule):
    """A literal table matched in one pass, however many entries it has (Aho-Corasick):
    `[rule.table]` of "wrong" = "right", or `table_file`, a TSV of `wrong<TAB>right` lines."""

    KIND: ClassVar[str] = "table"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"table", "table_file"})
    FOUND_FIELDS: ClassVar[frozenset[str]] = frozenset({"table", "automaton", "keys", "starts"})

    table: dict[str, str] = field(default_factory=dict)
    automaton: ahocorasick_rs.AhoCorasick | None = None
    keys: list[str] = field(default_factory=list)
    # the first characters of the entries that change something, as a `re` class: a text
    # without any of them (most texts, for a table of rare strings) is not scanned
    starts: re.Pattern | None = None
    # the characters of each entry that changes something, by its first character
    spelled: dict[str, list[frozenset[str]]] = field(default_factory=dict, compare=False, repr=False)
    # every entry and exception, found wherever a text spells it, overlaps and all: which of
    # them a text holds (`_spelled_in`). None when one holds a newline or HIDDEN: texts joined
    # by newlines, or with protected spans hidden, spell it where no text does.
    spelling: ahocorasick_rs.AhoCorasick | None = field(default=None, compare=False, repr=False)

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
        plain = not any("\n" in key or HIDDEN in key for key in self.keys)
        self.spelling = ahocorasick_rs.AhoCorasick(self.keys, matchkind=ahocorasick_rs.MatchKind.Standard) if plain else None

    def may_change_text_of(self, characters: str) -> bool:
        """An entry is found only in a text that holds all of its characters: 柯成区 not in an
        issue holding 柯 and 区 but no 成, which the quick scan for 柯 alone cannot tell."""
        held = set(characters)
        return any(spelled <= held for first in self.spelled.keys() & held for spelled in self.spelled[first])

    def _spelled_in(self, texts: str) -> set[str] | None:
        """The entries and exceptions the texts spell; None when the table cannot tell. A text
        with its protected spans hidden (`base.HIDDEN`) spells none that the text does not."""
        if self.spelling is None:
            return None
        return {self.keys[index] for index, _, _ in self.spelling.find_matches_as_indexes(texts, overlapping=True)}

    def may_edit_any_of(self, texts: str) -> bool:
        """Only an entry that changes something edits a text, and only where the text spells it
        (whatever an exception or a longer entry does to the matching, hidden spans and all)."""
        spelled = self._spelled_in(texts)
        return spelled is None or any(self.table.get(key, key) != key and key not in self.exceptions for key in spelled)

    def found_in(self, texts: str) -> tuple[tuple[str, str | None], ...] | None:
        """The entries and exceptions the texts spell, and what the table makes of each: what
        the table matches in a text depends on those alone (an entry it does not spell takes no
        part in matching it), so two tables that spell the same there edit it alike."""
        spelled = self._spelled_in(texts)
        if spelled is None:
            return None
        return tuple(sorted((key, self.table.get(key)) for key in spelled))

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
