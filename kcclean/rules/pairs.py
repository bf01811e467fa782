"""`pairs` rules: a straight mark used at both ends of a quotation made into its opening and
closing forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import regex

from .base import Edit, Entry, Rule


@dataclass(slots=True)
class PairsRule(Rule):
    """A straight mark used for both ends of a quotation ("…") made into its opening and
    closing forms (“…”). Marks pair up from the start of the text, and only when there are
    an even number of them, so a pair is never made across an unmatched mark. A pair is
    made when the quoted text matches `inside`, or when the character just before it or
    just after it matches `around` (Chinese prose around "141" makes it “141”)."""

    KIND: ClassVar[str] = "pairs"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"mark", "open", "close", "inside", "around"})

    mark: str = '"'
    open: str = "“"
    close: str = "”"
    inside: regex.Pattern | None = None  # what the quoted text must contain
    around: regex.Pattern | None = None  # or what must stand next to the pair, outside it
    marks: re.Pattern | None = None

    def edit_sites(self) -> re.Pattern | None:
        return self.marks

    def find(self, text: str) -> list[Edit]:
        positions = [m.start() for m in self.marks.finditer(text)]
        if not positions or len(positions) % 2:
            return []
        edits = []
        for start, end in zip(positions[::2], positions[1::2]):
            if self.inside.search(text, start + 1, end) or self._in_context(text, start, end):
                edits += (Edit(start, start + 1, self.open), Edit(end, end + 1, self.close))
        return edits

    def _in_context(self, text: str, start: int, end: int) -> bool:
        if self.around is None:
            return False
        return bool(
            (start and self.around.fullmatch(text, start - 1, start))
            or (end + 1 < len(text) and self.around.fullmatch(text, end + 1, end + 2))
        )

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> PairsRule:
        rule = cls(**common)
        data = entry.data
        for key in ("mark", "open", "close"):
            value = data.get(key)
            if not isinstance(value, str) or len(value) != 1:
                raise entry.fail(key, f"rule {rule.id}: `{key}` must be one character")
        rule.mark, rule.open, rule.close = data["mark"], data["open"], data["close"]
        rule.inside = entry.pattern("inside", data.get("inside", r"\p{Han}"))
        if "around" in data:
            rule.around = entry.pattern("around")
        rule.marks = re.compile(re.escape(rule.mark))
        return rule
