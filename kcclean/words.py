"""The bundled word lists: a word-frequency table derived from jieba's dictionary, with the
paper's own place names (data/local-words.tsv), and the 通用规范汉字表 (see data/NOTICE.txt).
Loaded once, on first need; asked only where a decision is open, so they cost nothing on
clean text.
"""

from __future__ import annotations

import functools
import gzip
import math
import re
from importlib import resources

# The cut-through word must be this common relative to the rarer of its two pieces as words
# of their own: 隐患 (502) against 隐 (1630) is; 开会 against 开 (27900) is not.
_WORD_OVER_PIECES = 0.2


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
    for word, piece_l, piece_r in _words_spanning(left, right):
        if table[word] >= _WORD_OVER_PIECES * min(table.get(piece_l, 0), table.get(piece_r, 0)):
            return word
    return None


def _words_spanning(left: str, right: str):
    """Each word of the table that the end of `left` and the start of `right` make together,
    longest first, with its two pieces."""
    table = word_table()
    for before, after in _CUTS_ACROSS:
        if before <= len(left) and after <= len(right):
            piece_l, piece_r = left[-before:], right[:after]
            if piece_l + piece_r in table:
                yield piece_l + piece_r, piece_l, piece_r


# Where a cut can split a word of four, three or two characters: (characters before it, after it).
_CUTS_ACROSS = tuple((before, size - before) for size in (4, 3, 2) for before in range(1, size))


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


# A word found across a removed character must be at least this common to count (the confusion
# rule's own bar for a word that settles a fix: rarer entries of the table include many names).
_WORD_AT_JOIN_FREQUENCY = 100


def word_at_join(left: str, right: str) -> tuple[str, int] | None:
    """The most common word of two to four characters that `left` and `right` make where they
    meet (负责 + 人 → 负责人), as (word, frequency), at least `_WORD_AT_JOIN_FREQUENCY` common;
    None when no such word spans the join."""
    table = word_table()
    found = [(table[word], word) for word, _, _ in _words_spanning(left, right) if table[word] >= _WORD_AT_JOIN_FREQUENCY]
    if not found:
        return None
    frequency, word = max(found, key=lambda pair: pair[0])  # the longest of equally common ones
    return word, frequency


def in_a_word(text: str, at: int) -> bool:
    """Whether a word of two to four characters covers position `at` of `text`: the shortest
    first, as most covered characters are in a two-character word."""
    table = word_table()
    for size in (2, 3, 4):
        for start in range(max(0, at - size + 1), min(at, len(text) - size) + 1):
            if text[start : start + size] in table:
                return True
    return False


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters of a title (for a file name), cut where a reader would cut
    it: the last place in its second half at punctuation or a space, between a Latin word and
    Chinese, or between two words of the table; mid-word only where there is none. A cut
    title does not end on punctuation."""
    if len(text) <= limit:
        return text
    for at in range(limit, limit // 2, -1):
        if _between_words(text, at):
            return _TRAILING_MARKS.sub("", text[:at]) or text[:limit]
    return text[:limit]


# what a shortened title does not end on: punctuation and spaces (an opening bracket too)
_TRAILING_MARKS = re.compile(r"[\W_]+$")


def _between_words(text: str, at: int) -> bool:
    """Whether cutting `text` before position `at` splits no word."""
    left, right = text[at - 1], text[at]
    if not (left.isalnum() and right.isalnum()):  # punctuation or a space
        return True
    if left.isascii() or right.isascii():  # inside a Latin word or a number, or where one meets Chinese
        return left.isascii() != right.isascii()
    table = word_table()
    for size in (2, 3, 4):  # a word of the table across the cut
        for start in range(max(0, at - size + 1), min(at - 1, len(text) - size) + 1):
            if text[start : start + size] in table:
                return False
    return True


@functools.lru_cache(maxsize=16384)
def split_cost(text: str) -> float:
    """How unlikely `text` is as a run of words: the cost (-log probability) of its likeliest
    split into words of the table, each word an independent draw (jieba's unigram model). A
    character the table lacks costs as much as a word seen once. Lower is likelier. (Asked of
    the few characters around each break, again and again: cached.)"""
    costs, unknown = _word_costs()
    best = [0.0]  # the cost of the likeliest split of each prefix
    for end in range(1, len(text) + 1):
        top = best[end - 1] + costs.get(text[end - 1], unknown)  # a character on its own
        for size in range(2, min(4, end) + 1):
            cost = costs.get(text[end - size : end])
            if cost is not None and best[end - size] + cost < top:
                top = best[end - size] + cost
        best.append(top)
    return best[-1]


@functools.cache
def _word_costs() -> tuple[dict[str, float], float]:
    """Each word's cost, and the cost of a character the table lacks (a word seen once)."""
    table = word_table()
    total = sum(table.values())
    return {word: math.log(total / frequency) for word, frequency in table.items() if frequency}, math.log(total / 1)


_COMMON_LEVELS = 6500  # levels 1 and 2 of the table (numbers 1 to 6,500): what every font has


@functools.cache
def standard_characters(common: bool = False) -> frozenset[str]:
    """The 8,105 characters of the 通用规范汉字表 (2013), bundled (see data/NOTICE.txt), or
    with `common` those of its first two levels only (its third, 1,605 characters of names and
    special fields, many fonts lack)."""
    lines = resources.files("kcclean").joinpath("data/standard-chars.txt").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in lines.splitlines() if line and not line.startswith("#"))
    return frozenset(char for number, char in rows if not common or int(number) <= _COMMON_LEVELS)
