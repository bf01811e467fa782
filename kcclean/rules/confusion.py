"""`confusion` rules: look-alike characters (己已巳, 末未) put right where the word list says
the printed one makes no word and its look-alike does."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import regex

from ..datafile import read_data_file
from ..errors import RuleError
from ..words import covering_word, in_a_word, split_cost, word_table
from .base import LEVELS, Edit, Entry, Rule, Scores

_HEAVENLY_STEMS = frozenset("甲乙丙丁戊己庚辛壬癸")
# A look-alike that makes a word rarer than min_frequency / this is not even suggested.
_TOO_RARE_TO_SUGGEST = 2
# A look-alike is taken for sure when the words around it are e^this (about 150) times as
# likely with it than as printed (and than with any other look-alike): twice the most any
# character of the clean fixtures, corpus and seeds gains from a look-alike (大干快上 → 大于, 2.7).
_SURE_GAIN = 5.0
# The same for a character no word holds as printed (团环 → 闭环, about 55 times): there the
# printed reading has no word to stand on, and no character of the clean texts is such a
# place where a look-alike makes a word at all.
_SURE_GAIN_FREE = 4.0
# Characters each side of a look-alike that its words are weighed in: a word of four
# covering it and one more beyond.
_GAIN_REACH = 4
# An OCR engine's score below this for a character (its word's, or its line's where the format
# scores only lines) is evidence that it was misread. Measured on RapidOCR reading the
# benchmark's harsh scans (benchmarks/ocr_geometry.py --scale 0.4 --blur 0.8 --noise 16, 1,436
# lines, each set against the engine's reading of the milder scan of the same page, paired by
# position): of the lines scored below 0.8, 48 in 50 read differently there; of those scored
# 0.95 or more, 1 in 4. A word's or character's score (ALTO, hOCR, PAGE) points at the
# character more sharply than its line's; the same bar serves for both.
_LOW_SCORE = 0.8
# A look-alike the words alone leave in doubt (a word holds the character as printed too, or
# the word it makes is rare) is suggested, never applied, where the engine doubts the character
# and the words around read at least e^this (about 3) times as likely with the look-alike. Not
# less: a character of clean text gains up to e^2.7 from a look-alike (大干快上), and the clean
# fixtures' 干部所说 twice as likely as 听说; scoring every character of the five seed
# transcripts 0.5 adds one suggestion (大干快上 → 于), of the fixtures' clean articles none
# (benchmarks/confusion_scores.py prints these figures and those of _LOW_SCORE).
_DOUBTED_GAIN = 1.0


def _gain(text: str, at: int, other: str) -> float:
    """How much likelier the words around `at` are with `other` there than as printed: the
    log of the ratio of the two likeliest splits into words (evidence.split_cost)."""
    start, end = max(0, at - _GAIN_REACH), at + _GAIN_REACH + 1
    return split_cost(text[start:end]) - split_cost(text[start:at] + other + text[at + 1 : end])


def _odds(gain: float) -> str:
    return f"{math.exp(gain):,.0f}"


def _scored(edit: Edit | None, score: float | None, printed: str) -> Edit | None:
    """The edit with the engine's score for the printed text it stands in named in its evidence."""
    if edit is None or score is None:
        return edit
    return replace(edit, evidence=f"{edit.evidence}; engine score {round(score, 2):g} for {printed}")


@dataclass(frozen=True, slots=True)
class ConfusionGroup:
    """Characters that look alike: OCR or an input method printed one of `read` where one
    of `meant` belongs. Most groups go both ways (己已巳: read and meant the same); OCR
    reads a rare character as a common one, not back (面→衢: 面 may be a misread 衢)."""

    read: str
    meant: str
    safe: bool  # False: a fix among these is only ever suggested (人/入 both stand alone)


