"""What the layout model weighs: the features of each line of a page (those of each break
between two pieces of a paragraph are in `breaks`), computed once and kept as data (a name, a
value, a detail).

A feature describes the text and the layout of a transcript, never a decision already taken:
what a line says (a lead, a byline, a credit, a date), how it is set (indent, blank lines,
its length against the column), where it stands (at the top of the page, first in its block)
and what stands around it (the line before ends a sentence, a lead follows). The weights that
turn them into decisions are fitted from labelled pages (`decisions.LayoutModel`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import regex

from ..model import Page, Role, Unit
from ..rules import LINE_DECISIONS, LayoutDecision, Rulebook
from .cues import (
    ARTICLE_OPENING,
    CAPTION_OPENING,
    CLOSERS,
    INNER_SENTENCE_END,
    LEAD,
    OPENING_CLAUSE,
    QUOTE_CLOSERS,
    SOURCE_LINE,
    balanced,
    credit_across,
    credit_in,
    credit_line,
    ends_sentence,
    headline_like,
    is_byline,
    near_width,
    notice_title,
    opens_with_continuation,
    opens_wrapped_credit,
    without_strays,
)
from .cuts import GAIN_CAP, certain_cut, reads_joined, starts_paragraph

LABEL = regex.compile(r"^[\[【〔][^\]】〕]{1,12}[\]】〕]$")
# A dateline standing alone in a diary-style piece: 3月5日 九华乡双溪村 / 3月5日 晴.
DATELINE = regex.compile(r"^\d{1,2}月\d{1,2}日(?:\s*[上中下晚凌早]?[午晚上])?\s+[\p{Han}\d·]{1,12}$")
# An enumerated heading inside an article: 一、加强组织领导 / （二）压实责任 / 3.强化保障
ENUMERATED = regex.compile(r"^([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.、])")
_QUOTED_PREDICATE = regex.compile(r"(?:是|为|叫|称|名为)“[^“”]+”$")
_PUNCTUATION = regex.compile(r"[\p{P}--·]", regex.V1)
_DATE = regex.compile(r"\d{1,4}年|\d{1,2}月\d{1,2}日")
_DIGIT = regex.compile(r"\d")
_SUBTITLE_DASH = ("——", "—", "--")
_CLAUSE = regex.compile(r"[，,、；;]")
_HAN_RUN = regex.compile(r"\p{Han}{2,}")
# A date alone (a letter's or a notice's signature), or a note in brackets alone ((完),
# (未完待续), (原载…)): no headline line, and often the last line of an article.
_DATE_ALONE = regex.compile(r"^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
_NOTE_ALONE = regex.compile(r"^\s*[（(][^（）()]*[）)]\s*$")
# A line's length as a feature: `length 1-2` up to the first limit, … `length 65+` past the last.
_LENGTH_LIMITS = (2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 64)
_LENGTHS = tuple(f"length {low}-{high}" for low, high in zip((1, *(limit + 1 for limit in _LENGTH_LIMITS)), _LENGTH_LIMITS)) + ("length 65+",)
_TOP_REGION = 16  # the masthead block is among the first lines of a page
_KNOWN_LONGEST = 40  # known lines (masthead, banners) are short
_LOOKAHEAD = 200  # lines searched for the start of an article after headline-like lines
_WORDS_SHARED = 0.4  # share of a line's character pairs that makes it "about" a text
_FEWEST_PAIRS = 3  # distinct character pairs a line needs for its share of them to tell anything
_BEHIND = 1500  # characters before a line its words are looked for
# The features of a neighbouring line that tell about this one.
_NEIGHBOUR = (
    "lead cue", "byline shape", "credit", "credit line", "ends a sentence", "headline-like", "known masthead line",
    "known banner", "markdown heading", "subhead level", "starts mid-sentence", "an article opening", "label",
    "block start", "blank lines before: 2+", "full width", "indented", "continued from another page",
    "continued on another page", "a date", "subtitle dash", "ends with a comma", "dateline", "enumerated",
    "a notice's title", "ends with a colon",
    "a date alone", "a note in brackets alone",
)
# their names as features of the line before or after (None: there is no such line)
_PREVIOUS: dict[str | None, str] = {None: "previous: none", **{name: f"previous: {name}" for name in _NEIGHBOUR}}
_NEXT: dict[str | None, str] = {None: "next: none", **{name: f"next: {name}" for name in _NEIGHBOUR}}


@dataclass(frozen=True, slots=True)
class Constraint:
    """A fact that settles a line's label outright: its name and the labels it leaves."""

    name: str
    labels: frozenset[str]


