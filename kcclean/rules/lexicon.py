"""`lexicon` rules: the known lines of the page (masthead, running heads, column banners),
recognised even when OCR damaged them, and restored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .base import Edit, Entry, Rule


@dataclass(slots=True)
class LexiconRule(Rule):
    """Known lines (masthead, banners) recognised fuzzily and restored to their canonical form."""

    KIND: ClassVar[str] = "lexicon"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"entries", "patterns", "threshold"})

    entries: list[str] = field(default_factory=list)
    patterns: list[regex.Pattern] = field(default_factory=list)
    threshold: float = 90.0
    _keys: list[str] | None = None  # entries without spaces, as they are compared
    _any_pattern: regex.Pattern | None = None  # the patterns as one alternation

    def recognise(self, text: str) -> str | None:
        """The canonical form of a whole line this lexicon knows, or None. A line near a
        known one is that line damaged before it is a line a pattern describes:
        中共衢州市柯区委主办 is 柯城区委's masthead, though any county's (中共…县委主办) is
        masthead too."""
        if text in self.entries:
            return text
        if self._keys is None:
            self._keys = [_squeeze(entry) for entry in self.entries]
        squeezed = _squeeze(text)
        best = process.extractOne(squeezed, self._keys, scorer=fuzz.ratio, score_cutoff=self.threshold)
        if best and not _another_word(squeezed, best[0]):
            return self.entries[best[2]]
        # OCR loses or adds a character or two: a short line may differ by one edit, a long
        # one by two (中共雷州市柯区委主办), never by a word (中共衢州市委主办 is another paper's)
        allowed = 1 if len(squeezed) < _TWO_EDITS_FROM else 2
        near = process.extractOne(squeezed, self._keys, scorer=Levenshtein.distance, score_cutoff=allowed)
        if near and len(squeezed) >= _FUZZY_SHORTEST and not _another_word(squeezed, near[0]):
            return self.entries[near[2]]
        if (self.patterns and self._any_pattern.fullmatch(text)) or self._merged(squeezed):
            return text  # a line a pattern describes, or two known lines read as one: nothing to restore
        return None

    def _merged(self, squeezed: str) -> bool:
        """Is the line two known lines run together (柯城发布运动柯城APP)?"""
        for key in self._keys:
            if squeezed.startswith(key) and squeezed[len(key) :] in self._keys:
                return True
        return False

    def find(self, text: str) -> list[Edit]:
        canonical = self.recognise(text)
        if canonical is None or canonical == text:
            return []
        return [Edit(0, len(text), canonical)]

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> LexiconRule:
        rule = cls(**common)
        entries = entry.data.get("entries", [])
        if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
            raise entry.fail("entries", f"rule {rule.id}: `entries` must be a list of text")
        patterns = entry.data.get("patterns", [])
        if not isinstance(patterns, list):
            raise entry.fail("patterns", f"rule {rule.id}: `patterns` must be a list of regular expressions")
        if not entries and not patterns:
            raise entry.fail("entries", f"rule {rule.id}: a lexicon needs `entries` or `patterns`")
        threshold = entry.data.get("threshold", 90)
        if not isinstance(threshold, (int, float)) or not 50 <= threshold <= 100:
            raise entry.fail("threshold", f"rule {rule.id}: `threshold` must be a score from 50 to 100")
        rule.entries = entries
        rule.patterns = [entry.pattern("patterns", p) for p in patterns]
        rule._any_pattern = regex.compile("|".join(f"(?:{p.pattern})" for p in rule.patterns)) if patterns else None
        rule.threshold = float(threshold)
        return rule


# Lines shorter than this may differ from a known line by one edit, longer ones by two.
_TWO_EDITS_FROM = 9
_FUZZY_SHORTEST = 3


def _another_word(text: str, known: str) -> bool:
    """Do the two differ by a run of two or more characters replaced: another name in the
    known line's place (中共衢州市衢江区委主办), not a character OCR lost, added or misread?"""
    return any(tag == "replace" and end - start >= 2 for tag, start, end, _, _ in Levenshtein.opcodes(text, known))


def _squeeze(text: str) -> str:
    return "".join(text.split())
