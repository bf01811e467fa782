"""Stage 3: units to roles. Decides what each line of a page is, from its text and its
neighbours: masthead, banner, headline, lead, standalone byline, body, photo credit,
label, continuation marker.

A headline is never decided by length alone: it must also stand where a headline can
stand (after a finished paragraph, a credit, the masthead or another headline line) and be
followed by something that does not continue it.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from .blocks import Page
from .evidence import overlap, starts_paragraph, word_across
from .model import Change, Role, Unit
from .rulebook import LexiconRule, Rulebook

# Text that ends a paragraph: sentence-final marks, optionally followed by closing marks.
SENTENCE_END = frozenset("。！？!?…；;：:")
CLOSERS = "”’）)」』】》\"'"
_CUT_STARTS = frozenset("，,、。；;：:！!？?”’）)」』】》")

# The paper's cue words, in simplified and traditional script (a transcript may be either).
_LEAD = regex.compile(r"^(本[报報][讯訊]|本[报報][记記]者|本[报報]消息|据?新[华華]社|據新華社)")
_ROLE = r"(?:本[报報]|特约|特約|见习|見習|实习|實習)?(?:[记記]者|通[讯訊][员員]|[实實][习習]生|摄影|攝影)"
_NAMES = r"[\p{Han}·]{2,4}(?:\s+[\p{Han}·]{2,4})*"
# A standalone byline: roles and names only (记者 严嘉慧 / ■通讯员 毛小兵 胡月琴).
_BYLINE = regex.compile(rf"^(?:■\s*)?{_ROLE}[\s:：]*{_NAMES}(?:\s+{_ROLE}[\s:：]*{_NAMES})*$")
# A photo credit at the end of a line: （葛继锐 王思 摄）. `names` is what the byline keeps.
CREDIT = regex.compile(r"[（(](?P<names>[^（）()]{1,40}?\s*[摄攝])[）)]\s*$")
_PUNCTUATION = regex.compile(r"[\p{P}--·]", regex.V1)
_LABEL = regex.compile(r"^[\[【〔][^\]】〕]{1,12}[\]】〕]$")
# An enumerated heading inside an article: 一、加强组织领导 / （二）压实责任 / 3.强化保障
_ENUMERATED = regex.compile(r"^([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.、])[^。！？；]{2,24}$")
MARKER = regex.compile(
    r"[（(]\s*(?P<dir>下[转轉]|上接|[转轉]|接)\s*第?\s*(?P<page>\d{1,2}|[一二三四五六七八九十]{1,3})\s*版\s*[）)]"
)
_INNER_SENTENCE_END = regex.compile(r"[。！？!?；;](?=.)")
_CHINESE_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}

HEADLINE_MAX = 64
_MASTHEAD_MAX = 40
_TOP_REGION = 16  # the masthead block is among the first lines of a page
_SUBHEAD_MAX = 20
_LOOKAHEAD = 200  # lines searched for the start of an article after possible headline lines


def ends_sentence(text: str) -> bool:
    """Does the text end where a paragraph can end: a sentence end, or a photo credit?"""
    stripped = text.rstrip(CLOSERS + " ")
    if not stripped:
        return False
    return stripped[-1] in SENTENCE_END or (text.rstrip()[-1:] in "）)" and bool(CREDIT.search(text)))


def lead_byline(text: str) -> str | None:
    """The names in a lead's bracket: 本报讯（记者 方心怡 郑晨）… gives 记者 方心怡 郑晨.
    Brackets inside it (记者 王思（实习）) are kept."""
    found = _LEAD.match(text)
    rest = text[found.end() :].lstrip() if found else ""
    if not rest or rest[0] not in "（(":
        return None
    depth = 0
    for position, ch in enumerate(rest):
        depth += ch in "（("
        depth -= ch in "）)"
        if depth == 0:
            return rest[1:position].strip() or None
    return None


def is_byline(text: str) -> bool:
    """A standalone byline line: names, no sentence, no bracket left open or closed."""
    return bool(_BYLINE.match(text)) and not ends_sentence(text) and "，" not in text and balanced(text)


def balanced(text: str) -> bool:
    return (
        text.count("“") == text.count("”")
        and text.count("（") + text.count("(") == text.count("）") + text.count(")")
        and text.count('"') % 2 == 0
    )


def opens_with_continuation(text: str) -> bool:
    """Text that can only continue something: it starts with a comma or closing mark, or
    closes a quote or bracket it never opened."""
    if not text or text[0] in _CUT_STARTS:
        return True
    depth = 0
    for ch in text:
        if ch in "“（(":
            depth += 1
        elif ch in "”）)":
            depth -= 1
            if depth < 0:
                return True
    return False


def headline_like(unit: Unit) -> bool:
    """Could this line be (part of) a headline, judging by its own text?"""
    text = unit.text
    if not text:
        return False
    if unit.heading:
        return len(text) <= HEADLINE_MAX * 2
    return (
        len(text) <= HEADLINE_MAX
        and not _INNER_SENTENCE_END.search(text)  # a sentence ends inside: prose
        and not ends_sentence(text)
        and text[-1] not in "，,、"
        and text.count("，") + text.count(",") <= 1  # clauses make prose, not headlines
        and balanced(text)
        and not opens_with_continuation(text)
        and not _LEAD.match(text)
        and not starts_paragraph(text)  # 5月7日，… opens a sentence, not a headline
        and not unit.continued_to  # text before （下转2版） is the end of an article
    )


def page_number(word: str) -> int:
    return int(word) if word.isdigit() else _chinese_number(word)


def _chinese_number(word: str) -> int:
    if word == "十":
        return 10
    if word.startswith("十"):
        return 10 + _CHINESE_NUMBERS[word[1]]
    if word.endswith("十"):
        return 10 * _CHINESE_NUMBERS[word[0]]
    if "十" in word:
        return 10 * _CHINESE_NUMBERS[word[0]] + _CHINESE_NUMBERS[word[2]]
    return _CHINESE_NUMBERS[word]


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
        if page.wrap_width and _continues_line(units, index):
            continue  # the rest of a line cut at the column width is body text
        line = unit.text
        if _LABEL.match(line) or (_ENUMERATED.match(line) and not ends_sentence(line)):
            unit.role = Role.SUBHEAD
        elif _LEAD.match(line):
            unit.role = Role.LEAD
        elif CREDIT.match(line):
            unit.role = Role.CREDIT
        elif is_byline(line):
            unit.role = Role.BYLINE
        elif headline_like(unit) and _known_line(unit, banners, True, page, rulebook):
            unit.role = Role.BANNER
        elif page.front_matter and not unit.heading:
            continue  # kcclean's own article files mark every headline line with #
        elif _stands_as_headline(units, index, page.wrap_width):
            unit.role = Role.HEADLINE
    _find_subheads(units)
    return page


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
            name, line, column = unit.trace.where(match.start())
            page.changes.append(
                Change(
                    "layout.continuation",
                    name,
                    line,
                    column,
                    match.group(),
                    "",
                    kind="record",
                    evidence=f"continued {'on' if forward else 'from'} page {number}",
                )
            )
            if at_end:
                unit.text = unit.text[: match.start()].rstrip()
            else:
                cut = match.end() + len(unit.text[match.end() :]) - len(unit.text[match.end() :].lstrip())
                unit.text = unit.text[cut:]
                unit.trace = unit.trace.sliced(cut)
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
            name, line, column = unit.trace.where(0)
            applied = rulebook.applies(lexicon.id)
            page.changes.append(
                Change(
                    lexicon.id,
                    name,
                    line,
                    column,
                    unit.text,
                    canonical,
                    applied=applied,
                    level=lexicon.level,
                    evidence=f"close to the known line {canonical!r}",
                )
            )
            if applied:
                unit.text = canonical
        return True
    return False


def _before(units: list[Unit], index: int) -> Iterator[Unit]:
    """The units before `index`, nearest first (without copying the list)."""
    return (units[i] for i in range(index - 1, -1, -1))


def _previous(units: list[Unit], index: int) -> Unit | None:
    return next((unit for unit in _before(units, index) if unit.role is not Role.MARKER), None)


def _next(units: list[Unit], index: int) -> Unit | None:
    following = (units[i] for i in range(index + 1, len(units)))
    return next((u for u in following if u.role not in (Role.MARKER, Role.MASTHEAD)), None)


def _continues_line(units: list[Unit], index: int) -> bool:
    """In a hard-wrapped page: does this line go on from a full line of its block?"""
    if index == 0:
        return False
    unit, previous = units[index], units[index - 1]
    return not unit.block_start and not unit.indented and previous.full_width


def _stands_as_headline(units: list[Unit], index: int, wrap_width: int | None) -> bool:
    unit = units[index]
    if not headline_like(unit):
        return False
    before = _previous(units, index)
    ended = (
        before is None
        or before.role not in (Role.BODY, Role.LEAD)
        or ends_sentence(before.text)
        or bool(before.continued_to)
        or _jumps_off(units, index)
    )
    if wrap_width and (unit.indented or (unit.full_width and _wraps_on(units, index) and not ended)):
        return False  # in a hard-wrapped column, indented lines and lines cut at the width are body
    if not unit.block_start and (before is None or before.role is not Role.HEADLINE):
        return False  # inside a block only the leading lines can be headline lines
    if unit.heading:
        return True
    after = _next(units, index)
    if after is None:
        return True  # a last line: a banner or a cut-off tail, settled with its neighbours
    if overlap(unit.text, after.text) >= 3 or word_across(unit.text, after.text):
        return False  # OCR repeated it at a column break, or a word runs on: one text cut in two
    found = _article_follows(units, index)
    if opens_with_continuation(after.text):
        # the text after it starts mid-sentence: only a page jump or a displaced lead explains that
        return found in (_JUMP, _LEAD_LATER)
    if not ended and not _ends_displaced_text(units, index):
        return found == _LEAD_FIRST  # a cut paragraph continues here unless a lead follows at once
    return found is not None


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
_LEAD_FIRST = "a lead or byline right after the headline"
_LEAD_LATER = "a lead further on (a displaced beginning)"
_JUMP = "a 上接 marker (the rest of an article from another page)"
_CREDITED = "a photo credit"
_FOOT = "only headline-like lines to the end of the page"


def _article_follows(units: list[Unit], index: int) -> str | None:
    """What, past the headline lines starting here and before the next possible headline,
    shows that an article starts: one of the constants above, or None."""
    position = index + 1
    while position < len(units) and position - index <= 4:
        unit = units[position]
        if unit.role is not Role.MARKER and not _could_be_headline_line(units, position):
            break
        position += 1
    else:
        return _FOOT
    for offset in range(min(len(units), position + _LOOKAHEAD) - position):
        unit = units[position + offset]
        text = unit.text
        if _LEAD.match(text) or is_byline(text):
            return _LEAD_FIRST if offset == 0 else _LEAD_LATER
        if unit.continued_from:
            return _JUMP
        if CREDIT.search(text):
            return _CREDITED
        previous = units[position + offset - 1]
        if offset and (unit.heading or (unit.block_start and headline_like(unit) and ends_sentence(previous.text))):
            return None
    return None


def _could_be_headline_line(units: list[Unit], index: int) -> bool:
    """Could this line continue a run of headline lines? Not a byline, not the start of an
    article's text (上接), and not a line of a hard-wrapped column."""
    unit = units[index]
    if is_byline(unit.text) or unit.continued_from or not headline_like(unit):
        return False
    column_text = unit.full_width and (_wraps_on(units, index) or not unit.block_start)
    return not column_text and not _continues_line(units, index)


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
