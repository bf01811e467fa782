"""Stage 3: units to roles. Decides what each line of a page is, from its text and its
neighbours: masthead, banner, headline, lead, standalone byline, body, photo credit,
label, continuation marker.

A headline is never decided by length alone: it must also stand where a headline can
stand (after a finished paragraph, a credit, the masthead or another headline line) and be
followed by something that does not continue it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import regex

from .blocks import Page
from .decisions import HEADLINE, HEADLINE_AT, Weighing
from .evidence import CUT_STARTS, certain_cut, starts_paragraph
from .model import PROSE_ROLES, Role, Unit
from .rulebook import LexiconRule, Rulebook

# Text that ends a paragraph: sentence-final marks, optionally followed by closing marks.
SENTENCE_END = frozenset("。！？!?…；;：:")
CLOSERS = "”’）)」』】》\"'"

# Leads of any paper, in simplified and traditional script: 本报讯, 本报杭州4月2日电,
# 衢州日报讯, 新华社北京3月5日电, 某某网4月13日讯, 浙江日报消息, 据柯城发布消息, 据X报道.
_SOURCE = r"\p{Han}{1,10}?(?:日[报報]|晚[报報]|[报報]|[网網]|社|台|[发發]布|客[户戶]端)"
_LEAD = regex.compile(
    r"^(?:本[报報](?:[讯訊]|[记記]者|消息)"
    r"|本[报報]\p{Han}{2,4}\d{1,2}月\d{1,2}日[电電讯訊]"
    rf"|[据據]?{_SOURCE}(?:\p{{Han}}{{2,4}})?(?:\d{{1,2}}月\d{{1,2}}日)?(?:[讯訊]|[电電]|消息)(?=[\s（(：:，,]|$)"
    r"|[据據]\p{Han}{2,12}[报報]道[，,]"
    r"|[据據]?新[华華]社)"
)
_ROLE = r"(?:本[报報]|特约|特約|见习|見習|实习|實習)?(?:[记記]者|通[讯訊][员員]|[实實][习習]生|摄影|攝影|摄像|攝像|撰稿)"
_NAMES = r"[\p{Han}·]{2,4}(?:\s+[\p{Han}·]{2,4})*"
BYLINE_MARKS = "□■▲●◆★☆◎"
_MARK = f"[{BYLINE_MARKS}]"
_CREDIT_WORD = r"(?:文字?|图片?|圖片?|摄影|攝影|视频|視頻)\s*[/|｜丨:：]\s*"
# A standalone byline: roles and names only (记者 严嘉慧 / ■通讯员 毛小兵 胡月琴 / 文|张三 /
# 文/张三 图/李四 / □ 张三, a marker and an author's name).
_BYLINE = regex.compile(
    rf"^(?:{_MARK}\s*)?(?:{_ROLE}[\s:：]*{_NAMES}(?:\s+{_ROLE}[\s:：]*{_NAMES})*"
    rf"|{_CREDIT_WORD}(?:{_ROLE}\s*)?{_NAMES}(?:\s+{_CREDIT_WORD}(?:{_ROLE}\s*)?{_NAMES})*)$"
    rf"|^{_MARK}\s*{_NAMES}$"
)
# A photo credit at the end of a line: （葛继锐 王思 摄）. `names` is what the byline keeps.
CREDIT = regex.compile(r"[（(](?P<names>[^（）()]{1,40}?\s*[摄攝])[）)]\s*$")
# A credit standing as its own line without brackets: 张 三 摄 / 来源：某某网 记者 李四 摄 /
# 图/记者 李四 / （图片由区文广旅体局提供）.
CREDIT_LINE = regex.compile(
    rf"^(?:[来來]源[:：]\s*\S{{2,16}}\s+)?(?P<names>(?:{_ROLE}\s*)?(?:[\p{{Han}}·]{{1,4}}\s+){{1,4}}[摄攝])$"
    rf"|^(?:图|圖)\s*[/|｜丨:：]\s*(?P<names>(?:{_ROLE}\s*)?{_NAMES})$"
    r"|^[（(](?:图片?|圖片?|照片)由\p{Han}[^（）()]{0,30}提供[）)]$"
)
# A source line: 来源：柯城发布. It stays in its article, after the text.
SOURCE_LINE = regex.compile(r"^[来來]源[:：]\s*\S[^。！？]{0,30}$")
# Characters that keying and OCR leave inside words. They are looked through while roles are
# decided, so 本报\u200b讯 is still a lead; the repair stage removes them and reports it.
_INVISIBLE = r"\u200b-\u200f\u2060-\u2064\ufeff\u00ad\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LOOK_THROUGH = regex.compile(rf"[{_INVISIBLE}]|(?<=\p{{Han}})[|丨l_](?=\p{{Han}})")
# Every character _LOOK_THROUGH can match, as a `re` class: a scan several times faster.
_MAY_LOOK_THROUGH = re.compile(rf"[{_INVISIBLE}|丨l_]")
# A dateline standing alone in a diary-style piece: 3月5日 九华乡双溪村 / 3月5日 晴.
_DATELINE = regex.compile(r"^\d{1,2}月\d{1,2}日(?:\s*[上中下晚凌早]?[午晚上])?\s+[\p{Han}\d·]{1,12}$")
# A line that ends by quoting what something is called (主题是“…”) is a sentence, not a subhead.
_QUOTED_PREDICATE = regex.compile(r"(?:是|为|叫|称|名为)“[^“”]+”$")
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
_SUBHEAD_LEVEL = 3  # ### marks a subhead, # and ## a headline
_LOOKAHEAD = 200  # lines searched for the start of an article after possible headline lines
_SUBHEAD_LONGEST = 20
_SUBHEAD_SHORT = 8
_SUBTITLE_DASH = ("——", "—", "--")
_CLAUSE = regex.compile(r"[，,、；;]")
_NESTING = re.compile(r"[“（(”）)]")
_CAPTION_OPENING = ("图为", "圖為", "上图", "下图", "左图", "右图")
QUOTE_CLOSERS = "”’》」』"  # a paragraph may end on a quotation without a full stop
_WORDS_SHARED = 0.4  # share of a line's character pairs that makes it "about" a text
_ARTICLE_WINDOW = 3000
_HAN_RUN = regex.compile(r"\p{Han}{2,}")
# How the first paragraph of a news story opens: a date or a word for recent days.
_ARTICLE_OPENING = regex.compile(r"^(\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|近日|日前|近期|昨天|昨日|今天|今年\d{1,2}月|本月|上周|记者从|截至\d|即日起)")
_OPENING_CLAUSE = regex.compile(_ARTICLE_OPENING.pattern + r"[^，,。]{0,10}[，,]")


def ends_sentence(text: str) -> bool:
    """Does the text end where a paragraph can end: a sentence end, or a photo credit?
    Stray characters after it (a � or a zero-width space) do not hide it: repair removes them."""
    text = seen(text)
    stripped = text.rstrip(CLOSERS + " ")
    if not stripped:
        return False
    return stripped[-1] in SENTENCE_END or (text.rstrip()[-1:] in "）)" and bool(CREDIT.search(text)))


def lead_byline(text: str) -> str | None:
    """The names in a lead's bracket: 本报讯（记者 方心怡 郑晨）… gives 记者 方心怡 郑晨.
    Brackets inside it (记者 王思（实习）) are kept."""
    names, _ = _lead_parts(seen(text))
    return names


def is_photo_credit(text: str) -> bool:
    """A photo credit: （张三 摄） at the end of a caption, or a credit line of its own."""
    return bool(CREDIT.search(text) or CREDIT_LINE.match(text))


def _credit_across(text: str, following: Unit) -> bool:
    """A credit wrapped over two lines of a column: （通讯员 祝晓峰 郑丽 / 雯 摄）."""
    return text.count("（") > text.count("）") and not following.block_start and bool(CREDIT.search(text + following.text))


def is_lead(text: str) -> bool:
    return bool(_LEAD.match(seen(text)))


def bare_lead(text: str) -> bool:
    """A lead with nothing after its cue and bracket (本报讯（记者 王思）): its text was cut off."""
    found = _LEAD.match(seen(text))
    return bool(found) and not _lead_parts(seen(text))[1].strip(" ：:，,")


def _lead_parts(text: str) -> tuple[str | None, str]:
    """The names in the bracket after a lead's cue, and the text after them."""
    found = _LEAD.match(text)
    if not found:
        return None, text
    rest = text[found.end() :].lstrip()
    if not rest or rest[0] not in "（(":
        return None, rest
    depth = 0
    for position, ch in enumerate(rest):
        depth += ch in "（("
        depth -= ch in "）)"
        if depth == 0:
            return rest[1:position].strip() or None, rest[position + 1 :]
    return None, rest


