"""A generator of damaged transcripts with known clean text (a library: no tests here).

The clean articles are the hand-cleaned ones of `fixtures/**/*.expected`. `generate(seed)`
picks a few of them, lays them out as the transcript of a one- or two-page issue in one of
three layouts, damages them the way print and OCR do, and returns the raw file text(s) with
the clean articles kcclean should restore, in reading order. Everything random comes from
one `random.Random(seed)`, so a seed is a reproducible test case.

Layouts (as the real transcripts come):

- `blocks`:   every headline line, byline and paragraph is a block separated by blank lines;
- `wrapped`:  hard-wrapped columns 12–24 characters wide, paragraphs indented with `　　`
              (part of the width), blocks of 8–20 lines whose blank line can fall mid-paragraph;
              headlines, bylines and photo credits stand on their own unwrapped lines;
- `markdown`: `## headline` lines, paragraphs separated by blank lines.

Damage (each with some probability per article):

- `wrap_cut`:       a paragraph cut mid-sentence by a blank line (never next to punctuation);
- `overlap`:        such a cut whose second part repeats the last 3–5 characters of the first;
- `displaced_lead`: the lead and the paragraph after it printed at the end of the article,
                    the moved text ending mid-sentence, the rest of that paragraph first
                    after the headline (the way seed 004 prints 早田公司…);
- `page_jump`:      the article cut mid-sentence, page 1 ending `…（下转2版）`, page 2 (a second
                    file) holding a short jump headline and `（上接1版）` + the rest;
- `split_headline`: a space inside a word of a headline, only where the body prints the phrase
                    around the gap whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import regex
from rapidfuzz.distance import Indel, Levenshtein

from kcclean.evaluate import (
    Scores,
    Text,
    break_offsets,
    map_offset,
    match_articles,
    score,
)
from kcclean.layout.cues import CREDIT_LINE, SOURCE_LINE, is_lead
from kcclean.model import SUBHEAD_MARK

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

LAYOUTS = ("blocks", "wrapped", "markdown")
# Layouts the shipped layout model is not fitted on: a user's paper printed otherwise, for
# `kcclean layout fit` to learn (`centered`: headlines centred with spaces, paragraphs one
# line each, indented with ASCII spaces, no blank line between them).
UNSEEN_LAYOUTS = ("centered",)
DAMAGES = ("wrap_cut", "overlap", "displaced_lead", "page_jump", "split_headline")

# Probabilities, per article where the damage can apply.
P_TWO_PAGES = 0.5
P_PAGE_JUMP = 0.5  # for a news article on page 1 of a two-page issue
P_DISPLACED_LEAD = 0.2
P_WRAP_CUT = 0.5  # then 1–2 cuts
P_OVERLAP = 0.25
P_SPLIT_HEADLINE = 0.25
# Per page: a column banner over a story or at the foot of the page; per story: its subheads
# set in the block of the text around them, with no blank line (as real pages often do).
P_BANNER = 0.3
P_TIGHT_SUBHEADS = 0.3
P_INDENT_LOST = 0.2  # per hard-wrapped page: OCR dropped every paragraph's indent
# Per article of a damaged issue: a paragraph whose final 。 OCR dropped, as in seed 003 (one
# paragraph in the seeds' 121). Nothing shows where it was, so the hand-cleaned text keeps
# the paragraph without it, and the break after it stays.
P_STOP_DROPPED = 0.03
# Per issue: transcribed cutting paragraphs at column breaks, as seed 000 was: most long
# paragraphs cut once. A page that shows it many times says so of its other breaks too.
P_COLUMN_CUTS = 0.15
# Column banners: the lexicon's (masthead.banners) and some of the project's own. A paper's
# banners recur, so most are known; an unknown one over a headline looks just like a kicker
# (引题), which is the likelier of the two.
KNOWN_BANNERS = ("回眸“十三五”喜看新变化", "树正气 打歪风", "“首位度”进行时", "柯城简讯", "图片新闻", "新闻速览")
OWN_BANNERS = (
    "奋进新征程 建功新时代", "乡村振兴在行动", "共富路上看柯城", "文明创建进行时", "我们的节日", "一线见闻",
    "民生关注", "基层治理新观察",
)
P_OWN_BANNER = 0.25
CENTRED = 30  # the width a centred line is centred in

MIN_PIECE = 4  # characters each side of a cut
WIDTHS = (12, 24)
BLOCK_LINES = (8, 20)
INDENT = "　　"
# A line of a hard-wrapped column never starts with these: the paper hangs the mark at the end
# of the line before (one longer) or, for two in a row, pulls a character down.
NO_LINE_START = frozenset("，。、；：？！”）’》")
NO_LINE_END = frozenset("“（‘《")  # nor ends with an opening mark: it goes down with its word

MASTHEAD_ENTRIES = (
    "今日柯城",
    "柯城发布",
    "运动柯城APP",
    "中共衢州市柯城区委主办",
    "衢州市柯城区融媒体中心编印",
    "今日四版",
    "采编热线：3049743",
)
WEEKDAYS = "一二三四五六日"
FORWARD_MARKERS = ("（下转2版）", "（下转2版）", "（下转第2版）", "（下转第二版）")
BACKWARD_MARKERS = ("（上接1版）", "（上接1版）", "（上接第1版）", "（上接第一版）")

_SENTENCE_END = frozenset("。！？!?…；;：:")
_CLOSERS = "”’）)」』】》\"'"
_CREDIT = regex.compile(r"^[（(][^（）()]{1,40}?\s*摄[）)]$")


# --- clean articles ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clean:
    """A hand-cleaned article from a fixture's expected file."""

    id: str  # fixture stem and article number: 004_f3ebb2c24e7ad66b-04
    headline: tuple[str, ...]
    byline: str | None
    kind: str  # news | photo
    body: tuple[str, ...]
    subheads: frozenset[int] = frozenset()  # indexes of body paragraphs that are subheads
    genre: str = "paper"  # the corpus folder it comes from; "paper" for the other fixtures

    @property
    def has_lead(self) -> bool:
        return self.kind == "news" and is_lead(self.body[0])


