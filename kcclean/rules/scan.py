"""The texts of one scope of an issue joined by newlines, so that a rule scans them all in one
call, and only the texts its scan touches are looked at one by one."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import accumulate

from ..model import Unit
from .base import Rule


class Scan:
    """The texts of some slots joined by newlines, scanned by a rule in one call."""

    def __init__(self, units: list[Unit]):
        self.units = units
        texts = [unit.text for unit in units]
        self.joined = "\n".join(texts)
        self.starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))

    def touched(self, rule: Rule) -> list[int]:
        """Indexes of the slots the rule may change. After a hit the scan resumes at the next
        slot it has not touched: a rule with a hit in most paragraphs (a common character of
        the look-alike table) costs a step per paragraph, not one per hit."""
        touched: list[int] = []
        starts, size = self.starts, len(self.joined)
        search = _searcher(rule, self.joined)
        position = 0
        while position <= size and (hit := search(position)) is not None:
            start, end = hit
            first = max(bisect_right(starts, start) - 1, len(touched) and touched[-1] + 1)
            last = bisect_right(starts, max(start, end - 1)) - 1
            touched.extend(range(first, last + 1))
            position = starts[last + 1] if last + 1 < len(starts) else size + 1
        return touched


def touched_texts(rule: Rule, texts: list[str]) -> list[int]:
    """Indexes of the texts a rule may change when they are scanned together."""
    return Scan([Unit.alone(t) for t in texts]).touched(rule)


def _searcher(rule: Rule, joined: str) -> Callable[[int], tuple[int, int] | None]:
    """The first place at or after a position where the rule may change the joined text."""
    spans = rule.sites(joined)
    if spans is None:
        return lambda position: (position, size) if position < (size := len(joined)) else None
    return lambda position: _first_from(spans, position)


def _first_from(spans: list[tuple[int, int]], position: int) -> tuple[int, int] | None:
    at = bisect_left(spans, (position,))
    return spans[at] if at < len(spans) else None
