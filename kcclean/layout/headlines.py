"""Is a short line standing on its own a headline, a subhead or body text? Weighed on where
it stands and what follows it (`decisions.HEADLINE`). A headline is never decided by length
alone: it must also stand where a headline can stand (after a finished paragraph, a credit,
the masthead or another headline line) and be followed by something that does not continue
it.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from ..model import PROSE_ROLES, Page, Role, Unit
from .cues import (
    ARTICLE_OPENING,
    LEAD,
    QUOTE_CLOSERS,
    credit_across,
    ends_sentence,
    headline_like,
    is_byline,
    is_photo_credit,
    near_width,
    opens_with_continuation,
    without_strays,
)
from .cuts import certain_cut
from .decisions import HEADLINE, HEADLINE_AT, Weighing

_ARTICLE_WINDOW = 3000
_CLAUSE = regex.compile(r"[，,、；;]")
_HAN_RUN = regex.compile(r"\p{Han}{2,}")
_LOOKAHEAD = 200  # lines searched for the start of an article after possible headline lines
# A line that ends by quoting what something is called (主题是“…”) is a sentence, not a subhead.
_QUOTED_PREDICATE = regex.compile(r"(?:是|为|叫|称|名为)“[^“”]+”$")
_SUBHEAD_LONGEST = 20
_SUBHEAD_SHORT = 8
_SUBTITLE_DASH = ("——", "—", "--")
_WORDS_SHARED = 0.4  # share of a line's character pairs that makes it "about" a text

def _before(units: list[Unit], index: int) -> Iterator[Unit]:
    """The units before `index`, nearest first (without copying the list)."""
    return (units[i] for i in range(index - 1, -1, -1))


def _previous(units: list[Unit], index: int) -> Unit | None:
    at = _previous_at(units, index)
    return None if at is None else units[at]


def _previous_at(units: list[Unit], index: int) -> int | None:
    """Where the nearest unit before `index` that is not a continuation marker stands."""
    return next((at for at in range(index - 1, -1, -1) if units[at].role is not Role.MARKER), None)


def _next(units: list[Unit], index: int) -> Unit | None:
    following = (units[i] for i in range(index + 1, len(units)))
    return next((u for u in following if u.role not in (Role.MARKER, Role.MASTHEAD)), None)


def continues_line(units: list[Unit], index: int) -> bool:
    """In a hard-wrapped page: does this line go on from a full line of its block?"""
    if index == 0:
        return False
    unit, previous = units[index], units[index - 1]
    if unit.text.startswith("——") and headline_like(unit):
        return False  # a —— subtitle starts its own line
    # a headline line is never wrapped: the line under it is another headline line or text
    return not unit.block_start and not unit.indented and previous.full_width and previous.role is not Role.HEADLINE


def decide_headline(units: list[Unit], index: int, page: Page) -> None:
    """Headline, subhead or body: a line shaped like a headline is weighed on where it
    stands and what follows it (decisions.HEADLINE); a line that is no headline but stands
    alone after a finished paragraph, with fresh text after it, is a subhead."""
    unit = units[index]
    if not headline_like(unit) or unit.continued_from:
        return  # text after a 上接 marker goes on from another page
    before_at = _previous_at(units, index)
    before = None if before_at is None else units[before_at]
    text_before = before is not None and before.role not in (Role.MASTHEAD, Role.BANNER)
    ended = not text_before or _ended(before) or _jumps_off(units, index) or _closes_credit(units, before_at)
    if page.wrap_width and (unit.indented or _cut_at_width(units, index, page, ended)):
        return  # in a hard-wrapped column, indented lines and lines cut at the width are body
    if not unit.block_start and (before is None or before.role is not Role.HEADLINE):
        return  # inside a block only the leading lines can be headline lines
    after = _next(units, index)
    if not unit.heading and after is not None and certain_cut(unit.text, after.text):
        return  # OCR repeated it at a column break, or a word or number runs on: one text cut in two
    found, position = _article_follows(units, index)
    if not unit.heading and after is not None and opens_with_continuation(without_strays(after.text)) and found not in (_JUMP, LEAD_LATER):
        return  # the text after it starts mid-sentence: only a page jump or a displaced lead explains that
    if not unit.heading and text_before and before.role is Role.LEAD and _ends_displaced_text(units, index):
        return  # a lead printed after its own tail is followed by the start of its next paragraph
    weighing = Weighing(HEADLINE)
    if unit.heading:
        weighing.add("markdown heading")
    if not text_before:
        weighing.add("top of the page")
    elif before.role is Role.HEADLINE:
        weighing.add("under a headline line")
        if unit.text.startswith(_SUBTITLE_DASH):
            weighing.add("a —— subtitle")
    elif ended:
        weighing.add("after a finished text")
    elif _ends_displaced_text(units, index):
        weighing.add("after a displaced beginning", repr(before.text[-6:]))
    elif before.text.rstrip()[-1:] not in QUOTE_CLOSERS:  # a paragraph may end on a quotation
        weighing.add("after a cut sentence", repr(before.text[-6:]))
    under_headline = text_before and before.role is Role.HEADLINE
    if found and not (under_headline and found in (_CREDITED, LEAD_LATER) and not _titled(unit)):
        weighing.add(found)  # a credit or a lead further on shows where a headline starts, not how far it runs
    run = [u for u in units[index + 1 : position] if u.role is not Role.MARKER]
    if found != _FOOT and run and _titled(run[0]):
        weighing.add("headline lines follow")
    if len(unit.text) <= _SUBHEAD_SHORT and not unit.heading:
        weighing.add("as short as a subhead", f"{len(unit.text)} characters")
    following = [u for u in units[position : position + 2] if u.role in PROSE_ROLES or u.role is Role.BODY]
    if following and ARTICLE_OPENING.match(without_strays(following[0].text)):
        weighing.add("an article opening follows", repr(following[0].text[:6]))
    if text_before and before.role is not Role.HEADLINE:
        ahead = _share(unit.text, "".join(u.text for u in following))
        behind = _share(unit.text, _article_so_far(units, index))
        if ahead >= _WORDS_SHARED:
            weighing.add("its words open the next text", f"{ahead:.0%}")
        if behind >= _WORDS_SHARED and behind > ahead:
            weighing.add("its words echo the article before", f"{behind:.0%}")
    if weighing.score >= HEADLINE_AT:
        unit.role = Role.HEADLINE
    elif (
        text_before
        and ended
        and before.role is not Role.HEADLINE
        and len(unit.text) <= _SUBHEAD_LONGEST
        and not _QUOTED_PREDICATE.search(unit.text)
        and after is not None
        and after.block_start
    ):
        unit.role = Role.SUBHEAD
    else:
        return  # body text: the weighing explains nothing an article shows
    unit.why = weighing.evidence()


def cut_before(units: list[Unit], index: int) -> bool:
    """Does the text before this line stop mid-sentence (so this line goes on with it)?"""
    before = _previous(units, index)
    return before is not None and before.role in PROSE_ROLES and not _ended(before)


def _cut_at_width(units: list[Unit], index: int, page: Page, ended: bool) -> bool:
    """Is this line of a hard-wrapped column cut at the column width, its text going on in the
    next line? Not when it is shaped like a headline line and a lead follows its run."""
    unit = units[index]
    if ended or not near_width(unit, page.wrap_width) or not _wraps_on(units, index):
        return False
    return not (_titled(unit) and _article_follows(units, index)[0] == LEAD_FIRST)


def _titled(unit: Unit) -> bool:
    """A line shaped like a headline's second line: a —— subtitle, or no clause marks."""
    return unit.text.startswith(_SUBTITLE_DASH) or not _CLAUSE.search(unit.text)


