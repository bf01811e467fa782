"""What the layout model weighs at a break between two pieces of a paragraph (a join, or the
paragraph's end): how the line before it ends and fills its column, how the next piece
opens, whether words read across, and what the rest of the page does. Kept as data, like a
line's features (`features.Features`).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ..model import Page, Unit
from .cues import (
    LEAD,
    QUOTE_CLOSERS,
    bare_lead,
    ends_sentence,
    near_width,
    opens_paragraph,
    opens_with_continuation,
    without_strays,
)
from .cuts import GAIN_CAP, IssueText, certain_cut, reads_joined
from .features import Features

_OPEN_ENDS_CAP = 4  # other unmarked paragraph ends on a page from which the page says it all
_SHORT_PIECE = 20  # as short as a subhead, a dateline or a byline: no running prose
_FIELD = regex.compile(r"^\p{Han}{2,8}[：:]")  # 项目名称：… a field of a notice or a form
_DATE_END = regex.compile(r"\d{1,4}[年月日]$|[年月]\d{1,2}日$")
_DATE_START = regex.compile(r"^\d{4}年|^\d{1,2}月\d{1,2}日")
_BARE_LEAD_LONGEST = 60  # a cue and its bracket of names


@dataclass(frozen=True, slots=True)
class Preceding:
    """The paragraph joined so far before a break: its last piece, its text, how many quotes
    or brackets it left open, and whether it has a clause mark."""

    last: Unit
    text: str
    unclosed: int
    clauses: bool


def break_features(before: Preceding, after: Unit, page: Page, text: IssueText) -> Features:
    """What shows that the paragraph was cut between `before` and `after`, or that it ended."""
    features = Features()
    add = features.add
    a, b = before.last, after
    ended = ends_sentence(a.text)
    add("a sentence ends before it" if ended else "no sentence end", detail=repr(a.text[-6:]))
    if page.wrap_width:
        add("the page is hard-wrapped")
        if near_width(a, page.wrap_width):
            add("the line fills the column", detail=f"{page.wrap_width} characters")
        else:
            add("the line stops short of the column", detail=f"{a.width} of {page.wrap_width} characters")
        if page.uses_indent:
            add("the page indents paragraphs")
        if not b.indented and page.wrap_width - 2 <= b.width < page.wrap_width:
            add("the next line stops two short of the column", detail="a paragraph's first line whose indent was lost")
    add("a blank line between" if b.block_start else "a line break between")
    if b.gap_before >= 2:
        add("blank lines between: 2+")
    if b.indented:
        add("the next line is indented")
    if not ended:
        sign = certain_cut(a.text, b.text, before.unclosed > 0)
        if sign is not None:
            add(sign[0], detail=sign[1])
        if len(before.text) <= _BARE_LEAD_LONGEST and bare_lead(before.text):
            add("a lead with no text after its cue")
        if opens_with_continuation(b.text):
            add("the next part starts mid-sentence", detail=repr(b.text[:4]))
        gain = reads_joined(a.text, b.text)
        if gain > 0:
            add("words read across the break", min(gain, GAIN_CAP) / GAIN_CAP, f"{a.text[-2:]}|{b.text[:2]} {gain:.1f}")
        if text.prints(a.text[-2:] + b.text[:2]):
            add("a phrase printed elsewhere runs across", detail=repr(a.text[-2:] + b.text[:2]))
        if seen := text.pair_count(a.text[-1] + b.text[:1]):
            add("the pair occurs elsewhere in the issue", min(seen, 5) / 5, f"{a.text[-1] + b.text[:1]!r} {seen} times")
        if before.clauses:
            add("the paragraph so far has a clause mark")
        if a.text.rstrip()[-1:] in QUOTE_CLOSERS + "）)":
            add("the first part may end with a quote", detail=repr(a.text[-3:]))
    if len(before.text) <= _SHORT_PIECE:
        add("the first part is short", detail=f"{len(before.text)} characters")
    if len(b.text) <= _SHORT_PIECE:
        add("the next part is short", detail=f"{len(b.text)} characters")
    if _FIELD.match(before.text):
        add("the first part is a field", detail=repr(before.text[:6]))
    if _FIELD.match(b.text):
        add("the next part is a field", detail=repr(b.text[:6]))
    if _DATE_END.search(a.text):
        add("the first part ends with a date")
    if _DATE_START.match(b.text):
        add("the next part starts with a date")
    if opens_paragraph(b.text):
        add("the next part opens a paragraph", detail=repr(b.text[:6]))
    if LEAD.match(without_strays(b.text)):
        add("the next part is a lead")
    if page.cuts >= 2:
        add("the page cuts paragraphs at column breaks", detail=f"{page.cuts} certain cuts")
    if not ended and page.open_ends >= 2:
        others = page.open_ends - 1
        add("other paragraphs of the page stop without a mark", min(others, _OPEN_ENDS_CAP) / _OPEN_ENDS_CAP, f"{others} of them")
    return features
