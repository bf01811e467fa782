"""`mojibake` rules: text garbled by being read in the wrong encoding (UTF-8 read as
Windows-1252 or Latin-1: ç®€ä½“ for 简体) repaired with ftfy."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import ClassVar

import ftfy
import regex
from ftfy.chardata import UTF8_DETECTOR_RE

from .base import Edit, Entry, Rule

# ftfy's encoding repairs only: its other fixes (quotes, widths, HTML entities, controls) are
# the business of rules of their own, each with its own examples and level.
_ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
)
# Mojibake of text in any script is made of bytes 0x80-0xFF read as characters, so ASCII
# passes through its repair unchanged and in order: the runs between are what changed.
_ASCII_RUN = re.compile(r"([\x00-\x7f]+)")


@dataclass(slots=True)
class MojibakeRule(Rule):
    """Mojibake repaired where ftfy recognises it: ftfy's detector finds what looks like
    UTF-8 read in a single-byte encoding, and its badness heuristic decides whether the text
    is garbled (clean text, Chinese or not, is left as it is). Each garbled span is one
    change with ftfy's explanation as its evidence; a repair whose result does not fully
    match `certain` is only suggested. Until it is repaired, a garbled span is protected:
    no other rule deletes the soft hyphen (U+00AD) or control character (U+009D) that is
    one of its bytes, which would make it beyond repair."""

    KIND: ClassVar[str] = "mojibake"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"certain"})
    PROTECTS: ClassVar[bool] = True

    certain: regex.Pattern | None = None  # what a repair must make of a span to be applied, not only suggested

    def may_change(self, text: str) -> bool:
        return UTF8_DETECTOR_RE.search(text) is not None

    def find(self, text: str) -> list[Edit]:
        if not self.may_change(text):
            return []
        repaired, evidence = _repaired(text)
        return [
            Edit(start, end, after, unsafe=not self.certain.fullmatch(after), evidence=evidence)
            for start, end, after in _differences(text, repaired)
        ]

    def protected(self, text: str) -> list[tuple[int, int]]:
        return [(edit.start, edit.end) for edit in self.find(text)]

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> MojibakeRule:
        rule = cls(**common)
        rule.certain = entry.pattern("certain")
        return rule


@functools.lru_cache(maxsize=256)  # a garbled paragraph is looked at by every rule that runs over it
def _repaired(text: str) -> tuple[str, str]:
    """The text as ftfy repairs its encoding, and how, in ftfy's words."""
    fixed = ftfy.fix_and_explain(text, _ENCODING_ONLY)
    steps = ", ".join(f"{step.action} {step.parameter}" for step in fixed.explanation)
    return fixed.text, f"mojibake, repaired by ftfy: {steps}"


def _differences(text: str, repaired: str) -> list[tuple[int, int, str]]:
    """(start, end, after) of each stretch of text that its repair changed."""
    if text == repaired:
        return []
    before, after = _ASCII_RUN.split(text), _ASCII_RUN.split(repaired)
    if before[1::2] != after[1::2]:  # not how a repair of bytes 0x80-0xFF goes: one change
        return [_trimmed(0, text, repaired)]
    changed, at = [], 0
    for old, new in zip(before, after):
        if old != new:
            changed.append(_trimmed(at, old, new))
        at += len(old)
    return changed


def _trimmed(at: int, old: str, new: str) -> tuple[int, int, str]:
    """old (at `at` in the text) to new, less what they start and end with alike."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return at + head, at + len(old) - tail, new[head : len(new) - tail]