_MARKER_ALONE = Constraint("a continuation marker alone on its line", frozenset({"masthead"}))
_OWN_HEADLINE = Constraint("kcclean's own article file: # marks a headline line", frozenset({"head", "head+"}))
_OWN_SUBHEAD = Constraint("kcclean's own article file: ### marks a subhead", frozenset({"subhead"}))
_OWN_TEXT = Constraint("kcclean's own article file: a paragraph of its article", frozenset({"body", "credit"}))
_AFTER_JUMP = Constraint("text after （上接…版） goes on from another page", frozenset({"subhead", "byline", "credit", "body"}))
_BEFORE_JUMP = Constraint("text before （下转…版） goes on on another page", frozenset({"credit", "body"}))
# The user's banner lexicon (masthead.banners, or their own) says what their paper's column
# banners are. (A known masthead line is no such proof: its date pattern is also a notice's
# date line.)
_KNOWN_BANNER = Constraint("a column banner the lexicon knows", frozenset({"banner"}))
_IN_OPEN_LEAD = Constraint("the line before opens a lead's bracket and leaves it open: this goes on in it", frozenset({"body"}))


def constraints(page: Page, features: list[Features], reviewed: dict[int, LayoutDecision]) -> list[Constraint | None]:
    """The constraint that settles each line of a page (its `line_features`), where one does:
    a reviewer's decision about the line (`reviewed`, by line) before any other."""
    own = bool(page.front_matter)
    found: list[Constraint | None] = []
    for index, (unit, known) in enumerate(zip(page.units, features)):
        previous = page.units[index - 1] if index else None
        decision = reviewed.get(unit.line)
        if unit.role is Role.MARKER:
            found.append(_MARKER_ALONE)
        elif decision is not None and decision.decide in LINE_DECISIONS:
            found.append(Constraint(decision.explain(), LINE_DECISIONS[decision.decide]))
        elif own:
            found.append(_OWN_SUBHEAD if unit.heading >= 3 else _OWN_HEADLINE if unit.heading else _OWN_TEXT)
        elif "known banner" in known.values:
            found.append(_KNOWN_BANNER)
        elif previous is not None and "lead cue" in features[index - 1].values and _opens_bracket(previous.text):
            found.append(_IN_OPEN_LEAD)
        elif unit.continued_from or _marker(previous, "continued_from"):
            found.append(_AFTER_JUMP)
        elif unit.continued_to or _marker(page.units[index + 1] if index + 1 < len(page.units) else None, "continued_to"):
            found.append(_BEFORE_JUMP)
        else:
            found.append(None)
    return found


def _marker(unit: Unit | None, direction: str) -> bool:
    """Is the unit a continuation marker alone on its line, saying `direction`?"""
    return unit is not None and unit.role is Role.MARKER and bool(getattr(unit, direction))


def _opens_bracket(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


@dataclass(slots=True)
class Features:
    """The features that hold for one line or break: name → value, and a detail for the
    evidence (what in the text made it hold)."""

    values: dict[str, float] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: float = 1.0, detail: str = "") -> None:
        self.values[name] = value
        if detail:
            self.details[name] = detail


# Cues of any paper read off a line's own text: the feature, its test, and what of the line
# its evidence quotes (None: nothing).
_TEXT_CUES: tuple[tuple[str, Callable[[str], object], Callable[[str], str] | None], ...] = (
    ("lead cue", LEAD.match, lambda line: repr(line[:8])),
    ("credit", credit_in, lambda line: repr(line[-8:])),
    ("credit line", credit_line, None),
    ("source line", SOURCE_LINE.match, None),
    ("a notice's title", notice_title, lambda line: repr(line[-4:])),
    ("label", LABEL.match, None),
    ("dateline", DATELINE.match, None),
    ("enumerated", ENUMERATED.match, None),
    ("caption opening", lambda line: line.startswith(CAPTION_OPENING), None),
    ("an article opening", ARTICLE_OPENING.match, lambda line: repr(line[:6])),
    ("a paragraph opening", lambda line: OPENING_CLAUSE.match(line) or starts_paragraph(line), lambda line: repr(line[:6])),
    ("ends by quoting a name", _QUOTED_PREDICATE.search, None),
    ("subtitle dash", lambda line: line.startswith(_SUBTITLE_DASH), None),
)