def is_byline(text: str) -> bool:
    """A standalone byline line: names, no sentence, no bracket left open or closed. Stray
    characters are looked through, except the bar of 文|张三, which is the byline's own."""
    return _byline_shaped(text) or (text != (cleaned := seen(text)) and _byline_shaped(cleaned))


def _byline_shaped(text: str) -> bool:
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
    if not text or text[0] in CUT_STARTS:
        return True
    depth = 0
    for ch in _NESTING.findall(text):  # a paragraph has a few marks among hundreds of characters
        if ch in "“（(":
            depth += 1
        elif ch in "”）)":
            depth -= 1
            if depth < 0:
                return True
    return False


def headline_like(unit: Unit) -> bool:
    """Could this line be (part of) a headline, judging by its own text?"""
    text = seen(unit.text)
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
        and not text.startswith(_CAPTION_OPENING)  # 图为… is a caption
        and not _OPENING_CLAUSE.match(text)  # 截至4月10日，… opens a sentence
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


@functools.lru_cache(maxsize=4096)
def seen(text: str) -> str:
    """The text as a reader sees it: without the stray characters that hide cue words.
    Cached: every cue of a line asks for it, several times."""
    return _LOOK_THROUGH.sub("", text) if _MAY_LOOK_THROUGH.search(text) else text


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
        line = seen(unit.text)
        if page.wrap_width and _continues_line(units, index) and not CREDIT_LINE.match(line):
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
        elif is_byline(unit.text) and not _cut_before(units, index):
            unit.role = Role.BYLINE
        elif _LEAD.match(line):
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
                "layout.continuation",
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
            applied = rulebook.applies(lexicon.id)
            replacement = unit.replacement(
                0,
                len(unit.text),
                canonical,
                lexicon.id,
                applied=applied,
                level=lexicon.level,
                evidence=f"close to the known line {canonical!r}",
            )
            page.changes += replacement.changes
            if applied:
                unit.apply(replacement)
        return True
    return False


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