def stands_alone(text: str) -> bool:
    """A credit or source line: printed on its own line, never cut or wrapped."""
    return bool(_CREDIT.match(text) or CREDIT_LINE.match(text) or SOURCE_LINE.match(text))


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def parse_expected(text: str, name: str) -> list[tuple[Clean, dict[str, str]]]:
    """Every article of an expected file, with its header fields (kind, page, truncated…)."""
    found = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("== "):
            index += 1
            continue
        number, *fields = line[3:].split()
        header = dict(f.split("=", 1) for f in fields)
        index += 1
        headline, byline = [], None
        while index < len(lines) and lines[index]:
            if lines[index].startswith("headline: "):
                headline.append(lines[index][len("headline: ") :])
            elif lines[index].startswith("byline: "):
                value = lines[index][len("byline: ") :]
                byline = None if value == "-" else value
            index += 1
        index += 1  # the blank line before the body
        body, subheads = [], set()
        while index < len(lines) and lines[index]:
            if lines[index].startswith(SUBHEAD_MARK):
                subheads.add(len(body))
            body.append(lines[index].removeprefix(SUBHEAD_MARK))
            index += 1
        article = Clean(
            f"{name}-{number}", tuple(headline), byline, header.get("kind", "news"), tuple(body), frozenset(subheads)
        )
        found.append((article, header))
    return found


@functools.cache
def clean_articles() -> tuple[Clean, ...]:
    """The complete articles of all fixtures: not truncated, not continued on a missing page,
    with a headline and a body. A paragraph may end without a mark (a notice's date line, a
    field of a table-like notice): only the layout and the text show that it ended, as on
    real pages."""
    pool = []
    for path in sorted(FIXTURES.rglob("*.expected")):
        genre = path.parent.name if path.parent.parent.name == "corpus" else "paper"
        name = path.relative_to(FIXTURES).with_suffix("").as_posix()  # unique: many files are page.expected
        for article, header in parse_expected(path.read_text(encoding="utf-8"), name):
            article = replace(article, genre=genre)
            if header.get("truncated") == "yes" or header.get("continued_to", "-") != "-":
                continue
            if not article.headline or not article.body:
                continue
            pool.append(article)
    return tuple(pool)


def genres() -> list[str]:
    """The genres of the clean articles, in a fixed order."""
    return sorted({article.genre for article in clean_articles()})


# --- what a page holds before it is laid out ---------------------------------------------


@dataclass(slots=True)
class Segment:
    """A run of text printed in one piece: a paragraph or part of one."""

    text: str
    starts_paragraph: bool = True  # indented in a hard-wrapped column
    subhead: bool = False  # a line of its own between paragraphs
    forward: str = ""  # a （下转2版） marker printed after the text
    backward: str = ""  # a （上接1版） marker printed before the text


@dataclass(slots=True)
class Story:
    """An article (or the continuation of one) as printed on a page."""

    headline: list[str]
    byline: list[str]  # standalone byline lines: ■记者 … / 通讯员 …
    segments: list[Segment]
    article: int = -1  # which expected article it prints (or continues)


@dataclass(slots=True)
class ArticleLog:
    """What the generator did to one expected article."""

    id: str  # the expected Text's id
    source: str  # the fixture article it came from
    kind: str
    page: int
    damages: tuple[str, ...]
    printed_headline: tuple[str, ...] = ()  # the headline lines as laid out (split_headline)
    genre: str = "paper"


