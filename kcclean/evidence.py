"""Evidence for layout decisions: is a cut inside a word, does a line start a paragraph?

Two sources: the issue's own text (疫情防控 printed ten times makes 情|防 a natural pair),
and a bundled word-frequency table derived from jieba's dictionary (kcclean/data/NOTICE.txt).
Both are only consulted at the few places a decision is open, so they cost nothing on
clean text.
"""

from __future__ import annotations

import functools
import gzip
import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import regex

# How paragraphs of a news story open, unmistakably: a dated or time-word sentence start
# with its comma, a meeting report's verb, a connective. Words that also continue
# sentences (在, 为, 同时, a quote mark) are no evidence.
_OPENER = regex.compile(
    r"^(\d{1,2}月\d{1,2}日[上中下晚凌早]?[午晚]?[，,]|(近日|日前|近期|近年来|据悉|据了解|会上|此外|另外|"
    r"下一步|与此同时|接下来|\p{Han}{1,6}以来)[，,]|会议(指出|强调|要求|认为|提出|决定)|记者从)"
)
# The cut-through word must be this common relative to the rarer of its two pieces as words
# of their own: 隐患 (502) against 隐 (1630) is; 开会 against 开 (27900) is not.
_WORD_OVER_PIECES = 0.2
_DIRECT_COUNTS = 16
_OVERLAP_MAX = 12
# A paragraph never ends on these: a comma, an enumeration mark, an opening mark, or a
# particle or preposition that needs what follows it.
_NEVER_ENDS = frozenset("，,、“‘（(《「『【")
_DANGLING = frozenset("的和与及或把被将从")
_NUMERALS = frozenset("〇一二三四五六七八九十百千万亿两")
_UNITS = frozenset("年月日号时分秒%％万亿元个名家人次项户亩米倍")
# Text never starts a paragraph with these: it goes on from a cut.
CUT_STARTS = frozenset("，,、。；;：:！!？?”’）)」』】》")


@functools.cache
def word_table() -> dict[str, int]:
    """Word → frequency, from the bundled table (loaded once, on first need), with the
    paper's place names it lacks (data/local-words.tsv)."""
    data = resources.files("kcclean").joinpath("data/words.tsv.gz").read_bytes()
    table = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        word, frequency = line.split("\t")
        table[word] = int(frequency)
    local = resources.files("kcclean").joinpath("data/local-words.tsv").read_text(encoding="utf-8")
    for line in local.splitlines():
        if line and not line.startswith("#"):
            word, frequency, _ = line.split("\t")
            table[word] = max(table.get(word, 0), int(frequency))
    return table


def word_across(left: str, right: str) -> str | None:
    """A dictionary word that a cut between `left` and `right` would split, common enough
    against its pieces as words of their own (隐|患: yes; 开|会: no)."""
    table = word_table()
    for size in (4, 3, 2):
        for before in range(1, size):
            after = size - before
            if before > len(left) or after > len(right):
                continue
            piece_l, piece_r = left[-before:], right[:after]
            if (piece_l + piece_r) not in table:
                continue
            pieces = min(table.get(piece_l, 0), table.get(piece_r, 0))
            if table[piece_l + piece_r] >= _WORD_OVER_PIECES * pieces:
                return piece_l + piece_r
    return None


def covering_word(text: str, at: int, ch: str) -> tuple[str, int, int] | None:
    """The most common word of two to four characters that covers position `at` of `text`
    when `ch` stands there: (word, frequency, where it starts), or None."""
    table = word_table()
    best = None
    for size in (2, 3, 4):
        for start in range(max(0, at - size + 1), min(at, len(text) - size) + 1):
            word = text[start:at] + ch + text[at + 1 : start + size]
            frequency = table.get(word)
            if frequency and (best is None or frequency > best[1]):
                best = (word, frequency, start)
    return best


def in_a_word(text: str, at: int) -> bool:
    """Whether a word of two to four characters covers position `at` of `text`: the shortest
    first, as most covered characters are in a two-character word."""
    table = word_table()
    for size in (2, 3, 4):
        for start in range(max(0, at - size + 1), min(at, len(text) - size) + 1):
            if text[start : start + size] in table:
                return True
    return False


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


def split_cost(text: str) -> float:
    """How unlikely `text` is as a run of words: the cost (-log probability) of its likeliest
    split into words of the table, each word an independent draw (jieba's unigram model). A
    character the table lacks costs as much as a word seen once. Lower is likelier."""
    table = word_table()
    total = _total_frequency()
    best = [0.0] + [math.inf] * len(text)
    for end in range(1, len(text) + 1):
        for size in range(1, min(4, end) + 1):
            frequency = table.get(text[end - size : end], 1 if size == 1 else 0)
            if frequency:
                best[end] = min(best[end], best[end - size] + math.log(total / frequency))
    return best[-1]


@functools.cache
def _total_frequency() -> int:
    return sum(word_table().values())
