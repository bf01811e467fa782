"""`script` rules: stray traditional characters in simplified text, converted with OpenCC
where that is certain, suggested where it may touch a name."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import ClassVar

import opencc
import regex

from ..words import standard_characters, word_table
from .base import Edit, Entry, Rule


@dataclass(slots=True)
class ScriptRule(Rule):
    """Stray traditional characters in a simplified text, converted word by word with OpenCC.

    A conversion is only suggested (an unsafe edit) when it may be wrong: the character is
    also valid simplified text (in the 通用规范汉字表) and no known word supports the change,
    the result is not a standard character, the word's conversion depends on its
    neighbours, or the place looks like a name (`name_before`, `name_after`, or the
    character repeated the same way through the issue). A name-like place does not hold
    back a change that makes a known word out of characters no simplified text uses
    (沟溪鄉村 → 乡村: 鄉 is in no name of a simplified paper)."""

    KIND: ClassVar[str] = "script"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"convert", "max_share", "ambiguous", "name_before", "name_after"})

    convert: str = "t2s"
    max_share: float = 0.25
    ambiguous: frozenset[str] = frozenset()
    name_before: regex.Pattern | None = None  # searched in the text just before a conversion
    name_after: regex.Pattern | None = None  # matched at the text just after it
    converter: opencc.OpenCC | None = None
    # Character classes of thousands of members: the standard `re` compiles them to a bitmap
    # (about 1 GB/s); the `regex` module scans them at about 3 MB/s.
    changed: re.Pattern | None = None  # characters the conversion changes
    simplified: re.Pattern | None = None  # characters only simplified text uses
    valid: frozenset[str] = frozenset()  # changed characters that are also standard simplified
    # changed characters printed the same way throughout the issue being repaired: the
    # issue's state, not the rule's (left out of comparisons and of the cache's keys)
    repeated: frozenset[str] = field(default=frozenset(), compare=False)

    def compile(self) -> None:
        self.converter = opencc.OpenCC(self.convert)
        changing, valid, simplified_only = _script_tables(self.convert)
        self.valid = valid
        self.changed = re.compile("[" + re.escape("".join(sorted(changing))) + "]")
        self.simplified = re.compile("[" + re.escape("".join(sorted(simplified_only))) + "]")

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> ScriptRule:
        rule = cls(**common)
        data = entry.data
        convert = data.get("convert", "t2s")
        if convert not in ("t2s", "tw2s", "hk2s"):
            raise entry.fail("convert", f"rule {rule.id}: `convert` must be t2s, tw2s or hk2s")
        share = data.get("max_share", 0.25)
        if not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise entry.fail("max_share", f"rule {rule.id}: `max_share` must be a fraction from 0 to 1")
        ambiguous = data.get("ambiguous", "")
        if not isinstance(ambiguous, str):
            raise entry.fail("ambiguous", f"rule {rule.id}: `ambiguous` must be a string of characters")
        rule.convert = convert
        rule.max_share = float(share)
        rule.ambiguous = frozenset(ambiguous.replace(" ", ""))
        for key in ("name_before", "name_after"):
            if key in data:
                setattr(rule, key, entry.pattern(key))
        rule.compile()
        return rule

    def edit_sites(self) -> re.Pattern | None:
        return self.changed

    def prepare(self, texts: list[str]) -> str | None:
        self.repeated = frozenset()
        traditional = sum(len(self.changed.findall(text)) for text in texts)
        if not traditional:
            return None  # the usual case: nothing to weigh
        simplified = sum(len(self.simplified.findall(text)) for text in texts)
        if traditional > self.max_share * (traditional + simplified):
            return (
                f"{traditional} traditional-only and {simplified} simplified-only characters: "
                f"the text is not overwhelmingly simplified, so {self.id} converts nothing"
            )
        self.repeated = self._repeated_alike(texts)
        return None

    def _repeated_alike(self, texts: list[str]) -> frozenset[str]:
        """Changed characters seen at least `_NAME_REPEATS` times, always between the same
        neighbours: a name (a village, a person) printed the same way each time."""
        contexts: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        for text in texts:
            for match in self.changed.finditer(text):
                ch, at = match.group(), match.start()
                contexts.setdefault(ch, set()).add(text[max(0, at - 1) : at + 2])
                counts[ch] = counts.get(ch, 0) + 1
        return frozenset(ch for ch, n in counts.items() if n >= _NAME_REPEATS and len(contexts[ch]) == 1)

    def find(self, text: str) -> list[Edit]:
        edits = []
        for run in _HAN_RUN.finditer(text):
            word = run.group()
            if not self.changed.search(word):
                continue
            by_word = self.converter.convert(word)
            by_char = "".join(self.converter.convert(ch) for ch in word)
            if len(by_word) != len(word):
                edits.append(Edit(run.start(), run.end(), by_word, unsafe=True))
                continue
            differing = [i for i in range(len(word)) if by_word[i] != word[i]]
            for first, last in _spans(differing):
                start, end = run.start() + first, run.start() + last + 1
                after = by_word[first : last + 1]
                unsafe = after != by_char[first : last + 1] or self._doubtful(text, start, end, after)
                edits.append(Edit(start, end, after, unsafe))
        return edits

    def _doubtful(self, text: str, start: int, end: int, after: str) -> bool:
        """Whether converting text[start:end] to `after` may be wrong (see the class)."""
        piece = text[start:end]
        if any(ch in self.ambiguous for ch in piece):
            return True
        if not standard_characters(common=True).issuperset(new for ch, new in zip(piece, after) if ch != new):
            return True  # the result would be a rare character (a name's, a special field's) many fonts lack
        supported = _word_supports(text, start, end, after)
        if all(ch in self.valid for ch, new in zip(piece, after) if ch != new) and not supported:
            return True  # valid simplified text as it stands (毕昇, 於 as a surname)
        if any(ch in self.repeated for ch in piece) and not supported:
            return True
        if supported and not any(ch in self.valid for ch in piece):
            return False  # 鄉村 → 乡村: a known word, and 鄉 is no simplified character, not even in a name
        before = text[max(0, start - _NAME_WINDOW) : start]
        return bool(
            (self.name_before and self.name_before.search(before))
            or (self.name_after and self.name_after.match(text, end, end + _NAME_WINDOW))
        )


_HAN_RUN = regex.compile(r"\p{Han}+")
_NAME_REPEATS = 3
_NAME_WINDOW = 8  # characters of context looked at for a name


def _word_supports(text: str, start: int, end: int, after: str) -> bool:
    """Whether the conversion makes a known word of two to four characters across the
    changed text that the original is not (徵收 → 征收, 位於 → 位于)."""
    words = word_table()
    converted = text[:start] + after + text[end:]
    for size in (2, 3, 4):
        for first in range(max(0, start - size + 1), min(end, len(text) - size + 1)):
            if converted[first : first + size] in words and text[first : first + size] not in words:
                return True
    return False


def _spans(positions: list[int], gap: int = 2) -> list[tuple[int, int]]:
    """Group positions that are at most `gap` apart: one reported word each."""
    spans: list[tuple[int, int]] = []
    for pos in positions:
        if spans and pos - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], pos)
        else:
            spans.append((pos, pos))
    return spans


@functools.cache
def _script_tables(config: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Characters the conversion changes; those among them that are also valid simplified
    characters (in the 通用规范汉字表), whose conversion depends on the word; and characters
    only simplified text uses (the reverse conversion changes them)."""
    chars = "".join(chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    converted = opencc.OpenCC(config).convert(chars)
    changing = frozenset(a for a, b in zip(chars, converted) if a != b)
    valid = changing & standard_characters()
    reverse = opencc.OpenCC("s2t").convert(chars)
    simplified_only = frozenset(a for a, b in zip(chars, reverse) if a != b) - changing
    return changing, valid, simplified_only