@dataclass(slots=True)
class GeneratedIssue:
    seed: int
    layout: str
    files: dict[str, str]  # file name → raw text, in page order
    expected: list[Text]  # the clean articles, in reading order
    articles: list[ArticleLog]  # parallel to `expected`
    width: int | None = None  # the column width of a `wrapped` layout
    furniture: set[str] = field(default_factory=set)  # lines never wrapped (masthead, headlines…)
    date: str = ""
    number: int = 0
    labels: dict[str, list[Tag]] = field(default_factory=dict)  # per file: what each non-blank line is

    @property
    def damages(self) -> set[str]:
        return {d for a in self.articles for d in a.damages}

    def write(self, folder: Path) -> list[Path]:
        """The raw files in `folder`, sorted in page order."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, text in self.files.items():
            path = folder / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return sorted(paths)

    def write_references(self, folder: Path, prefix: str = "") -> None:
        """The expected articles as a user's hand-corrected article files (kcclean's .md
        format, front matter naming the input files as `prefix` + file name)."""
        folder.mkdir(parents=True, exist_ok=True)
        for number, text in enumerate(self.expected, 1):
            sources = json.dumps([prefix + name for name in text.sources], ensure_ascii=False)
            lines = ["---", f'id: "{text.id}"', f"sources: {sources}"]
            lines += [f"byline: {json.dumps(text.byline, ensure_ascii=False)}", "---", ""] if text.byline else ["---", ""]
            lines += [f"# {line}" for line in text.headline] + [""]
            for index, paragraph in enumerate(text.body):
                lines += [f"{SUBHEAD_MARK}{paragraph}" if index in text.subheads else paragraph, ""]
            (folder / f"{number:02d}.md").write_text("\n".join(lines), encoding="utf-8")

    def describe(self) -> str:
        parts = [f"seed {self.seed}: {self.layout}"]
        if self.width:
            parts[0] += f" width {self.width}"
        parts[0] += f", {len(self.files)} file(s)"
        for log, text in zip(self.articles, self.expected):
            damage = ",".join(log.damages) or "-"
            parts.append(f"  {log.id} p{log.page} {log.kind} {damage}: {text.headline[0]}")
        return "\n".join(parts)


# --- damage ------------------------------------------------------------------------------


def _cuttable(text: str, position: int) -> bool:
    """A cut between text[position-1] and text[position] falls inside running words."""
    return text[position - 1].isalnum() and text[position].isalnum()


_INLINE_CREDIT = regex.compile(r"[（(][^（）()]{1,40}?\s*摄[）)]$")


def drop_final_stop(rng: random.Random, article: Clean) -> tuple[str, ...] | None:
    """The article's paragraphs with the final 。 of one (not the last, not a subhead) gone."""
    found = [k for k, p in enumerate(article.body[:-1]) if p.endswith("。") and k not in article.subheads and len(p) > 10]
    if not found:
        return None
    k = rng.choice(found)
    return (*article.body[:k], article.body[k][:-1], *article.body[k + 1 :])


def cut_positions(text: str, margin: int = MIN_PIECE) -> list[int]:
    """Where a cut can fall: inside running words, not within `margin` of either end, and
    not inside a photo credit (a credit is printed in one piece)."""
    credit = _INLINE_CREDIT.search(text)
    end = credit.start() if credit else len(text)
    return [i for i in range(margin, min(end, len(text) - margin + 1)) if _cuttable(text, i)]


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS" or ch.isspace()


def _split_segment(rng: random.Random, segments: list[Segment], overlap: bool) -> bool:
    """Cut one segment mid-sentence by a blank line; with `overlap`, the second part repeats
    the last 3–5 characters of the first. False when no segment can be cut."""
    options = []
    for index, segment in enumerate(segments):
        if segment.forward or segment.backward or segment.subhead or stands_alone(segment.text):
            continue
        for position in cut_positions(segment.text):
            if overlap:
                sizes = [
                    k
                    for k in range(3, 6)
                    if position - k >= 1
                    and not _is_punctuation(segment.text[position - k])
                    and " " not in segment.text[position - k : position]
                    and regex.search(r"\p{Han}", segment.text[position - k : position])
                ]
                if not sizes:
                    continue
                options.append((index, position, sizes))
            else:
                options.append((index, position, [0]))
    if not options:
        return False
    index, position, sizes = rng.choice(options)
    size = rng.choice(sizes)
    segment = segments[index]
    first, second = segment.text[:position], segment.text[position:]
    segments[index : index + 1] = [
        Segment(first, segment.starts_paragraph),
        Segment(first[len(first) - size :] + second if size else second, False),
    ]
    return True


def displace_lead(rng: random.Random, body: tuple[str, ...]) -> list[Segment] | None:
    """The lead and the start of the next paragraph moved behind the rest of the article:
    [rest of P2, P3 … Pn, lead, start of P2], the moved text ending mid-sentence."""
    if len(body) < 2:
        return None
    positions = cut_positions(body[1])
    if not positions:
        return None
    cut = rng.choice(positions)
    return (
        [Segment(body[1][cut:], False)]
        + [Segment(p) for p in body[2:]]
        + [Segment(body[0]), Segment(body[1][:cut])]
    )


