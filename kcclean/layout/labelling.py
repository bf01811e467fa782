"""Labelled pages: what each line of a raw page is (the labels of `decisions.LABELS`) and
which breaks between pieces of a paragraph are cuts, read off the hand-corrected articles the
page came out as (`kcclean layout fit`). The project's own labelled pages (the generator's
issues, the fixtures' `.labels` files) are made in `kcclean_dev.labels`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex
from rapidfuzz import fuzz

from ..model import Role, Source, Text
from .cues import CREDIT, CREDIT_LINE, MARKER, SOURCE_LINE
from .lines import split_units
from .roles import take_markers

# How alike a line and a stretch of a reference must be for the line to be that stretch
# (fuzz.partial_ratio, 0–100): a raw line carries OCR errors its corrected text does not.
_SAME = 80
# A line shorter than this is too short to be told apart by likeness: it is found where it
# goes on from the line before, or as a whole headline line or byline.
_SHORTEST = 4
# A line is found in a stretch of a reference only when the stretch holds this much of it.
_LINE_COVERED = 0.8
# A line shorter than this, not going on from the line before, is found only at the start or
# the end of a reference's paragraph or as most of it.
_SHORT = 12
# Characters a column wrap may print twice (the end of one line again at the start of the next).
_OVERLAP = 6


@dataclass(slots=True)
class LabelledPage:
    """One input page with a label per unit (non-blank line) and, per unit, whether the break
    before it (from the unit before, when both are pieces of prose of one article) is a cut."""

    name: str
    source: Source
    labels: list[str]
    articles: list[int]  # per unit: the article it belongs to (-1: none)
    joins: list[bool | None]  # per unit: the break before it (None: no break between prose pieces)
    genre: str = "paper"
    layout: str = "blocks"
    damaged: bool = False
    found: float = 1.0  # the share of the page's text found in the references it was labelled from


def credit_alone(text: str) -> bool:
    """Is a paragraph of its own a photo credit or a source line (labelled `credit`)?"""
    return bool(CREDIT_LINE.match(text) or SOURCE_LINE.match(text) or (CREDIT.search(text) and len(text) <= 40 and text.startswith(("（", "("))))


_NOT_TEXT = regex.compile(r"[^\p{Han}\p{L}\p{N}]")


def _bare(text: str) -> str:
    """Text as it is compared with the reference: without continuation markers (kcclean cuts
    them), letters, digits and Han characters only, full-width forms folded (a repair
    changes marks and spaces, not these)."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", MARKER.sub("", text)))


@dataclass(slots=True)
class _Item:
    """A headline line, a paragraph or a byline of a reference article, in reading order,
    and how far into it the page's lines have reached."""

    text: str
    label: str
    article: int
    order: int
    used: int = 0


@dataclass(slots=True)
class _Place:
    """Where a line was found: a stretch of an item."""

    item: _Item
    start: int
    end: int
    alone: bool = False  # a short line found by likeness alone, not going on from the line before


def labels_from_references(source: Source, references: list[Text], name: str = "") -> LabelledPage:
    """Labels of a raw page read off the hand-corrected articles it came out as. Each line is
    found in a headline line, a paragraph or a byline of a reference article: where the line
    before stopped, else where it is most alike (OCR errors allowed). A line found nowhere
    is page furniture: a masthead line above the articles, a banner over a headline below
    them. A break between two lines is a cut when the second goes on where the first stopped."""
    items: list[_Item] = []
    for number, reference in enumerate(references):
        texts = [(line, "head" if k == 0 else "head+") for k, line in enumerate(reference.headline)]
        texts += [(reference.byline, "byline")] if reference.byline else []
        texts += [(p, "subhead" if k in reference.subheads else "body") for k, p in enumerate(reference.body)]
        items += [_Item(_bare(text), label, number, len(items) + k) for k, (text, label) in enumerate(texts)]
    page = split_units(source)
    take_markers(page)
    places: list[_Place | None] = []
    for unit in page.units:
        text = _bare(unit.text)
        before = places[-1] if places else None
        place = None if unit.role is Role.MARKER or not text else _place(items, text, before)
        if place is not None:
            place.item.used = max(place.item.used, place.end)
        places.append(place)
    _drop_strays(places)
    labels = [_label(unit.text, place, before) for unit, place, before in zip(page.units, places, [None, *places])]
    _furniture(labels, places, page.units)
    articles = [place.item.article if place else -1 for place in places]
    joins: list[bool | None] = [None]
    for before, place, label, previous in zip(places, places[1:], labels[1:], labels):
        prose = before and place and label == previous == "body" and before.item.article == place.item.article
        joins.append(_goes_on(before, place) if prose else None)
    sizes = [len(unit.text) for unit in page.units]
    found = sum(size for size, place in zip(sizes, places) if place is not None) / max(sum(sizes), 1)
    return LabelledPage(name or source.name, source, labels, articles, joins, found=found)


