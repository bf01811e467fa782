"""Cues of any paper's layout read off a line's own text: leads, bylines, photo credits,
continuation markers, sentence ends, the shape of a headline. Stray characters that hide a
cue word are looked through (`without_strays`); the rules stage removes them and reports it.
"""

from __future__ import annotations

import functools
import re

import regex

from ..model import Unit
from .cuts import CUT_STARTS, starts_paragraph

# Text that ends a paragraph: sentence-final marks, optionally followed by closing marks.
SENTENCE_END = frozenset("。！？!?…；;：:")
CLOSERS = "”’）)」』】》\"'"

# A reporter's role as papers print it, perhaps after the outlet's name or a rank
# (衢州日报记者, 柯城区融媒体中心记者, 首席记者, 全媒体记者, 特约评论员): each part bounded, so that
# a long line of prose is given up on at once.
_OUTLET = r"\p{Han}{2,12}?(?:日[报報]|晚[报報]|[报報]|[网網]|社|台|中心|客[户戶]端|融媒)"
_RANK = r"(?:本[报報]|特约|特約|见习|見習|实习|實習|首席|资深|資深|融媒体?|融媒體|全媒体?|全媒體)"
_ROLE = (
    rf"(?:{_OUTLET})?{_RANK}{{0,2}}"
    r"(?:[记記]者|通[讯訊][员員]|[实實][习習]生|摄影|攝影|摄像|攝像|撰稿|评论员|評論員)"
)
_NAMES = r"[\p{Han}·]{2,4}(?:\s+[\p{Han}·]{2,4})*"
# 记者 and a word that makes a column's head, not a name: 记者手记, 记者观察, 记者追踪
_NOT_A_NAME = r"(?!手记|观察|调查|札记|笔记|探访|走访|体验|连线|视点|直击|来信|追踪|追访|回访|跟踪|后记|随笔|日记|见闻|蹲点)"
# Roles and names: 记者 严嘉慧, 本报记者 方心怡 通讯员 郑晨
_REPORTERS = rf"{_ROLE}[\s:：]*{_NOT_A_NAME}{_NAMES}(?:\s+{_ROLE}[\s:：]*{_NAMES})*"

# Leads of any paper, in simplified and traditional script: 本报讯, 本报杭州4月2日电,
# 衢州日报讯, 新华社北京3月5日电, 某某网4月13日讯, 浙江日报消息, 据柯城发布消息, 据X报道.
_SOURCE = r"\p{Han}{1,10}?(?:日[报報]|晚[报報]|[报報]|[网網]|社|台|[发發]布|客[户戶]端|在[线線]|新[闻聞])"
LEAD = regex.compile(
    # the reporters, then 报道： (记者 陈立 报道：连日来…), before 本报记者 is taken for a cue alone
    rf"^(?:(?P<reporters>{_REPORTERS})\s*[报報]道[:：]"
    r"|本[报報](?:[讯訊]|[记記]者|消息)"
    r"|本[报報]\p{Han}{2,4}\d{1,2}月\d{1,2}日[电電讯訊]"
    rf"|[据據]?{_SOURCE}(?:\p{{Han}}{{2,4}})?(?:\d{{1,2}}月\d{{1,2}}日)?(?:[讯訊]|[电電]|消息)(?=[\s（(：:，,]|$)"
    r"|[据據]《?\p{Han}{2,12}》?[报報]道[，,]"
    r"|[据據]?新[华華]社"
    # any outlet's name, then 讯 and its reporters in brackets: 今日柯城讯（记者 张三）
    r"|\p{Han}{2,10}?[讯訊](?=\s*[（(][^（）()]{0,30}?(?:[记記]者|通[讯訊][员員]))"
    r")"
)
BYLINE_MARKS = "□■▲●◆★☆◎"
_MARK = f"[{BYLINE_MARKS}]"
_CREDIT_WORDS = r"文字?|图片?|圖片?|文图|图文|文圖|圖文|摄影|攝影|视频|視頻"
_CREDIT_WORD = rf"(?:{_CREDIT_WORDS})\s*[/|｜丨:：]\s*"
# after the first credit word, a photographer's too (文/周子涵 摄/汪涛); 摄/汪涛 alone is a credit
_LATER_CREDIT_WORD = rf"(?:{_CREDIT_WORDS}|摄|攝)\s*[/|｜丨:：]\s*"


def _name_and(did: str) -> str:
    """A name, then what it did after a slash or a space: 张三/文, 柴丽娟 文."""
    return rf"[\p{{Han}}·]{{2,4}}\s*(?:[/|｜丨]\s*(?:{did})|\s(?:{did})(?=\s|$))"