def _continues_line(units: list[Unit], index: int) -> bool:
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
    if not unit.heading and after is not None and opens_with_continuation(seen(after.text)) and found not in (_JUMP, _LEAD_LATER):
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
    if found and not (under_headline and found in (_CREDITED, _LEAD_LATER) and not _titled(unit)):
        weighing.add(found)  # a credit or a lead further on shows where a headline starts, not how far it runs
    run = [u for u in units[index + 1 : position] if u.role is not Role.MARKER]
    if found != _FOOT and run and _titled(run[0]):
        weighing.add("headline lines follow")
    if len(unit.text) <= _SUBHEAD_SHORT and not unit.heading:
        weighing.add("as short as a subhead", f"{len(unit.text)} characters")
    following = [u for u in units[position : position + 2] if u.role in PROSE_ROLES or u.role is Role.BODY]
    if following and _ARTICLE_OPENING.match(seen(following[0].text)):
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


def _cut_before(units: list[Unit], index: int) -> bool:
    """Does the text before this line stop mid-sentence (so this line goes on with it)?"""
    before = _previous(units, index)
    return before is not None and before.role in PROSE_ROLES and not _ended(before)


def _cut_at_width(units: list[Unit], index: int, page: Page, ended: bool) -> bool:
    """Is this line of a hard-wrapped column cut at the column width, its text going on in the
    next line? Not when it is shaped like a headline line and a lead follows its run."""
    unit = units[index]
    if ended or not near_width(unit, page.wrap_width) or not _wraps_on(units, index):
        return False
    return not (_titled(unit) and _article_follows(units, index)[0] == _LEAD_FIRST)


def _titled(unit: Unit) -> bool:
    """A line shaped like a headline's second line: a —— subtitle, or no clause marks."""
    return unit.text.startswith(_SUBTITLE_DASH) or not _CLAUSE.search(unit.text)


def _closes_credit(units: list[Unit], at: int) -> bool:
    """Is the unit at `at` the second line of a credit wrapped over two (雯 摄）)?"""
    return at > 0 and _credit_across(units[at - 1].text, units[at])


def _ended(unit: Unit) -> bool:
    """Did the text end with this unit: a sentence end, a credit, a byline, a jump?"""
    return unit.role not in (Role.BODY, Role.LEAD) or ends_sentence(unit.text) or bool(unit.continued_to)


def near_width(unit: Unit, wrap_width: int | None) -> bool:
    """As long as the column, or two short of it (OCR drops a paragraph's indent)."""
    return unit.full_width or (wrap_width is not None and wrap_width - 2 <= unit.width <= wrap_width + 1)


def opens_paragraph(text: str) -> bool:
    """Does the text open like a paragraph of a news story (a date, 近日，, a lead)?"""
    text = seen(text)
    return starts_paragraph(text) or bool(_ARTICLE_OPENING.match(text) or _LEAD.match(text))


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
_LEAD_FIRST = "a lead or byline follows"
_LEAD_LATER = "a lead further on"
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
        text = seen(unit.text)
        if is_photo_credit(text) or (offset + position + 1 < len(units) and _credit_across(text, units[position + offset + 1])):
            return _CREDITED, position
        if _LEAD.match(text) or is_byline(unit.text):
            return (_LEAD_FIRST if offset == 0 else _LEAD_LATER), position
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
