"""Text to units: a source split into lines with their layout.

A unit is one non-blank line with what the page layout says about it: does it open a
block (after blank lines), how many blank lines came before, was it a markdown heading,
is it indented, and is it as long as the column it was hard-wrapped at. Blank lines,
indents and trailing spaces are layout, not text; a markdown heading marker and the front
matter of kcclean's own article files are recorded; whatever else a line starts or ends
with that only looks blank (a no-break space, a form feed) is removed and recorded.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import regex

from ..errors import InputError
from ..model import Change, Page, Source, Trace, Unit
from ..rules import LayoutRuleId

_HEADING_MARKS = "#"
_MIN_WRAPPED_LINES = 4  # fewer wrapped lines than this is no evidence of a column width
_WRAP_SHARE = 0.6  # share of inner lines that must have the column width
_MIN_COLUMN = 8  # narrower "columns" are short lines such as a byline block
_SENTENCE_ENDS = frozenset("。！？”")
# What an indent or a trailing space is made of. str.strip takes more off a line's ends: every
# other character it takes is no layout but stray, and is recorded as removed.
_LAYOUT_SPACE = " \t\u3000"
_STRAY_SPACE = regex.compile(
    "[" + "".join(regex.escape(ch) for ch in map(chr, range(0x3001)) if ch.isspace() and ch not in _LAYOUT_SPACE + "\n") + "]+"
)


def split_units(source: Source) -> Page:
    text = source.text
    matter, body_start = front_matter(text)
    if problem := front_matter_problem(matter):
        raise InputError(source.name, f"front matter: {problem}")
    page = Page(source, [], matter)
    if matter:
        block = text[: body_start - 1]  # up to the closing ---
        page.changes += Trace.of(source, 0, len(block)).replacement(
            block, 0, len(block), "", LayoutRuleId.FRONT_MATTER, kind="record", evidence=f"front matter of article {matter['id']}: its metadata"
        ).changes
    widths: list[int] = []  # line lengths with their indent: what the column width limits
    gap = 0
    previous_blank = True
    offset = body_start
    line_number = source.position(body_start)[0]
    for raw in text[body_start:].split("\n"):
        line_start = offset
        offset += len(raw) + 1
        content = raw.strip()
        indent, width = len(raw) - len(raw.lstrip()), len(raw.rstrip())  # width: with the indent
        if indent or width < len(raw):
            page.changes += _stray_ends(source, line_start, raw, indent, width)
        if not content:
            gap += 1
            previous_blank = True
            line_number += 1
            continue
        start = line_start + indent
        widths.append(width)
        indented = indent > 0
        heading = 0
        if content[0] in _HEADING_MARKS:
            marks = len(content) - len(content.lstrip(_HEADING_MARKS))
            rest = content[marks:]
            if marks <= 6 and rest[:1].isspace() and rest.strip():
                heading = marks
                skipped = marks + len(rest) - len(rest.lstrip())
                marker = Trace.of(source, start, skipped)
                page.changes += marker.replacement(
                    content[:skipped], 0, skipped, "", LayoutRuleId.HEADING_MARKER, kind="record", evidence=f"markdown heading level {marks}"
                ).changes
                start += skipped
                content = content[skipped:]
        page.units.append(
            Unit(
                text=content,
                trace=Trace.of(source, start, len(content)),
                line=line_number,
                block_start=previous_blank,
                gap_before=gap if previous_blank else 0,
                heading=heading,
                indented=indented,
                width=width,
            )
        )
        gap = 0
        previous_blank = False
        line_number += 1
    page.wrap_width = _wrap_width(page.units, widths)
    page.uses_indent = _uses_indent(page.units)
    if page.wrap_width:
        for unit, width in zip(page.units, widths):
            unit.full_width = abs(width - page.wrap_width) <= 1  # hanging punctuation: ±1
    return page


def _stray_ends(source: Source, line_start: int, raw: str, content_start: int, content_end: int) -> list[Change]:
    """What str.strip takes off the ends of a line (`raw`; all of it when blank) that is not
    layout space, each run removed as a change of its own."""
    changes = []
    for first, last, where in ((0, content_start, "start"), (max(content_start, content_end), len(raw), "end")):
        where = "on a blank line" if content_start == len(raw) else f"at the {where} of a line"
        for found in _STRAY_SPACE.finditer(raw, first, last):
            stray = found.group()
            evidence = f"{' '.join(f'U+{ord(ch):04X}' for ch in stray)} {where}: not layout space, not text"
            trace = Trace.of(source, line_start + found.start(), len(stray))
            changes += trace.replacement(stray, 0, len(stray), "", LayoutRuleId.LINE_EDGE, evidence=evidence).changes
    return changes


def front_matter(text: str) -> tuple[dict, int]:
    """kcclean's own article files start with `---` front matter holding JSON values and
    the article's id."""
    if not text.startswith("---\n"):
        return {}, 0
    end = text.find("\n---\n", 3)
    if end == -1:
        return {}, 0
    fields: dict = {}
    for line in text[4:end].split("\n"):
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            return {}, 0
        try:
            fields[key.strip()] = json.loads(value.strip()) if value.strip() else None
        except json.JSONDecodeError:
            return {}, 0
    if "id" not in fields:  # a transcript that happens to start with ---: not ours
        return {}, 0
    return fields, end + 5