@dataclass(slots=True)
class ConfusionRule(Rule):
    """Look-alike characters put right where the dictionary says so: a character is replaced
    by one of its look-alikes only when no word of the bundled word list covers it as printed
    and a word does with the look-alike (工作己经完成: no word holds 己, 已经 does). Every
    word of two to four characters around the character counts, so 自己经营 keeps its 己
    (自己 is a word). A fix is only suggested when the word found is rare, when two
    look-alikes would both make words, or when its group is marked unsafe, unless the
    words around read far likelier with the look-alike (`_SURE_GAIN`); that is also the
    only way a character a word holds as printed is changed (负贵人 → 负责人: 贵人 is a word).
    In a text read from an OCR result, a low engine score for the character (`_LOW_SCORE`)
    makes a look-alike the words leave in doubt a suggestion, and every change names the score."""

    KIND: ClassVar[str] = "confusion"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"groups", "groups_file", "min_frequency", "misread_where"})
    WEIGHS_SCORES: ClassVar[bool] = True

    groups: list[ConfusionGroup] = field(default_factory=list)
    min_frequency: int = 100  # the word a safe fix makes is at least this common
    alone_ratio: int = 100  # with no word either way: how much more common the look-alike must be
    # Matched at a character: where it never stands on its own (于 before a comma needs an
    # object). Held by no word there, it is taken for its look-alike for sure.
    misread_where: regex.Pattern | None = None
    alternatives: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    candidates: re.Pattern | None = None  # every character of every group, one class
    # per character of a group, printed or meant: the left and the right neighbours that make
    # a word of two with it (from the word list, on first need)
    _partners: dict[str, tuple[frozenset[str], frozenset[str]]] | None = field(default=None, repr=False, compare=False)

    def compile(self) -> None:
        alternatives: dict[str, list[tuple[str, bool]]] = {}
        for group in self.groups:
            for ch in group.read:
                others = alternatives.setdefault(ch, [])
                others += [(other, group.safe) for other in group.meant if other != ch]
        self.alternatives = alternatives
        self.candidates = re.compile("[" + re.escape("".join(sorted(alternatives))) + "]")

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> ConfusionRule:
        rule = cls(**common)
        data = entry.data
        groups = data.get("groups", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise entry.fail("groups", f"rule {rule.id}: `groups` must be a list of look-alike characters (\"己已巳\", \"面衡→衢\")")
        rule.groups = [_confusion_group(g, True, rule.id, entry.fail) for g in groups]
        if "groups_file" in data:
            rule.groups += _read_confusion_groups(entry.folder / str(data["groups_file"]), rule.id, entry.fail)
        if not rule.groups:
            raise entry.fail("groups", f"rule {rule.id}: a confusion rule needs `groups` or `groups_file`")
        frequency = data.get("min_frequency", 100)
        if not isinstance(frequency, int) or frequency < 0:
            raise entry.fail("min_frequency", f"rule {rule.id}: `min_frequency` must be a whole number")
        rule.min_frequency = frequency
        if "misread_where" in data:
            rule.misread_where = entry.pattern("misread_where")
        rule.compile()
        return rule

    def edit_sites(self) -> re.Pattern | None:
        return self.candidates

    def sites(self, joined: str) -> list[tuple[int, int]]:
        # Most look-alikes in a text are quiet (国, 间, 所 in their words): `find` changes a
        # text only where one is not. A newline is in no word, so a quiet character of the
        # joined texts is quiet in its own text.
        return [(at, at + 1) for at in (m.start() for m in self.candidates.finditer(joined)) if not self._quiet(joined, at)]

    def find(self, text: str) -> list[Edit]:
        return self.find_scored(text, ())

    def find_scored(self, text: str, scores: Scores) -> list[Edit]:
        # One fix can give a neighbour its word (未曰日: 曰→日 makes 日日, then 未…), so the
        # safe fixes are made in the text as they are found and their neighbours weighed
        # again, each character changed at most once; the rest are only suggested.
        hits = [match.start() for match in self.candidates.finditer(text)]
        if not hits:
            return []
        chars = list(text)
        weighed: dict[int, Edit | None] = {}
        fixed: set[int] = set()
        pending = hits
        while pending:
            working = text if not fixed else "".join(chars)
            made = []
            for at in pending:
                edit = weighed[at] = self._weigh(working, at, scores[at] if scores else None)
                if edit and not edit.unsafe:
                    fixed.add(at)
                    chars[at] = edit.after
                    made.append(at)
                    working = "".join(chars)
            pending = [at for at in hits if at not in fixed and any(abs(at - m) <= 3 for m in made)]
        return [weighed[at] for at in hits if weighed[at]]

    def _pairs_up(self, text: str, at: int, ch: str) -> bool:
        """Whether `ch` at `at` makes a word of two characters with a neighbour."""
        if self._partners is None:
            self._partners = self._word_partners()
        left, right = self._partners.get(ch, (frozenset(), frozenset()))
        return (at > 0 and text[at - 1] in left) or text[at + 1 : at + 2] in right

    def _word_partners(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        wanted = set(self.alternatives) | {other for others in self.alternatives.values() for other, _ in others}
        lefts: dict[str, set[str]] = {ch: set() for ch in wanted}
        rights: dict[str, set[str]] = {ch: set() for ch in wanted}
        for word in word_table():
            if len(word) == 2:
                if word[1] in lefts:
                    lefts[word[1]].add(word[0])
                if word[0] in rights:
                    rights[word[0]].add(word[1])
        return {ch: (frozenset(lefts[ch]), frozenset(rights[ch])) for ch in wanted}

    def _quiet(self, text: str, at: int) -> bool:
        """Whether the character at `at` stands in a word of two with a neighbour and none of
        its look-alikes would make one: `_weigh` would find nothing, and most characters of a
        group (国, 间, 所…) are such. A few set look-ups instead of the weighing."""
        printed = text[at]
        return self._pairs_up(text, at, printed) and not any(self._pairs_up(text, at, other) for other, _ in self.alternatives[printed])

    def _weigh(self, text: str, at: int, score: float | None = None) -> Edit | None:
        """The fix of the character at `at`, weighed on the word list and on the OCR engine's
        `score` for it (None: a transcript), or None."""
        if self._quiet(text, at):
            return None
        printed = text[at]
        if printed in text[max(0, at - 2) : at] + text[at + 1 : at + 3]:
            return None  # doubled (——, 人人) or parallel (入脑入心, 人山人海): written on purpose
        held = in_a_word(text, at)
        alternatives = self.alternatives.get(printed, ())
        if held:
            # Most characters are held: weigh only a look-alike that makes a word of two with a
            # neighbour (负贵人: 负责), two look-ups instead of a search.
            alternatives = [(other, safe) for other, safe in alternatives if self._pairs_up(text, at, other)]
        found = []  # (gain, frequency, word, start, look-alike, safe)
        for other, safe in alternatives:
            covering = covering_word(text, at, other)
            if covering:
                word, frequency, start = covering
                found.append((_gain(text, at, other), frequency, word, start, other, safe))
        telling = not held and self.misread_where is not None and self.misread_where.match(text, at)
        if not found:
            return None if held else _scored(self._weigh_alone(text, at, bool(telling)), score, printed)
        found.sort(reverse=True)
        gain, frequency, word, start, other, safe = found[0]
        bar = _SURE_GAIN if held else _SURE_GAIN_FREE
        sure = gain >= bar and (len(found) == 1 or found[1][0] <= gain - bar)
        sure = sure or (bool(telling) and len(found) == 1)
        # the engine doubts the character, and the words around read likelier with the look-alike
        doubted = score is not None and score < _LOW_SCORE and gain >= _DOUBTED_GAIN
        window = text[start : start + len(word)]
        if held:
            # The text makes words as printed too (负贵人: 贵人): only a far likelier reading wins,
            # or, suggested, a likelier one the engine doubts the printed character of.
            if not sure and not doubted:
                return None
            evidence = (
                f"{window} → {word}: {word!r} is a word (freq {frequency}); the words around read "
                f"{_odds(gain)} times as likely with {other!r} as with {printed!r}"
            )
            return _scored(Edit(at, at + 1, other, not safe or not sure, evidence), score, window)
        if frequency < self.min_frequency // _TOO_RARE_TO_SUGGEST and not sure and not doubted:
            return None  # a word this rare (的土 → 的士) is no evidence on its own
        rivals = {f[4] for f in found}
        unsafe = not safe or (not sure and (frequency < self.min_frequency or len(rivals) > 1))
        evidence = f"{window} → {word}: {word!r} is a word (freq {frequency}), {window!r} is not, nor any word around {printed!r}"
        if len(rivals) > 1:
            evidence += f"; {' and '.join(sorted(rivals))} would both make words"
        if telling and (frequency < self.min_frequency or len(rivals) > 1):
            evidence += f"; {printed!r} never stands there on its own ({self.misread_where.pattern})"
        elif sure and (frequency < self.min_frequency or len(rivals) > 1):
            evidence += f"; the words around read {_odds(gain)} times as likely with {other!r}"
        return _scored(Edit(at, at + 1, other, unsafe, evidence), score, window)

    def _weigh_alone(self, text: str, at: int, telling: bool) -> Edit | None:
        """No word holds the character either way (全区巳引进): a look-alike that is far more
        common as a word of its own is the likelier reading (已 is 213 times as common as 巳),
        and so is the look-alike where the character never stands alone (`misread_where`)."""

        table = word_table()
        printed = text[at]
        if at and text[at - 1] in _HEAVENLY_STEMS:
            return None  # a year of the sexagenary cycle (乙巳年): the rare character is right
        alone = table.get(printed, 1)
        found = sorted((table.get(other, 0), other, safe) for other, safe in self.alternatives[printed])
        frequency, other, safe = found[-1]
        if telling and len(found) == 1:
            evidence = (
                f"no word holds {printed!r} or {other!r} here, and {printed!r} never stands there "
                f"on its own ({self.misread_where.pattern})"
            )
            return Edit(at, at + 1, other, not safe, evidence)
        if frequency < self.alone_ratio * alone or (len(found) > 1 and found[-2][0] >= self.alone_ratio * alone):
            return None
        evidence = (
            f"no word holds {printed!r} or {other!r} here; {other!r} alone is {frequency // alone} times "
            f"as common as {printed!r} (freq {frequency} against {alone})"
        )
        return Edit(at, at + 1, other, not safe, evidence)


def _confusion_group(chars: str, safe: bool, rule_id: str, fail) -> ConfusionGroup:
    """A group written `己已巳` (each may stand for each other) or `面衡→衢` (each on the
    left may be a misread character on the right)."""
    read, _, meant = "".join(chars.split()).partition("→")
    meant = meant or read
    if not read or not meant or len(set(read + meant)) < 2:
        raise fail("groups", f"rule {rule_id}: a confusion group is two or more different characters (己已巳 or 面衡→衢), not {chars!r}")
    return ConfusionGroup(read, meant, safe)


def _read_confusion_groups(path: Path, rule_id: str, fail) -> list[ConfusionGroup]:
    """Groups from a file: `characters[<TAB>safe|unsafe[<TAB>note]]` a line, # comments."""
    try:
        lines = read_data_file(path).split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise fail("groups_file", f"rule {rule_id}: cannot read groups file {path}: {error}") from None
    groups = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        level = fields[1].strip() if len(fields) > 1 and fields[1].strip() else "safe"
        if level not in LEVELS:
            raise RuleError(str(path), number, f"rule {rule_id}: the level after the characters must be safe or unsafe")

        def at_line(key: str, problem: str, number: int = number) -> RuleError:
            return RuleError(str(path), number, problem)

        groups.append(_confusion_group(fields[0], level == "safe", rule_id, at_line))
    return groups
