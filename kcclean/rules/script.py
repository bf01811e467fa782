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

    Each changed character is decided on its own, and neighbours decided alike are one
    change, so a certain conversion is made beside a doubtful one that is only suggested.
    A conversion is only suggested (an unsafe edit) when it may be wrong: the character is
    also valid simplified text (in the 通用规范汉字表) and no known word supports the change,
    the result is not a common standard character, the word's conversion depends on its
    neighbours, or the place looks like a name (`name_before`: after a byline's title or a
    surname; `name_after`: before a place's suffix or a title), here or anywhere else in the
    issue where the character follows the same one (上楊村 … 上楊的村民: one village,
    written alike). In a name-like place a word the conversion makes settles it
    when it is at least `name_word_frequency` times in the word list (推進農村 → 推进农村:
    农村 is no name) or lies on the side away from the surname or suffix (香燭上山: 香烛);
    上衕村 → 上同村 is only suggested (同村 is rare, and takes in the suffix: 上衕村 may be
    the village's name as it is written)."""

    KIND: ClassVar[str] = "script"
    FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"convert", "max_share", "ambiguous", "name_before", "name_after", "name_word_frequency"}
    )

    convert: str = "t2s"
    max_share: float = 0.25
    ambiguous: frozenset[str] = frozenset()
    name_before: regex.Pattern | None = None  # searched in the text just before a conversion
    name_after: regex.Pattern | None = None  # matched at the text just after it
    name_word_frequency: int = 1000  # how common a word must be to settle a conversion in a name-like place
    converter: opencc.OpenCC | None = None
    # Character classes of thousands of members: the standard `re` compiles them to a bitmap
    # (about 1 GB/s); the `regex` module scans them at about 3 MB/s.
    changed: re.Pattern | None = None  # characters the conversion changes
    simplified: re.Pattern | None = None  # characters only simplified text uses
    valid: frozenset[str] = frozenset()  # changed characters that are also standard simplified
    # a changed character after the character before it (上楊), where a name-like place of
    # the issue being repaired holds it: the state, not the rule's (left out of
    # comparisons and of the cache's keys)
    names: frozenset[str] = field(default=frozenset(), compare=False)

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
        frequency = data.get("name_word_frequency", 1000)
        if not isinstance(frequency, int) or isinstance(frequency, bool) or frequency < 0:
            raise entry.fail("name_word_frequency", f"rule {rule.id}: `name_word_frequency` must be a whole number")
        rule.name_word_frequency = frequency
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
        self.names = frozenset()
        traditional = sum(len(self.changed.findall(text)) for text in texts)
        if not traditional:
            return None  # the usual case: nothing to weigh
        simplified = sum(len(self.simplified.findall(text)) for text in texts)
        if traditional > self.max_share * (traditional + simplified):
            return (
                f"{traditional} traditional-only and {simplified} simplified-only characters: "
                f"the text is not overwhelmingly simplified, so {self.id} converts nothing"
            )
        self.names = self._held_as_names(texts)
        return None

    def _held_as_names(self, texts: list[str]) -> frozenset[str]:
        """Each changed character that a name-like place holds somewhere in the texts, after
        the character before it (the name's, whether a surname or a place's first): a name is
        written alike wherever the issue prints it, with its suffix or title or without."""
        held = set()
        for text in texts:
            runs, converted = self._converted(text)
            for run, by_word in runs:
                if len(by_word) != len(run.group()):
                    continue
                for at in range(run.start(), run.end()):
                    changed = by_word[at - run.start()] != text[at]
                    if changed and at and self._in_a_name(text, converted, at, _support(text, converted, at, 0, len(text))):
                        held.add(_context(text, at))
        return frozenset(held)

    def _converted(self, text: str) -> tuple[list[tuple[regex.Match, str]], str]:
        """Each run of Chinese characters of the text that the conversion changes, with the run
        as converted; and the text with every run converted that keeps its length (offsets
        stay the text's), made in one pass: a page of one long line holds many runs."""
        runs = [(run, self.converter.convert(run.group())) for run in _HAN_RUN.finditer(text) if self.changed.search(run.group())]
        parts, done = [], 0
        for run, by_word in runs:
            if len(by_word) == len(run.group()):
                parts += (text[done : run.start()], by_word)
                done = run.end()
        parts.append(text[done:])
        return runs, "".join(parts)

    def find(self, text: str) -> list[Edit]:
        edits = []
        runs, converted = self._converted(text)
        for run, by_word in runs:
            word = run.group()
            if len(by_word) != len(word):
                edits.append(Edit(run.start(), run.end(), by_word, unsafe=True))
                continue
            by_char = "".join(self.converter.convert(ch) for ch in word)
            differing = [i for i in range(len(word)) if by_word[i] != word[i]]
            # each changed character decided on its own, in the text converted run by run (處於:
            # 於 is supported by 处于); neighbours decided alike make one change
            verdicts = {
                i: by_word[i] != by_char[i] or self._doubtful(text, converted, run.start() + i)
                for i in differing
            }
            for first, last in _spans(differing, same=verdicts):
                start, end = run.start() + first, run.start() + last + 1
                edits.append(Edit(start, end, by_word[first : last + 1], verdicts[first]))
        return edits

    def _doubtful(self, text: str, converted: str, at: int) -> bool:
        """Whether converting the character text[at] as `converted` has it may be wrong (see
        the class); `converted` is the text with its runs of characters converted."""
        ch, new = text[at], converted[at]
        if ch in self.ambiguous:
            return True
        if new not in standard_characters(common=True):
            return True  # the result would be a rare character (a name's, a special field's) many fonts lack
        support = _support(text, converted, at, 0, len(text))
        if not support and ch in self.valid:
            return True  # valid simplified text as it stands (毕昇, 於 as a surname)
        if at and _context(text, at) in self.names:
            return True  # written as a name the issue holds elsewhere
        return self._in_a_name(text, converted, at, support)

    def _in_a_name(self, text: str, converted: str, at: int, support: int) -> bool:
        """Whether text[at] stands in a name-like place that no word of the conversion
        (`support`: the commonest) settles."""
        # a name-like place: after a byline's title or a surname, before a place's suffix or a title
        after_title = bool(self.name_before and self.name_before.search(converted, max(0, at - _NAME_WINDOW), at))
        before_suffix = bool(self.name_after and self.name_after.match(converted, at + 1, at + 1 + _NAME_WINDOW))
        if not (after_title or before_suffix) or support >= self.name_word_frequency:
            return False
        if after_title and before_suffix:
            return True
        # A name may be written with the character on purpose. A word too common to be a name
        # settles it (农村, 铁路), and so does a word on the side away from the name's title,
        # surname or suffix (香燭上山: 香烛); one with them does not (上衕村: 同村).
        low, high = (at, len(text)) if after_title else (0, at + 1)
        return not _support(text, converted, at, low, high)


_HAN_RUN = regex.compile(r"\p{Han}+")
_NAME_WINDOW = 8  # characters of context looked at for a name


def _context(text: str, at: int) -> str:
    """The character at `at` (not the first) after the one before it: how a name is
    recognised where it is printed again."""
    return text[at - 1 : at + 1]


def _support(text: str, converted: str, at: int, low: int, high: int) -> int:
    """How common the commonest known word of two to four characters within text[low:high]
    is that the conversion makes across position `at` and the original text is not (徵收 →
    征收, 位於 → 位于); 0 when there is none."""
    words = word_table()
    best = 0
    for size in (2, 3, 4):
        for first in range(max(low, at - size + 1), min(at + 1, high - size + 1)):
            made = converted[first : first + size]
            if made in words and text[first : first + size] not in words:
                best = max(best, words[made])
    return best


def _spans(positions: list[int], same: dict[int, bool], gap: int = 2) -> list[tuple[int, int]]:
    """Group positions that are at most `gap` apart and alike in `same`: one reported change each."""
    spans: list[tuple[int, int]] = []
    for pos in positions:
        if spans and pos - spans[-1][1] <= gap and same[pos] == same[spans[-1][1]]:
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