# What kcclean writes in an article's front matter, and what it may hold when read back:
# the values name output folders and end up in articles.jsonl, so a hand edit is checked.
_MATTER_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "date": (str, type(None)),
    "issue": (int, type(None)),
    "page": (int, type(None)),
    "byline": (str, type(None)),
    "headline": (list,),
}
_ARTICLE_ID = regex.compile(r"[\w.-]+-\d+")
_ISO_DATE = regex.compile(r"\d{4}-\d{2}-\d{2}")


def front_matter_problem(matter: dict) -> str | None:
    """What is wrong with front matter read back from an article file, or None."""
    for key, types in _MATTER_TYPES.items():
        if key in matter and (not isinstance(matter[key], types) or isinstance(matter[key], bool)):
            return f"`{key}` cannot be {json.dumps(matter[key], ensure_ascii=False)}"
    if matter and not _ARTICLE_ID.fullmatch(matter["id"]):
        return f"`id` must look like 2021-01-20_1768-01, not {json.dumps(matter['id'], ensure_ascii=False)}"
    if matter.get("date") is not None and not _is_date(matter["date"]):
        return f"`date` must be a date written YYYY-MM-DD, not {json.dumps(matter['date'], ensure_ascii=False)}"
    return None


def _is_date(text: str) -> bool:
    try:
        return bool(_ISO_DATE.fullmatch(text)) and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _uses_indent(units: list[Unit]) -> bool:
    """Do paragraphs start indented? Measured on the lines that can start one: those after a
    line ending a sentence (in a long paragraph most lines are neither)."""
    starts = [unit for previous, unit in zip(units, units[1:]) if previous.text[-1:] in _SENTENCE_ENDS]
    indented = sum(1 for unit in starts if unit.indented)
    return indented >= 2 and indented >= len(starts) / 2


def _wrap_width(units: list[Unit], widths: list[int]) -> int | None:
    """The column width a hard-wrapped transcript was cut at, or None.

    Evidence: lines that are followed by another line of the same block (so were cut, not
    ended) mostly share one length. Hanging punctuation makes a line one longer or shorter.
    """
    inner = [
        width
        for unit, following, width in zip(units, units[1:], widths)
        if not following.block_start and not unit.heading
    ]
    if len(inner) < _MIN_WRAPPED_LINES:
        return None
    width, _ = Counter(inner).most_common(1)[0]
    near = sum(1 for length in inner if abs(length - width) <= 1)
    if width < _MIN_COLUMN or near < _WRAP_SHARE * len(inner):
        return None
    return width