# What a name in a byline did, after it: 张三/文 李四/图, 柴丽娟 文 徐海 摄, 本报记者 张三 文/图
# (the first wrote: 徐海 摄 alone is a photo credit).
_NAME_WROTE = _name_and("文|图|圖")
_NAME_DID = _name_and("文|图|圖|摄影?|攝影?")
_BOTH_DONE = r"\s+(?:文\s*[/|｜丨]\s*[图圖]|[图圖]\s*[/|｜丨]\s*文|文[图圖]|[图圖]文)"
# A standalone byline: roles and names only (记者 严嘉慧 / ■通讯员 毛小兵 胡月琴 / 文|张三 /
# 文/张三 图/李四 / 张三/文 李四/图 / □ 张三, a marker and an author's name / （记者 叶子航）).
_BYLINE = regex.compile(
    rf"^[（(]\s*{_REPORTERS}\s*[）)]$"
    rf"|^(?:{_MARK}\s*)?(?:{_REPORTERS}(?:{_BOTH_DONE})?"
    rf"|{_CREDIT_WORD}(?:{_ROLE}\s*)?{_NAMES}(?:\s+{_LATER_CREDIT_WORD}(?:{_ROLE}\s*)?{_NAMES})*"
    rf"|{_NAME_WROTE}(?:\s+{_NAME_DID})*)$"
    rf"|^{_MARK}\s*{_NAMES}$"
    # a paper's commentator, who signs with the role alone: 本报评论员, 衢州日报评论员
    rf"|^(?:{_MARK}\s*)?(?:{_OUTLET})?(?:本[报報]|特约|特約)?[评評]论[员員]$"
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
# A source line: 来源：柯城发布 / 图片来源：网络. It stays in its article, after the text.
SOURCE_LINE = regex.compile(r"^(?:图片|圖片|文章|稿件)?[来來]源[:：]\s*\S[^。！？]{0,30}$")
# The title of a notice of any paper: what it is, last (停水通知, 招聘启事, 任前公示, 讣告).
_NOTICE_WORDS = ("通知", "通告", "公告", "启事", "公示", "讣告", "声明", "更正", "倡议书", "公开信", "告知书", "须知")
_NOTICE_TITLE = regex.compile(rf"^[^。！？；]{{0,38}}({'|'.join(_NOTICE_WORDS)})$")
# Characters that keying and OCR leave inside words. They are looked through while roles are
# decided, so 本报\u200b讯 is still a lead; the repair stage removes them and reports it.
_INVISIBLE = r"\u200b-\u200f\u2060-\u2064\ufeff\u00ad\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LOOK_THROUGH = regex.compile(rf"[{_INVISIBLE}]|(?<=\p{{Han}})[|丨l_](?=\p{{Han}})")
# Every character _LOOK_THROUGH can match, as a `re` class: a scan several times faster.
_MAY_LOOK_THROUGH = re.compile(rf"[{_INVISIBLE}|丨l_]")
# A page's number as papers print it, in digits or in Chinese numerals up to 九十九 (three, 十二,
# 二十, 二十三): what `page_number` reads.
PAGE_NUMBER = r"\d{1,2}|[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九]"
MARKER = regex.compile(
    rf"[（(]\s*(?P<dir>下[转轉]|上接|紧接|緊接|承接|[续續]|[转轉]|接)\s*第?\s*(?P<page>{PAGE_NUMBER})\s*版\s*[）)]"
)
INNER_SENTENCE_END = regex.compile(r"[。！？!?；;](?=.)")
_CHINESE_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}

HEADLINE_MAX = 64
_NESTING = re.compile(r"[“（(”）)]")
CAPTION_OPENING = ("图为", "圖為", "上图", "下图", "左图", "右图")
QUOTE_CLOSERS = "”’》」』"  # a paragraph may end on a quotation without a full stop
# How the first paragraph of a news story opens: a date or a word for recent days.
ARTICLE_OPENING = regex.compile(r"^(\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|编者按|近日|日前|近期|昨天|昨日|今天|今年\d{1,2}月|本月|上周|记者从|截至\d|即日起)")
OPENING_CLAUSE = regex.compile(ARTICLE_OPENING.pattern + r"[^，,。]{0,10}[，,]")


def credit_in(text: str) -> regex.Match | None:
    """The photo credit in brackets that ends the text (CREDIT), tried only on a text holding
    摄 or 攝: most lines hold neither."""
    return CREDIT.search(text) if "摄" in text or "攝" in text else None