def line_features(page: Page, rulebook: Rulebook) -> list[Features]:
    """The features of every line of a page (its units, continuation markers already taken)."""
    units = page.units
    own = [_own(unit, index, page, rulebook) for index, unit in enumerate(units)]
    lines = _Lines(units, own)
    text_so_far = _TextBehind([unit.text if "headline-like" not in own[k].values else "" for k, unit in enumerate(units)])
    # what a line shows its neighbours, with the names it shows it under on either side
    shown = [[(name, values[name]) for name in _NEIGHBOUR if name in values] for values in (f.values for f in own)]
    found = []
    for index in range(len(units)):
        features = Features(dict(own[index].values), dict(own[index].details))
        values = features.values
        for side, at in ((_PREVIOUS, index - 1), (_NEXT, index + 1)):
            if 0 <= at < len(units):
                for name, value in shown[at]:
                    values[side[name]] = value
            else:
                values[side[None]] = 1.0
        _context(features, lines, index, text_so_far)
        found.append(features)
    _interludes(found, own)
    return found


_STARTS = ("lead cue", "byline shape", "continued from another page")  # a line that opens an article


def _interludes(found: list[Features], own: list[Features]) -> None:
    """A headline-like line standing between two pieces of prose is a subhead or a headline
    of an article with neither lead nor byline. Subheads come in sets: a line that is the
    only one of its kind between two article openings is more likely a headline."""
    def prose(k: int) -> bool:
        return 0 <= k < len(own) and ("clauses: 2+" in own[k].values or "a sentence ends inside" in own[k].values)

    between = [
        "headline-like" in own[k].values and prose(k + 1) and 0 < k and "ends a sentence" in own[k - 1].values
        for k in range(len(own))
    ]
    stretch: list[int] = []
    for k in range(len(own) + 1):
        if k == len(own) or any(name in own[k].values for name in _STARTS):
            for m in stretch:
                found[m].add("alone between prose in its stretch" if len(stretch) == 1 else "one of several between prose")
            stretch = []
        if k < len(own) and between[k]:
            stretch.append(k)


def _own(unit: Unit, index: int, page: Page, rulebook: Rulebook) -> Features:
    """What a line's own text and setting say."""
    features = Features()
    line = without_strays(unit.text)
    add = features.add
    if not line:
        add("empty")
        return features
    for name, holds, shown in _TEXT_CUES:
        if holds(line):
            add(name, detail=shown(line) if shown else "")
    if is_byline(unit.text):
        add("byline shape")
    if unit.continued_from:
        add("continued from another page")
    if unit.continued_to:
        add("continued on another page")
    if headline_like(unit):
        add("headline-like")
    size = len(line)
    add(_LENGTHS[bisect_left(_LENGTH_LIMITS, size)])
    if ends_sentence(line):
        add("ends a sentence")
    elif line.rstrip(CLOSERS + " ")[-1:] in "，,、":
        add("ends with a comma")
    if line[-1:] in "：:":
        add("ends with a colon")
    if line[-1:] in QUOTE_CLOSERS:
        add("ends on a closing quote")
    if INNER_SENTENCE_END.search(line):
        add("a sentence ends inside")
    clauses = len(_CLAUSE.findall(line))
    add("clauses: 0" if not clauses else "clauses: 1" if clauses == 1 else "clauses: 2+")
    if not balanced(line):
        add("unbalanced quotes or brackets")
    if opens_with_continuation(line):
        add("starts mid-sentence", detail=repr(line[:4]))
    if not _PUNCTUATION.search(line):
        add("no punctuation")
    if " " in line.strip():
        add("a space inside")
    if _DATE_ALONE.match(line):
        add("a date alone")
    elif _NOTE_ALONE.match(line):
        add("a note in brackets alone")
    if _DATE.search(line):
        add("a date")
    elif _DIGIT.search(line):
        add("digits")
    if size <= _KNOWN_LONGEST:
        for scope, name in (("masthead", "known masthead line"), ("banner", "known banner")):
            for lexicon in rulebook.lexicons(scope):
                canonical = lexicon.recognise(unit.text)
                if canonical is not None:
                    add(name if canonical == unit.text else f"{name}, near")  # near: restored to the known line
                    break
    _setting(features, unit, index, page)
    return features