def _closes_credit(units: list[Unit], at: int) -> bool:
    """Is the unit at `at` the second line of a credit wrapped over two (雯 摄）)?"""
    return at > 0 and credit_across(units[at - 1].text, units[at])


def _ended(unit: Unit) -> bool:
    """Did the text end with this unit: a sentence end, a credit, a byline, a jump?"""
    return unit.role not in (Role.BODY, Role.LEAD) or ends_sentence(unit.text) or bool(unit.continued_to)


def _han_pairs(text: str) -> set[str]:
    return {run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


def _share(line: str, text: str) -> float:
    """The share of the line's character pairs that the text prints."""
    pairs = _han_pairs(line)
    return sum(1 for pair in pairs if pair in text) / len(pairs) if pairs and text else 0.0


def _article_so_far(units: list[Unit], index: int) -> str:
    """The text since the last headline before this line (its last few thousand characters)."""
    parts, size = [], 0
    for unit in _before(units, index):
        if unit.role is Role.HEADLINE or size > _ARTICLE_WINDOW:
            break
        if unit.role not in (Role.MASTHEAD, Role.BANNER, Role.MARKER):
            parts.append(unit.text)
            size += len(unit.text)
    return "".join(parts)


def _jumps_off(units: list[Unit], index: int) -> bool:
    """Is there a （下转N版） standing alone just before this line? The article before ended."""
    for unit in _before(units, index):
        if unit.role is not Role.MARKER:
            return False
        if unit.continued_to:
            return True
    return False


def _wraps_on(units: list[Unit], index: int) -> bool:
    """Does the next line of the same block continue this one (not indented)?"""
    following = units[index + 1] if index + 1 < len(units) else None
    return following is not None and not following.block_start and not following.indented


# What shows that an article starts after some headline lines:
LEAD_FIRST = "a lead or byline follows"
LEAD_LATER = "a lead further on"
_JUMP = "a 上接 marker follows"
_CREDITED = "a photo credit follows"
_FOOT = "only headline-like lines follow"


def _article_follows(units: list[Unit], index: int) -> tuple[str | None, int]:
    """What, past the headline lines starting here and before the next possible headline,
    shows that an article starts (one of the constants above, or None), and where the
    text after the headline lines begins."""
    position = index + 1
    while position < len(units) and position - index <= 4:
        unit = units[position]
        if unit.role is not Role.MARKER and not _could_be_headline_line(units, position):
            break
        position += 1
    else:
        return _FOOT, position
    for offset in range(min(len(units), position + _LOOKAHEAD) - position):
        unit = units[position + offset]
        text = without_strays(unit.text)
        if is_photo_credit(text) or (offset + position + 1 < len(units) and credit_across(text, units[position + offset + 1])):
            return _CREDITED, position
        if LEAD.match(text) or is_byline(unit.text):
            return (LEAD_FIRST if offset == 0 else LEAD_LATER), position
        if unit.continued_from:
            return _JUMP, position
        previous = units[position + offset - 1]
        if offset and (
            previous.continued_to
            or unit.heading
            or (unit.block_start and ends_sentence(previous.text) and _could_be_headline_line(units, position + offset))
        ):
            return None, position  # another article starts here, or this one jumped to another page
    return None, position


def _could_be_headline_line(units: list[Unit], index: int) -> bool:
    """Could this line continue a run of headline lines? Not a byline, not the start of an
    article's text (上接), and not a line of a hard-wrapped column."""
    unit = units[index]
    if is_byline(unit.text) or unit.continued_from or not headline_like(unit):
        return False
    if unit.text.startswith("——"):
        return True  # a —— subtitle, however long
    column_text = unit.full_width and (_wraps_on(units, index) or not unit.block_start)
    return not column_text and not continues_line(units, index)


def _ends_displaced_text(units: list[Unit], index: int) -> bool:
    """Does the cut paragraph before this line end a displaced beginning? Then its rest is at
    the top of its own article: a lead stood after other text since the last headline."""
    lead_seen = False
    for _, unit in zip(range(_LOOKAHEAD), _before(units, index)):
        if unit.role is Role.HEADLINE:
            return False
        if unit.role is Role.LEAD:
            lead_seen = True
        elif lead_seen and unit.role is Role.BODY:
            return True  # body text before the lead: the lead was displaced
    return False