def jump_cut(rng: random.Random, segments: list[Segment]) -> tuple[list[Segment], list[Segment]] | None:
    """The article cut mid-sentence for a page jump: (page 1 part, page 2 part)."""
    options = [
        (index, position)
        for index, segment in enumerate(segments)
        if not segment.subhead and not stands_alone(segment.text)
        for position in cut_positions(segment.text)
    ]
    if not options:
        return None
    index, position = rng.choice(options)
    segment = segments[index]
    first = segments[:index] + [Segment(segment.text[:position], segment.starts_paragraph)]
    rest = [Segment(segment.text[position:], False)] + segments[index + 1 :]
    first[-1].forward = rng.choice(FORWARD_MARKERS)
    rest[0].backward = rng.choice(BACKWARD_MARKERS)
    return first, rest


def _headline_like(text: str) -> bool:
    """Short, balanced, and neither starting nor ending with a mark other than a quote or
    bracket: a jump headline the paper could print."""
    if not 2 <= len(text) <= 20:
        return False
    if text.count("“") != text.count("”") or text.count("（") != text.count("）"):
        return False
    if _is_punctuation(text[0]) and text[0] not in "“（":
        return False
    return not _is_punctuation(text[-1]) or text[-1] in "”）"


def _inside_number(text: str, at: int) -> bool:
    """Would a cut at `at` split a number or a Latin word (140|家 is fine, 14|0 is not)?"""
    left, right = text[at - 1 : at], text[at : at + 1]
    return bool(left and right and left.isascii() and right.isascii() and left.isalnum() and right.isalnum())


def jump_headline(rng: random.Random, headline: tuple[str, ...]) -> str:
    """A short form of the headline for the continuation: its longest part, perhaps with a
    few characters dropped (柯城共富工坊带动群众家门口增收 → 柯城共富工坊带动群众增收)."""
    parts = [p for line in headline for p in line.split(" ") if p]
    main = max(parts, key=len)
    if len(main) > 16:  # the paper keeps the head or the tail of a long headline

        def usable(pairs):
            return [w for at, w in pairs if _headline_like(w) and not _inside_number(main, at)]

        tails = usable([(len(main) - n, main[len(main) - n :]) for n in range(16, 9, -1)])
        heads = usable([(n, main[:n]) for n in range(16, 9, -1)])
        if tails and (not heads or rng.random() < 0.5):
            main = rng.choice(tails[:3])
        elif heads:
            main = rng.choice(heads[-3:])
    if len(main) >= 8 and rng.random() < 0.5:
        size = rng.randint(1, 3)
        start = rng.randint(2, len(main) - size - 2)
        candidate = main[:start] + main[start + size :]
        if _headline_like(candidate) and candidate.count("“") == main.count("“"):
            main = candidate
    return main


def split_headline(rng: random.Random, headline: tuple[str, ...], body: tuple[str, ...]) -> tuple[str, ...] | None:
    """A space inside a word of one headline line, where the body prints the phrase around
    the gap (up to four characters each side, within the headline part) unbroken."""
    text = "".join(body)
    options = []
    for line_no, line in enumerate(headline):
        for position in range(2, len(line) - 1):
            if not (regex.match(r"\p{Han}", line[position - 1]) and regex.match(r"\p{Han}", line[position])):
                continue
            left = line[:position].rsplit(" ", 1)[-1]
            right = line[position:].split(" ", 1)[0]
            if len(left) < 2 or len(right) < 2:
                continue
            if left[-4:] + right[:4] in text:
                options.append((line_no, position))
    if not options:
        return None
    line_no, position = rng.choice(options)
    line = headline[line_no]
    lines = list(headline)
    lines[line_no] = line[:position] + " " + line[position:]
    return tuple(lines)


def byline_lines(byline: str) -> list[str]:
    """A standalone byline as printed: ■记者 周敏 / 通讯员 郑丽华 吴俊杰."""
    at = byline.find(" 通讯员")
    lines = [byline[:at], byline[at + 1 :]] if at > 0 else [byline]
    return ["■" + lines[0]] + lines[1:]


# --- layouts -----------------------------------------------------------------------------


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap at `width`; a line never starts with a closing mark (NO_LINE_START)."""
    lines, pos = [], 0

    def fits(size: int) -> bool:
        # A space at a line end or start would be lost as layout whitespace: never break there.
        following = text[pos + size] if pos + size < len(text) else ""
        last = text[pos + size - 1]
        return last != " " and last not in NO_LINE_END and following not in NO_LINE_START and following != " "

    while len(text) - pos > width:
        size = width
        if not fits(size):
            if text[pos + size] in NO_LINE_START and fits(size + 1):
                size = width + 1  # hang the mark at the end of the line
            else:  # pull characters down instead
                size = next((s for s in range(width - 1, 0, -1) if fits(s)), width)
        lines.append(text[pos : pos + size])
        pos += size
    if pos < len(text):
        lines.append(text[pos:])
    return lines


# What a line of a page is, as the generator printed it: its role in the layout model's
# labels (kcclean.layout.decisions.LABELS) and the expected article it belongs to (-1: none).
Tag = tuple[str, int]


class _Writer:
    """Lines of a transcript, with the blank lines between blocks, and what each line is."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.tags: list[Tag | None] = []

    def gap(self, blanks: int = 1) -> None:
        trailing = len(self.lines) - len(list(_rstrip_blank(self.lines)))
        self.lines.extend([""] * max(0, blanks - trailing))
        self.tags.extend([None] * max(0, blanks - trailing))

    def block(self, text: str, blanks: int = 1, tag: Tag = ("masthead", -1)) -> None:
        if self.lines:
            self.gap(blanks)
        self.line(text, tag)

    def line(self, text: str, tag: Tag) -> None:
        """One line, or several (a byline block): each gets the tag."""
        for part in text.split("\n"):
            self.lines.append(part)
            self.tags.append(tag)

    def labels(self) -> list[Tag]:
        """The tag of every non-blank line, in order (the units kcclean reads)."""
        return [tag for line, tag in zip(self.lines, self.tags) if line.strip()]

    def text(self) -> str:
        return "\n".join(_rstrip_blank(self.lines)) + "\n"