def _label(line: str, place: _Place | None, before: _Place | None) -> str:
    if place is None:
        return "masthead"
    if place.item.label == "body" and credit_alone(line.strip()):
        return "credit"
    if place.item.label == "head+" or (place.item.label == "head" and place.start > 0):
        # a further headline line, or one wrapped in the transcript: unless no line of the
        # headline is above it (a continuation's headline is a part of the first page's)
        above = before is not None and before.item.label in ("head", "head+") and before.item.article == place.item.article
        return "head+" if above else "head"
    return place.item.label


def _drop_strays(places: list[_Place | None]) -> None:
    """A short line found by likeness alone with no line of its article beside it is not
    that article's: a masthead's date or motto that some paragraph happens to hold."""
    for k, place in enumerate(places):
        if place is None or not place.alone:
            continue
        beside = [places[j] for j in (k - 1, k + 1) if 0 <= j < len(places)]
        if not any(other is not None and other.item.article == place.item.article for other in beside):
            places[k] = None


def _furniture(labels: list[str], places: list[_Place | None], units: list) -> None:
    """A line found in no article is page furniture, but: right above text that goes on from
    another page (上接) it is that continuation's headline (kcclean records it and drops it
    from the article); below the page's first article line and right above a headline, a
    banner (a column's name over its articles)."""
    seen = False
    for k, place in enumerate(places):
        if place is not None:
            seen = True
            continue
        following = units[k + 1] if k + 1 < len(units) else None
        if following is not None and following.continued_from and units[k].role is not Role.MARKER:
            labels[k] = "head"
            continue
        after = next((labels[j] for j in range(k + 1, len(places)) if places[j] is not None), None)
        if seen and after == "head":
            labels[k] = "banner"


def _goes_on(before: _Place, place: _Place) -> bool:
    return place.item is before.item and before.end - _OVERLAP <= place.start <= before.end + 1


def _place(items: list[_Item], text: str, before: _Place | None) -> _Place | None:
    """Where a line is among the items: going on where the line before stopped (a few
    characters printed twice allowed), else the stretch most like it, the most of an item
    first (a byline alone is the byline, not the lead that repeats it), unused first, then
    nearest after the line before."""
    if before is not None and before.item.label != "byline":
        item = before.item
        start = max(before.end - _OVERLAP, 0)
        found = fuzz.partial_ratio_alignment(text, item.text[start : before.end + len(text) + 2], score_cutoff=_SAME)
        if found is not None and found.src_start <= 1 and start + found.dest_start <= before.end + 1:
            return _Place(item, start + found.dest_start, start + found.dest_end)
    cursor = before.item.order if before else 0
    best, best_key = None, None
    for item in items:
        if len(text) < _SHORTEST:  # too short to be told apart by likeness: only a whole item
            found = fuzz.partial_ratio_alignment(text, item.text, score_cutoff=100) if text == item.text else None
        else:
            found = fuzz.partial_ratio_alignment(text, item.text, score_cutoff=_SAME)
        if found is None or found.src_end - found.src_start < _LINE_COVERED * len(text):
            continue
        if item.label in ("head", "head+") and found.dest_start > 1:
            continue  # a headline line is printed from its start
        covered = (found.dest_end - found.dest_start) / max(len(item.text), 1)
        if len(text) < _SHORT and not (found.dest_start == 0 or found.dest_end == len(item.text) or covered >= 0.5):
            continue  # a short line from the middle of a paragraph is more likely a masthead's date
        key = (round(found.score), round(covered, 1), found.dest_start >= item.used, -((item.order - cursor) % len(items)))
        if best_key is None or key > best_key:
            best, best_key = _Place(item, found.dest_start, found.dest_end, len(text) < _SHORT), key
    return best