def _setting(features: Features, unit: Unit, index: int, page: Page) -> None:
    """How the line is set on the page."""
    add = features.add
    units = page.units
    if unit.heading:
        add("subhead level" if unit.heading >= 3 else "markdown heading")
    if unit.block_start:
        add("block start")
    add("blank lines before: 0" if not unit.gap_before else "blank lines before: 1" if unit.gap_before == 1 else "blank lines before: 2+")
    following = units[index + 1] if index + 1 < len(units) else None
    if following is None or following.block_start:
        add("block end")
    if unit.indented:
        add("indented")
    if page.uses_indent:
        add("the page indents paragraphs")
    if page.wrap_width:
        add("the page is hard-wrapped")
        if unit.full_width:
            add("full width")
        elif near_width(unit, page.wrap_width):
            add("near full width")
        else:
            add("short of the column")
        previous = units[index - 1] if index else None
        if previous is not None and previous.full_width and not unit.block_start and not unit.indented:
            add("goes on from a full line")
    if index < _TOP_REGION:
        add("near the top of the page")
    if index == 0:
        add("first line of the page")
    if following is None:
        add("last line of the page")


class _Lines:
    """A page's lines with what the features of several lines ask of them, each answered
    once: the signs between each line and the next, and whether a line could go on with a
    run of headline lines."""

    def __init__(self, units: list[Unit], own: list[Features]):
        self.units, self.own = units, own
        pairs = list(pairwise(units))
        self.cuts = [certain_cut(a.text, b.text) for a, b in pairs]  # between line k and k + 1
        self.gains = [reads_joined(a.text, b.text) for a, b in pairs]
        self._could_head: dict[int, bool] = {}

    def byline(self, index: int) -> bool:
        values = self.own[index].values
        return "byline shape" in values if "empty" not in values else is_byline(self.units[index].text)

    def could_head(self, index: int) -> bool:
        """Could this line continue a run of headline lines? (`_could_be_headline_line`)"""
        if index not in self._could_head:
            self._could_head[index] = _could_be_headline_line(self.units, index, self.byline(index), "headline-like" in self.own[index].values)
        return self._could_head[index]


def _context(features: Features, lines: _Lines, index: int, behind: _TextBehind) -> None:
    """What the lines around a line say about it."""
    units, own = lines.units, lines.own
    unit = units[index]
    add = features.add
    previous = units[index - 1] if index else None
    following = units[index + 1] if index + 1 < len(units) else None
    if previous is not None and lines.cuts[index - 1]:
        add("the text before runs on into it")
    if following is not None and lines.cuts[index]:
        add("it runs on into the next line")
    if following is not None and following.role is not Role.MARKER and (gain := lines.gains[index]) > 0:
        add("its words read on into the next line", min(gain, GAIN_CAP) / GAIN_CAP, f"{unit.text[-2:]}|{following.text[:2]} {gain:.1f}")
    if previous is not None and previous.role is not Role.MARKER and (gain := lines.gains[index - 1]) > 0:
        add("the words before read on into it", min(gain, GAIN_CAP) / GAIN_CAP, f"{previous.text[-2:]}|{unit.text[:2]} {gain:.1f}")
    if previous is not None and previous.role is Role.MARKER and previous.continued_to:
        add("after a jump to another page")
    if index > 1 and credit_across(units[index - 2].text, previous):
        add("after a credit wrapped over two lines")
    if "headline-like" not in own[index].values:
        return
    found, position = _article_follows(lines, index)
    if found:
        add(found)
    if found == _LEAD_FIRST and "clauses: 0" in own[index].values and (previous is None or "ends a sentence" in own[index - 1].values):
        # together, not one by one: a displaced tail, or the piece of a paragraph before a
        # cut, is followed by a lead too, but it has clauses or the text before it goes on
        add("between a finished text and a lead")
    run = units[index + 1 : position]
    if found != _FOOT and run and _titled(run[0]):
        add("headline-like lines follow")
    text_after = "".join(u.text for u in units[position : position + 2])
    pairs = _han_pairs(unit.text)
    ahead, echo = _share(pairs, text_after), _share(pairs, behind.before(index))
    if ahead >= _WORDS_SHARED:
        add("its words open the next text", ahead, f"{ahead:.0%}")
    if echo >= _WORDS_SHARED and echo > ahead:
        add("its words echo the text before", echo, f"{echo:.0%}")


