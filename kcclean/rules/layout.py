"""`layout` rules: kcclean's own decisions about page structure (joins, moves, records). Their
logic is the layout stage's; each is listed in `rules/90-layout.toml` so that every change in
the report names a rule that can be looked up, selected, ignored or made unsafe. The stage
names them by the constants below, and a rule file may only define these: an unknown id is
an error when the rules load, as ruff rejects an unknown code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from .base import Rule


class LayoutRuleId(StrEnum):
    HEADING_MARKER = "layout.heading-marker"  # a markdown heading marker, recorded
    FRONT_MATTER = "layout.front-matter"  # a kcclean article file's front matter, recorded
    LINE_EDGE = "layout.line-edge"  # a no-break space, em space or control at a line's end: removed
    CONTINUATION = "layout.continuation"  # （下转2版）, （上接1版）, recorded
    BYLINE = "layout.byline"  # a standalone byline, kept as the article's byline
    BANNER = "layout.banner"  # a headline with no body: a column banner
    ORPHAN = "layout.orphan"  # the cut-off last line of the article before it
    FURNITURE = "layout.furniture"  # a line of page furniture no lexicon knows
    BROKEN_WRAP = "join.broken-wrap"  # a paragraph cut mid-sentence by a blank line or line break
    LINE_WRAP = "join.line-wrap"  # the lines of a hard-wrapped column
    OVERLAP = "join.overlap"  # a column break that repeats the column's last characters
    DISPLACED_LEAD = "move.displaced-lead"  # a lead printed after its own tail
    PAGE_JUMP = "stitch.page-jump"  # an article continued on another page
    SPLIT_WORD = "headline.split-word"  # a space that cuts a word of a headline
    REVIEW = "layout.review"  # a layout decision a reviewer made (a [[layout]] entry), kept


# What a `[[layout]]` entry of a review file can decide about its line: the labels of the
# layout model it leaves the line (a line decision), or what happens at the line (a break
# before it: `join`, `keep-break`; a move of it, or a stitch of the continuation it heads:
# `keep-in-place`).
_ALL_LABELS = frozenset({"masthead", "banner", "head", "head+", "subhead", "byline", "credit", "body"})
LINE_DECISIONS: dict[str, frozenset[str]] = {
    "headline": frozenset({"head", "head+"}),
    "not-headline": _ALL_LABELS - {"head", "head+"},
    "new-article": frozenset({"head"}),
    "same-article": _ALL_LABELS - {"head"},
    "subhead": frozenset({"subhead"}),
    "body": frozenset({"body"}),
    "byline": frozenset({"byline"}),
    "not-byline": _ALL_LABELS - {"byline"},
}
BREAK_DECISIONS = ("join", "keep-break")
MOVE_DECISIONS = ("keep-in-place",)
DECISIONS = (*LINE_DECISIONS, *BREAK_DECISIONS, *MOVE_DECISIONS)


@dataclass(frozen=True, slots=True)
class LayoutDecision:
    """A `[[layout]]` entry of a review file: what a reviewer decided about line `line` of input
    `source` (as the report names it), and the line's text then (empty: not given), so that a
    decision about a line that has since changed is reported, not applied to another line."""

    source: str
    line: int
    decide: str
    note: str
    text: str
    origin: str  # the review file and the entry's line in it, `file:line`

    def explain(self) -> str:
        return f"kept by review ({self.origin}): {self.decide}" + (f", {self.note}" if self.note else "")


@dataclass(slots=True)
class LayoutRule(Rule):
    """A rule about page structure. Its examples are whole transcripts and `fixed` the articles
    they come out as (tested through the whole pipeline)."""

    KIND: ClassVar[str] = "layout"