def _rstrip_blank(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and lines[end - 1] == "":
        end -= 1
    return lines[:end]


def _segment_text(segment: Segment) -> str:
    return segment.backward + segment.text + segment.forward


def lay_out(
    rng: random.Random, layout: str, masthead: list[str], stories: list[Story], width: int | None, extra: random.Random | None = None
) -> tuple[str, set[str], list[Tag]]:
    """One page as transcript text, its lines that are never wrapped, and what each of its
    non-blank lines is. `extra` draws what the generator added later (banners, tight
    subheads), so that it leaves the draws of the rest as they were."""
    extra = extra or random.Random(0)
    banner_at = extra.randint(0, len(stories)) if stories and extra.random() < P_BANNER else None
    banner = extra.choice(OWN_BANNERS if extra.random() < P_OWN_BANNER else KNOWN_BANNERS)
    if layout == "centered":
        return _centred(rng, extra, masthead, stories, banner_at, banner)
    indent_lost = extra.random() < P_INDENT_LOST
    out = _Writer()
    furniture: set[str] = set()
    out.gap(2)  # the real transcripts start with blank lines
    for line in masthead:
        if layout == "markdown" and line == "今日柯城":
            line = "# 今日柯城"
        out.block(line)
        furniture.add(line)
    if masthead:
        out.gap(rng.choice([1, 3]))
    for position, story in enumerate(stories):
        if position == banner_at:
            out.block(banner, 2, ("banner", -1))
        tight = extra.random() < P_TIGHT_SUBHEADS
        gap = rng.choice([1, 1, 1, 3])
        for number, line in enumerate(story.headline):
            shown = f"## {line}" if layout == "markdown" else line
            furniture.add(shown)
            tag = ("head+" if number else "head", story.article)
            if layout == "wrapped" and number:
                out.line(shown, tag)  # headline lines of a column stand together
            else:
                out.block(shown, gap if number == 0 else 1, tag)
        if story.byline:
            furniture.update(story.byline)
            out.block("\n".join(story.byline), tag=("byline", story.article))
        if layout == "wrapped":
            _wrapped_body(rng, out, story, width, furniture, indent_lost)
        else:
            for segment in story.segments:
                if segment.subhead:
                    shown = f"{SUBHEAD_MARK}{segment.text}" if layout == "markdown" else segment.text
                    furniture.add(shown)
                    if tight and layout == "blocks":
                        out.line(shown, ("subhead", story.article))  # set in the block before it
                    else:
                        out.block(shown, tag=("subhead", story.article))
                else:
                    role = "credit" if stands_alone(segment.text) else "body"
                    out.block(_segment_text(segment), tag=(role, story.article))
    if banner_at == len(stories):
        out.block(banner, 2, ("banner", -1))
    return out.text(), furniture, out.labels()


def _centred(
    rng: random.Random, extra: random.Random, masthead: list[str], stories: list[Story], banner_at: int | None, banner: str
) -> tuple[str, set[str], list[Tag]]:
    """A page of the `centered` layout: headlines, bylines and subheads centred with ASCII
    spaces, each paragraph one line indented with four spaces, articles apart by a blank line
    and paragraphs by none; a cut paragraph goes on on a line of its own, unindented."""
    out = _Writer()
    furniture: set[str] = set()

    def centred(text: str) -> str:
        return " " * max(1, (CENTRED - len(text)) // 2) + text

    for line in masthead:
        out.block(line)
        furniture.add(line)
    for position, story in enumerate(stories):
        if position == banner_at:
            out.block(centred(banner), 1, ("banner", -1))
        out.gap()
        for number, line in enumerate(story.headline):
            out.line(centred(line), ("head+" if number else "head", story.article))
        for line in story.byline:
            out.line(centred(line), ("byline", story.article))
        for segment in story.segments:
            if segment.subhead:
                out.line(centred(segment.text), ("subhead", story.article))
                continue
            role = "credit" if stands_alone(segment.text) else "body"
            indent = "    " if segment.starts_paragraph and not segment.backward and role == "body" else ""
            out.line(indent + _segment_text(segment), (role, story.article))
    if banner_at == len(stories):
        out.block(centred(banner), 1, ("banner", -1))
    return out.text(), furniture, out.labels()


def _wrapped_body(rng: random.Random, out: _Writer, story: Story, width: int, furniture: set[str], indent_lost: bool = False) -> None:
    out.gap()
    in_block, block_size = 0, rng.randint(*BLOCK_LINES)
    for segment in story.segments:
        if stands_alone(segment.text):  # a photo credit stands on its own line
            out.line(segment.text, ("credit", story.article))
            furniture.add(segment.text)
            in_block += 1
            continue
        if segment.subhead:  # so does a subhead, with a blank line either side
            out.gap()
            out.line(segment.text, ("subhead", story.article))
            furniture.add(segment.text)
            out.gap()
            in_block, block_size = 0, rng.randint(*BLOCK_LINES)
            continue
        if not segment.starts_paragraph and in_block:
            out.gap()  # the cut: a blank line mid-paragraph
            in_block, block_size = 0, rng.randint(*BLOCK_LINES)
        text = (INDENT if segment.starts_paragraph and not segment.backward else "") + segment.backward + segment.text
        lines = wrap(text, width)
        marker_alone = False
        if segment.forward:
            if len(lines[-1]) + len(segment.forward) <= width:
                lines[-1] += segment.forward
            else:
                lines.append(segment.forward)
                marker_alone = True
        if indent_lost and lines[0].startswith(INDENT):
            lines[0] = lines[0][len(INDENT) :]  # the first line stays two short of the column
        for number, line in enumerate(lines):
            if in_block >= block_size:
                out.gap()
                in_block, block_size = 0, rng.randint(*BLOCK_LINES)
            alone = marker_alone and number == len(lines) - 1
            out.line(line, ("masthead" if alone else "body", story.article))
            in_block += 1


# --- issues ------------------------------------------------------------------------------


def _date(rng: random.Random) -> dt.date:
    return dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))