class _TextBehind:
    """The prose before each line, up to `_BEHIND` characters, built once for the page (the
    text of headline-like lines is left out: a headline echoing another is no sign that it
    goes on with the text)."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.ends = []
        total = 0
        for text in self.texts:
            total += len(text)
            self.ends.append(total)
        self.joined = "".join(self.texts)

    def before(self, index: int) -> str:
        end = self.ends[index - 1] if index else 0
        return self.joined[max(0, end - _BEHIND) : end]


def _titled(unit: Unit) -> bool:
    """A line shaped like a headline's second line: a —— subtitle, or no clause marks."""
    return unit.text.startswith(_SUBTITLE_DASH) or not _CLAUSE.search(unit.text)


def _han_pairs(text: str) -> set[str]:
    return {run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


def _share(pairs: set[str], text: str) -> float:
    """The share of a line's distinct character pairs (`_han_pairs`) that the text prints
    (none for a line of fewer than `_FEWEST_PAIRS`: a share of one or two pairs is chance)."""
    if len(pairs) < _FEWEST_PAIRS or not text:
        return 0.0
    return sum(1 for pair in pairs if pair in text) / len(pairs)


def _wraps_on(units: list[Unit], index: int) -> bool:
    """Does the next line of the same block continue this one (not indented)?"""
    following = units[index + 1] if index + 1 < len(units) else None
    return following is not None and not following.block_start and not following.indented


# What shows that an article starts after some headline-like lines:
_LEAD_FIRST = "a lead or byline follows"
_LEAD_LATER = "a lead further on"
_JUMP = "a 上接 marker follows"
_CREDITED = "a photo credit follows"
_FOOT = "only headline-like lines follow"


def _article_follows(lines: _Lines, index: int) -> tuple[str | None, int]:
    """What, past the headline-like lines starting here and before the next possible
    headline, shows that an article starts (one of the constants above, or None), and where
    the text after the headline-like lines begins."""
    units, own = lines.units, lines.own
    position = index + 1
    while position < len(units) and position - index <= 4:
        if units[position].role is not Role.MARKER and not lines.could_head(position):
            break
        position += 1
    else:
        return _FOOT, position
    for at in range(position, min(len(units), position + _LOOKAHEAD)):
        unit, values = units[at], own[at].values
        # the line's own features say what its text is: a photo credit, a lead, a byline
        if "credit" in values or "credit line" in values or opens_wrapped_credit(units, at):
            return _CREDITED, position
        if "lead cue" in values or lines.byline(at):
            return (_LEAD_FIRST if at == position else _LEAD_LATER), position
        if unit.continued_from:
            return _JUMP, position
        previous = units[at - 1]
        if at > position and (
            previous.continued_to
            or unit.heading
            or (unit.block_start and ends_sentence(previous.text) and lines.could_head(at))
        ):
            return None, position  # another article starts here, or this one jumped to another page
    return None, position


def _could_be_headline_line(units: list[Unit], index: int, byline: bool, headline: bool) -> bool:
    """Could this line continue a run of headline lines? Not a byline, not a date or a note
    in brackets alone, not the start of an article's text (上接), and not a line of a
    hard-wrapped column. (`byline`, `headline`: is_byline and headline_like of the line.)"""
    unit = units[index]
    if byline or unit.continued_from or not headline or _DATE_ALONE.match(unit.text) or _NOTE_ALONE.match(unit.text):
        return False
    if unit.text.startswith("——"):
        return True  # a —— subtitle, however long
    column_text = unit.full_width and (_wraps_on(units, index) or not unit.block_start)
    previous = units[index - 1] if index else None
    goes_on = previous is not None and previous.full_width and not unit.block_start and not unit.indented
    return not column_text and not goes_on
