"""Evidence that a break between two pieces of text is a cut, not an end: a word or a number
running across it, a clause that cannot end there, a repeated column end; and the issue's
own text, to count how often a pair of characters occurs in it.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

import regex

from ..words import split_cost, word_across

# How paragraphs of a news story open, unmistakably: a dated or time-word sentence start
# with its comma, a meeting report's verb, a connective. Words that also continue
# sentences (在, 为, 同时, a quote mark) are no evidence.
_OPENER = regex.compile(
    r"^(\d{1,2}月\d{1,2}日[上中下晚凌早]?[午晚]?[，,]|(近日|日前|近期|近年来|据悉|据了解|会上|此外|另外|"
    r"下一步|与此同时|接下来|\p{Han}{1,6}以来)[，,]|会议(指出|强调|要求|认为|提出|决定)|记者从)"
)
# Issues with more open joins than this count all their pairs at once.
_DIRECT_COUNTS = 16
_OVERLAP_MAX = 12  # the longest repeat at a column break
# A paragraph never ends on these: a comma, an enumeration mark, an opening mark, or a
# particle or preposition that needs what follows it.
_NEVER_ENDS = frozenset("，,、“‘（(《「『【")
_DANGLING = frozenset("的和与及或把被将从")
_NUMERALS = frozenset("〇一二三四五六七八九十百千万亿两")
_UNITS = frozenset("年月日号时分秒%％万亿元个名家人次项户亩米倍")
# Text never starts a paragraph with these: it goes on from a cut.
CUT_STARTS = frozenset("，,、。；;：:！!？?”’）)」』】》")


@dataclass(slots=True)
class IssueText:
    """All the text of an issue, to count how often a short string occurs in it.

    A page has a handful of open joins, each counted with one fast scan; an issue with many
    counts all its pairs and four-character strings once instead, so the cost stays linear
    in its size."""

    joined: str
    _asked: int = 0
    _pairs: Counter[str] | None = None
    _quads: frozenset[str] | None = None

    def pair_count(self, pair: str) -> int:
        self._asked += 1
        if self._pairs is None and self._asked <= _DIRECT_COUNTS:
            return self.joined.count(pair)
        if self._pairs is None:
            text = self.joined
            self._pairs = Counter(map(str.__add__, text, text[1:]))
        return self._pairs[pair]

    def prints(self, quad: str) -> bool:
        """Does the issue print this four-character string?"""
        self._asked += 1
        if self._quads is None and self._asked <= _DIRECT_COUNTS:
            return quad in self.joined
        if self._quads is None:
            text = self.joined
            self._quads = frozenset(text[i : i + 4] for i in range(len(text) - 3))
        return quad in self._quads


def overlap(a: str, b: str) -> int:
    """How many characters `b` repeats of the end of `a` (OCR reading a column break
    twice): the longest repeat of 2 to 12 characters, or 0. A repeat that is also printed
    twice at the end of `a` (研究研究) is real text, not an overlap."""
    limit = min(_OVERLAP_MAX, len(a) - 1, len(b) - 1)
    if limit < 2 or b[0] not in a[-limit:-1]:
        return 0  # a repeat of k characters starts with a[-k] (most breaks have none)
    size = next((k for k in range(limit, 1, -1) if a.endswith(b[:k])), 0)
    if size and a.endswith(b[:size] * 2):
        return 0
    return size


def certain_cut(a: str, b: str, unclosed: bool = False) -> tuple[str, str] | None:
    """The strongest sign, from the two texts alone, that `a` and `b` are one text cut in
    two: (feature of decisions.JOIN, detail), or None. `unclosed`: `a` leaves a quote or
    bracket open."""
    if not a or not b:
        return None
    if (size := overlap(a, b)) >= 3:
        return "OCR repeated the column's end", f"{b[:size]!r} twice"
    if a[-1] in _NEVER_ENDS or a[-1] in _DANGLING:
        return "a clause cannot end there", f"{a[-4:]!r} ends with {a[-1]!r}"
    if unclosed:
        return "a quote or bracket is still open", ""
    if (a[-1].isdigit() or a[-1] in _NUMERALS) and (b[0].isdigit() or b[0] in _NUMERALS or b[0] in _UNITS):
        return "a number runs across", f"{a[-3:]!r}|{b[:3]!r}"
    if word := word_across(a, b):
        return "a word runs across", repr(word)
    if b[0] in CUT_STARTS:
        return "the next part starts mid-sentence", repr(b[:4])
    return None


def starts_paragraph(text: str) -> bool:
    return bool(_OPENER.match(text))


_REACH = 4  # characters each side of a break its words are read over
GAIN_CAP = 8.0  # a gain this large is as telling as any


def reads_joined(a: str, b: str) -> float:
    """How much likelier the words around a break read joined than as two texts: the cost of
    the pieces' likeliest splits into words minus that of the joined text (words.split_cost);
    0 when no word of the list runs across."""
    left, right = a[-_REACH:], b[:_REACH]
    if not left or not right:
        return 0.0
    return _gain(left, right)


@functools.lru_cache(maxsize=4096)
def _gain(left: str, right: str) -> float:
    # each pair of lines is weighed as a line's next, as the next line's previous and as a break
    return max(0.0, split_cost(left) + split_cost(right) - split_cost(left + right))