def front_masthead(rng: random.Random, date: dt.date, number: int) -> list[str]:
    lines = [f"{date.year}年{date.month}月{date.day}日", f"第{number}期"]
    lines += [line for line in MASTHEAD_ENTRIES if rng.random() < 0.7]
    return lines


def running_head(date: dt.date) -> list[str]:
    return ["今日柯城·要闻", f"{date.year}年{date.month}月{date.day}日 星期{WEEKDAYS[date.weekday()]}"]


def generate(
    seed: int,
    pool: tuple[Clean, ...] | None = None,
    layouts: tuple[str, ...] = LAYOUTS,
    damages: tuple[str, ...] = DAMAGES,
) -> GeneratedIssue:
    """One damaged issue of 3–6 clean articles, from `seed` alone. `layouts` and `damages`
    narrow what is drawn (to look at one kind of damage at a time)."""
    rng = random.Random(seed)
    extra = random.Random(f"{seed} extra")
    pool = pool or clean_articles()
    allowed = set(damages)
    layout = rng.choice(layouts)
    width = rng.randint(*WIDTHS) if layout == "wrapped" else None
    date = _date(rng)
    number = rng.randint(1000, 2999)
    chosen = rng.sample(pool, rng.randint(3, min(6, len(pool))))
    two_pages = rng.random() < P_TWO_PAGES
    on_first = rng.randint(2, len(chosen) - 1) if two_pages else len(chosen)

    pages: list[list[Story]] = [[], []]
    fragments: list[Story] = []
    logs: list[ArticleLog] = []
    expected: list[Text] = []
    pages_of: list[set[int]] = []  # the pages each article is printed on
    column_cuts = extra.random() < P_COLUMN_CUTS
    for position, article in enumerate(chosen):
        page = 1 if position < on_first else 2
        done: list[str] = []
        if allowed and extra.random() < P_STOP_DROPPED and (body := drop_final_stop(extra, article)):
            article = replace(article, body=body)
        headline = article.headline
        if "split_headline" in allowed and rng.random() < P_SPLIT_HEADLINE and (split := split_headline(rng, headline, article.body)):
            headline = split
            done.append("split_headline")
        segments = [Segment(p, subhead=i in article.subheads) for i, p in enumerate(article.body)]
        jumps = (
            "page_jump" in allowed
            and two_pages
            and page == 1
            and article.kind == "news"
            and rng.random() < P_PAGE_JUMP
        )
        if not jumps and article.has_lead and not article.subheads and "displaced_lead" in allowed and rng.random() < P_DISPLACED_LEAD:
            if displaced := displace_lead(rng, article.body):
                segments = displaced
                done.append("displaced_lead")
        if "wrap_cut" in allowed and rng.random() < P_WRAP_CUT:
            cuts = sum(_split_segment(rng, segments, overlap=False) for _ in range(rng.randint(1, 2)))
            if cuts:
                done.append("wrap_cut")
        if "wrap_cut" in allowed and column_cuts:
            cuts = sum(_split_segment(extra, segments, overlap=False) for _ in range(len(segments)))
            if cuts and "wrap_cut" not in done:
                done.append("wrap_cut")
        if "overlap" in allowed and rng.random() < P_OVERLAP and _split_segment(rng, segments, overlap=True):
            done.append("overlap")
        byline = byline_lines(article.byline) if article.kind == "news" and article.byline and not article.has_lead else []
        story = Story(list(headline), byline, segments, len(expected))
        if jumps and (parts := jump_cut(rng, segments)):
            story.segments, rest = parts
            fragments.append(Story([jump_headline(rng, article.headline)], [], rest, len(expected)))
            done.append("page_jump")
        pages[page - 1].append(story)
        number_in_issue = len(expected) + 1
        text_id = f"{seed}-{number_in_issue:02d}"
        expected.append(Text(text_id, article.headline, article.body, article.byline, article.subheads))
        pages_of.append({page, 2} if "page_jump" in done else {page})
        logs.append(ArticleLog(text_id, article.id, article.kind, page, tuple(done), tuple(headline), article.genre))

    # Continuations are printed on page 2 among its own articles, in any order.
    for fragment in fragments:
        pages[1].insert(rng.randint(0, len(pages[1])), fragment)
    # Reading order: page 1's articles (a jumped one whole, where it starts), then page 2's.
    stem = f"{date.isoformat()}"
    files: dict[str, str] = {}
    furniture: set[str] = set()
    masthead = front_masthead(rng, date, number)
    labels: dict[str, list[Tag]] = {}
    text, lines, labels[f"{stem}_p1.txt"] = lay_out(rng, layout, masthead, pages[0], width, extra)
    files[f"{stem}_p1.txt"] = text
    furniture |= lines
    if pages[1]:
        text, lines, labels[f"{stem}_p2.txt"] = lay_out(rng, layout, running_head(date), pages[1], width, extra)
        files[f"{stem}_p2.txt"] = text
        furniture |= lines
    names = list(files)
    expected = [replace(text, sources=tuple(names[page - 1] for page in sorted(pages))) for text, pages in zip(expected, pages_of)]
    return GeneratedIssue(
        seed=seed,
        layout=layout,
        files=files,
        expected=expected,
        articles=logs,
        width=width,
        furniture=furniture,
        date=date.isoformat(),
        number=number,
        labels=labels,
    )


