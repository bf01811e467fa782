"""Units to roles: what each line of a page is, from its text and its neighbours (masthead,
banner, headline, lead, standalone byline, body, photo credit, label, continuation marker).
Headlines and subheads are weighed in `headlines`; this module settles what a line's own
text and the known lines of the lexicons settle.
"""

from __future__ import annotations

import regex

from ..model import PROSE_ROLES, Page, Role, Unit
from ..rules import LayoutRuleId, LexiconRule, Rulebook
from .cues import (
    CREDIT,
    CREDIT_LINE,
    LEAD,
    MARKER,
    SOURCE_LINE,
    ends_sentence,
    headline_like,
    is_byline,
    page_number,
    without_strays,
)
from .cuts import certain_cut
from .headlines import continues_line, cut_before, decide_headline

_TOP_REGION = 16  # the masthead block is among the first lines of a page
_MASTHEAD_MAX = 40
_SUBHEAD_LEVEL = 3  # ### marks a subhead, # and ## a headline
_SUBHEAD_MAX = 20
_PUNCTUATION = regex.compile(r"[\p{P}--·]", regex.V1)
# A dateline standing alone in a diary-style piece: 3月5日 九华乡双溪村 / 3月5日 晴.
_DATELINE = regex.compile(r"^\d{1,2}月\d{1,2}日(?:\s*[上中下晚凌早]?[午晚上])?\s+[\p{Han}\d·]{1,12}$")
# An enumerated heading inside an article: 一、加强组织领导 / （二）压实责任 / 3.强化保障
_ENUMERATED = regex.compile(r"^([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.、])[^。！？；]{2,24}$")
_LABEL = regex.compile(r"^[\[【〔][^\]】〕]{1,12}[\]】〕]$")

def classify(page: Page, rulebook: Rulebook) -> Page:
    """Give every unit of the page its role. Continuation markers are cut out of the text
    and kept on the unit; masthead lines damaged by OCR are restored."""
    units = page.units
    _take_markers(page)
    _find_masthead(page, rulebook)
    banners = rulebook.lexicons("banner")
    for index, unit in enumerate(units):
        if unit.role is not Role.BODY:
            continue
        line = without_strays(unit.text)
        if page.wrap_width and continues_line(units, index) and not CREDIT_LINE.match(line):
            continue  # the rest of a line cut at the column width is body text (a credit line is not)
        if (
            unit.heading >= _SUBHEAD_LEVEL
            or _LABEL.match(line)
            or _DATELINE.match(line)
            or (_ENUMERATED.match(line) and not ends_sentence(line))
        ):
            unit.role = Role.SUBHEAD
        elif CREDIT.match(line) or CREDIT_LINE.match(line) or SOURCE_LINE.match(line):
            unit.role = Role.CREDIT
        elif is_byline(unit.text) and not cut_before(units, index):
            unit.role = Role.BYLINE
        elif LEAD.match(line):
            unit.role = Role.LEAD
        elif headline_like(unit) and _known_line(unit, banners, True, page, rulebook):
            unit.role = Role.BANNER
        elif page.front_matter and not unit.heading:
            continue  # kcclean's own article files mark every headline line with #
        else:
            decide_headline(units, index, page)
    _find_subheads(units)
    page.cuts = _certain_cuts(units)
    return page


def _certain_cuts(units: list[Unit]) -> int:
    """How many blank lines of the page fall where the text certainly goes on: a page
    transcribed cutting paragraphs at column breaks shows it several times."""
    count = 0
    for a, b in zip(units, units[1:]):
        if b.block_start and a.role in PROSE_ROLES and b.role in PROSE_ROLES and not ends_sentence(a.text):
            unclosed = a.text.count("“") > a.text.count("”") or a.text.count("（") > a.text.count("）")
            count += certain_cut(a.text, b.text, unclosed) is not None
    return count


def _take_markers(page: Page) -> None:
    """Cut `（下转2版）` from the end and `（上接1版）` from the start of a unit."""
    for unit in page.units:
        for match in reversed(list(MARKER.finditer(unit.text))):
            forward = match.group("dir")[-1] in "转轉"
            at_end = not unit.text[match.end() :].strip()
            at_start = not unit.text[: match.start()].strip()
            if not (at_end or at_start):
                continue
            number = page_number(match.group("page"))
            if forward:
                unit.continued_to = number
            else:
                unit.continued_from = number
            page.changes += unit.replacement(
                match.start(),
                match.end(),
                "",
                LayoutRuleId.CONTINUATION,
                kind="record",
                evidence=f"continued {'on' if forward else 'from'} page {number}",
            ).changes
            if at_end:
                unit.keep(0, len(unit.text[: match.start()].rstrip()))
            else:
                unit.keep(match.end() + len(unit.text[match.end() :]) - len(unit.text[match.end() :].lstrip()), len(unit.text))
        if not unit.text:
            unit.role = Role.MARKER


def _find_masthead(page: Page, rulebook: Rulebook) -> None:
    """Masthead lines: near the top of the page, or anywhere if a pattern matches them whole
    (a running head of an inner page). Near matches are restored to the known line."""
    lexicons = rulebook.lexicons("masthead")
    for index, unit in enumerate(page.units):
        if unit.role is not Role.BODY or len(unit.text) > _MASTHEAD_MAX:
            continue
        # far from the top of the page only exact lines count: fewer false alarms
        if _known_line(unit, lexicons, index < _TOP_REGION, page, rulebook):
            unit.role = Role.MASTHEAD


def _known_line(unit: Unit, lexicons: list[LexiconRule], fuzzy: bool, page: Page, rulebook: Rulebook) -> bool:
    """Is this a line a lexicon knows (masthead, banner)? A near match is restored to the
    known line, as a change of that lexicon's rule, unless the rule is switched off."""
    for lexicon in lexicons:
        canonical = lexicon.recognise(unit.text, fuzzy)
        if canonical is None:
            continue
        if canonical != unit.text and rulebook.active(lexicon.id):
            verdict = rulebook.verdict(lexicon.id)
            evidence = f"close to the known line {canonical!r}"
            replacement = unit.replacement(0, len(unit.text), canonical, lexicon.id, applied=verdict.applied, level=verdict.level, evidence=evidence)
            page.changes += replacement.changes
            if verdict.applied:
                unit.apply(replacement)
        unit.lexicon = lexicon.id
        return True
    return False


def _find_subheads(units: list[Unit]) -> None:
    """A short line with no punctuation next to a label ([关键词] 一站式 幸福感) is a label too."""
    for index, unit in enumerate(units):
        if unit.role is not Role.BODY or len(unit.text) > _SUBHEAD_MAX:
            continue
        if _PUNCTUATION.search(unit.text):
            continue
        neighbours = [units[i] for i in (index - 1, index + 1) if 0 <= i < len(units)]
        if any(n.role is Role.SUBHEAD and _LABEL.match(n.text) for n in neighbours):
            unit.role = Role.SUBHEAD