def credit_line(text: str) -> regex.Match | None:
    """A credit standing as its own line (CREDIT_LINE), tried only on a line that ends with
    摄 or starts with 图 or a bracket, as each of its forms does."""
    ends = text.rstrip("\n")  # $ matches before a final newline too
    return CREDIT_LINE.match(text) if ends.endswith(("摄", "攝")) or text.startswith(("图", "圖", "（", "(")) else None


def notice_title(line: str) -> bool:
    """A notice's title: 关于…的通知. Its last word is tested first: the pattern, tried on a
    line ending otherwise, backtracks over up to 38 characters for nothing."""
    return line.endswith(_NOTICE_WORDS) and bool(_NOTICE_TITLE.match(line))


# The mark some papers print after an article's last sentence: 。（完）
_THE_END = regex.compile(r"(?<=[。！？!?…”’])\s*[（(](?:完|全文完)[）)]\s*$")


def ends_sentence(text: str) -> bool:
    """Does the text end where a paragraph can end: a sentence end, or a photo credit?
    Stray characters after it (a � or a zero-width space) do not hide it: repair removes them."""
    text = without_strays(text)
    stripped = _THE_END.sub("", text).rstrip(CLOSERS + " ")
    if not stripped:
        return False
    return stripped[-1] in SENTENCE_END or (text.rstrip()[-1:] in "）)" and bool(CREDIT.search(text)))


def lead_byline(text: str) -> str | None:
    """The names in a lead's bracket: 本报讯（记者 方心怡 郑晨）… gives 记者 方心怡 郑晨.
    Brackets inside it (记者 王思（实习）) are kept."""
    names, _ = _lead_parts(without_strays(text))
    return names


def is_photo_credit(text: str) -> bool:
    """A photo credit: （张三 摄） at the end of a caption, or a credit line of its own."""
    return bool(credit_in(text) or credit_line(text))


def credit_across(text: str, following: Unit) -> bool:
    """A credit wrapped over two lines of a column: （通讯员 祝晓峰 郑丽 / 雯 摄）."""
    return text.count("（") > text.count("）") and not following.block_start and bool(CREDIT.search(text + following.text))


def opens_wrapped_credit(units: list[Unit], index: int) -> bool:
    """Does the line open a credit that the next line closes (`credit_across`)?"""
    return index + 1 < len(units) and credit_across(without_strays(units[index].text), units[index + 1])


def is_lead(text: str) -> bool:
    return bool(LEAD.match(without_strays(text)))


def bare_lead(text: str) -> bool:
    """A lead with nothing after its cue and bracket (本报讯（记者 王思）): its text was cut off."""
    found = LEAD.match(without_strays(text))
    return bool(found) and not _lead_parts(without_strays(text))[1].strip(" ：:，,")


def _lead_parts(text: str) -> tuple[str | None, str]:
    """The names in the bracket after a lead's cue (or before its 报道：), and the text after them."""
    found = LEAD.match(text)
    if not found:
        return None, text
    if found.group("reporters"):
        return found.group("reporters"), text[found.end() :]
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
    return _byline_shaped(text) or (text != (cleaned := without_strays(text)) and _byline_shaped(cleaned))


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
    text = without_strays(unit.text)
    if not text:
        return False
    if unit.heading:
        return len(text) <= HEADLINE_MAX * 2
    return (
        len(text) <= HEADLINE_MAX
        and not INNER_SENTENCE_END.search(text)  # a sentence ends inside: prose
        and not ends_sentence(text)
        and text[-1] not in "，,、"
        and text.count("，") + text.count(",") <= 1  # clauses make prose, not headlines
        and balanced(text)
        and not opens_with_continuation(text)
        and not LEAD.match(text)
        and not starts_paragraph(text)  # 5月7日，… opens a sentence, not a headline
        and not text.startswith(CAPTION_OPENING)  # 图为… is a caption
        and not OPENING_CLAUSE.match(text)  # 截至4月10日，… opens a sentence
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
def without_strays(text: str) -> str:
    """The text as a reader sees it: without the stray characters that hide cue words.
    Cached: every cue of a line asks for it, several times."""
    return _LOOK_THROUGH.sub("", text) if _MAY_LOOK_THROUGH.search(text) else text


def near_width(unit: Unit, wrap_width: int | None) -> bool:
    """As long as the column, or two short of it (OCR drops a paragraph's indent)."""
    return unit.full_width or (wrap_width is not None and wrap_width - 2 <= unit.width <= wrap_width + 1)


def opens_paragraph(text: str) -> bool:
    """Does the text open like a paragraph of a news story (a date, 近日，, a lead)?"""
    text = without_strays(text)
    return starts_paragraph(text) or bool(ARTICLE_OPENING.match(text) or LEAD.match(text))