def render_expected(texts: list[Text]) -> str:
    """Articles as plain text for a diff: `# headline` lines, then one paragraph per line."""
    blocks = []
    for text in texts:
        blocks.append("\n".join([f"# {h}" for h in text.headline] + list(text.body)))
    return "\n\n".join(blocks) + "\n"


# --- running kcclean and measuring it -----------------------------------------------------


@dataclass(slots=True)
class ArticleResult:
    """How one expected article came out."""

    log: ArticleLog
    expected: Text
    predicted: Text | None  # the article kcclean made of it, if any
    scores: Scores
    extras: int = 0  # unmatched predicted articles that hold mostly this article's text

    @property
    def headline_ok(self) -> bool:
        return self.predicted is not None and self.predicted.headline == self.expected.headline


@dataclass(slots=True)
class IssueResult:
    issue: GeneratedIssue
    predicted: list[Text]
    issues_out: int  # issues kcclean grouped the files into (1 is right)
    errors: list[str]
    scores: Scores  # kcclean.evaluate.score over the whole issue
    articles: list[ArticleResult]
    unmatched: list[Text]  # predicted articles matched to no expected article

    def problems(self, limit: int = 8) -> list[str]:
        """What went wrong, in words, for a report."""
        found: list[str] = []
        if self.errors:
            found += [f"error: {e}" for e in self.errors]
        if self.issues_out != 1:
            found.append(f"{len(self.issue.files)} file(s) came out as {self.issues_out} issues")
        for result in self.articles:
            name = f"{result.log.id} [{','.join(result.log.damages) or 'clean'}]"
            if result.predicted is None:
                home = _best_home(result.expected, self.predicted)
                where = f"; most of its text is in {home.headline[:1] or ('(no headline)',)}" if home else ""
                found.append(f"missing {name} {result.expected.headline[0]!r}{where}")
                continue
            if not result.headline_ok:
                found.append(f"headline of {name}: {result.predicted.headline} for {result.expected.headline}")
            missed, extra = break_errors(result.predicted, result.expected)
            for at in missed[:2]:
                found.append(f"wrong join in {name}: …{_around(result.expected.joined, at)}…")
            for at in extra[:2]:
                found.append(f"cut left open in {name}: …{_around(result.expected.joined, at)}…")
            for before, after in text_errors(result.predicted, result.expected)[:2]:
                found.append(f"text of {name}: expected {before!r}, got {after!r}")
        for text in self.unmatched:
            found.append(f"extra article {text.headline[:1] or ('(no headline)',)}: {text.joined[:24]!r}…")
        return found[:limit]

    @property
    def badness(self) -> float:
        missing = sum(1 for r in self.articles if r.predicted is None)
        wrong_breaks = sum(sum(map(len, break_errors(r.predicted, r.expected))) for r in self.articles if r.predicted)
        headlines = sum(1 for r in self.articles if r.predicted and not r.headline_ok)
        return (
            missing
            + len(self.unmatched)
            + 10 * self.scores.cer
            + 0.25 * wrong_breaks
            + 0.25 * headlines
            + (self.issues_out != 1)
            + len(self.errors)
        )


def _clip(text: str, size: int = 40) -> str:
    return text if len(text) <= size else f"{text[:size // 2]}…({len(text) - size} more)…{text[-size // 2:]}"


def _around(text: str, at: int, size: int = 8) -> str:
    return f"{text[max(0, at - size):at]}|{text[at:at + size]}"


def _best_home(text: Text, candidates: list[Text]) -> Text | None:
    best, best_shared = None, 0.0
    for other in candidates:
        shared = (len(text.joined) + len(other.joined) - Indel.distance(text.joined, other.joined)) / 2
        if shared > best_shared:
            best, best_shared = other, shared
    return best if best_shared >= 0.25 * len(text.joined) else None


def break_errors(predicted: Text, expected: Text) -> tuple[list[int], list[int]]:
    """Paragraph breaks of the expected text kcclean did not make (wrong joins), and breaks
    it made where the expected text has none (cuts left open), as offsets in the expected text."""
    wanted = break_offsets(expected.body)
    alignment = Levenshtein.opcodes(predicted.joined, expected.joined)
    made = {map_offset(alignment, offset, len(expected.joined)) for offset in break_offsets(predicted.body)}
    return sorted(wanted - made), sorted(made - wanted)


def text_errors(predicted: Text, expected: Text) -> list[tuple[str, str]]:
    """(expected, got) for every differing stretch of the joined bodies, with context."""
    errors = []
    a, b = expected.joined, predicted.joined
    for tag, a1, a2, b1, b2 in Levenshtein.opcodes(a, b):
        if tag != "equal":
            errors.append((_clip(a[max(0, a1 - 4) : a2 + 4]), _clip(b[max(0, b1 - 4) : b2 + 4])))
    return errors


def predicted_texts(results) -> tuple[list[Text], int, list[str]]:
    """kcclean's articles (as Text), the number of issues, and errors, from `clean_files`."""
    texts, issues, errors = [], 0, []
    for result in results:
        if isinstance(result, Exception):
            errors.append(str(result))
            continue
        issues += 1
        texts += [Text(a.id, tuple(a.headline), tuple(a.body)) for a in result.articles]
    return texts, issues, errors


def run_kcclean(issue: GeneratedIssue, folder: Path, rulebook) -> IssueResult:
    """Write the issue's raw files into `folder`, clean them as `kcclean fix` would (files
    in sorted order), and measure the articles against the expected ones."""
    from kcclean.pipeline import clean_files

    paths = issue.write(folder)
    predicted, issues, errors = predicted_texts(clean_files(sorted(paths), rulebook))
    return measure(issue, predicted, issues, errors)


def measure(issue: GeneratedIssue, predicted: list[Text], issues_out: int = 1, errors=()) -> IssueResult:
    pairs = {id(ref): pred for pred, ref in match_articles(predicted, issue.expected)}
    matched_predictions = {id(p) for p in pairs.values()}
    articles = [
        ArticleResult(
            log,
            ref,
            pairs.get(id(ref)),
            score([pairs[id(ref)]], [ref]) if id(ref) in pairs else score([], [ref]),
        )
        for log, ref in zip(issue.articles, issue.expected)
    ]
    unmatched = [p for p in predicted if id(p) not in matched_predictions]
    for text in unmatched:  # an extra article is charged to the article whose text it holds
        home = _best_home(text, issue.expected)
        if home is not None:
            articles[issue.expected.index(home)].extras += 1
    return IssueResult(
        issue, predicted, issues_out, list(errors), score(predicted, issue.expected), articles, unmatched
    )


@dataclass(slots=True)
class Tally:
    """Figures over a group of expected articles (a layout, a damage type, everything): the
    evaluation's Scores summed, plus what only the generator knows (issues, headlines)."""

    issues: int = 0
    headlines_ok: int = 0
    total: Scores = field(default_factory=lambda: Scores(0, 0, 0, 0, 0, 0, 0, 0))

    def add_article(self, result: ArticleResult) -> None:
        # an extra article holding mostly this article's text is charged to its group
        self.total += replace(result.scores, predicted=result.scores.matched + result.extras, reference=1)
        self.headlines_ok += result.headline_ok

    def add_issue(self, result: IssueResult) -> None:
        """The whole issue, with its exact article precision (every predicted article)."""
        self.issues += 1
        for article in result.articles:
            self.add_article(article)
        unmatched = len(result.unmatched) - sum(a.extras for a in result.articles)
        self.total = replace(self.total, predicted=self.total.predicted + unmatched)

    @property
    def articles(self) -> int:
        return self.total.reference

    @property
    def precision(self) -> float:
        return self.total.precision

    @property
    def recall(self) -> float:
        return self.total.recall

    @property
    def cer(self) -> float:
        return self.total.cer

    @property
    def break_f1(self) -> float:
        return self.total.break_f1

    @property
    def headline_accuracy(self) -> float:
        return self.headlines_ok / self.articles if self.articles else 0.0
