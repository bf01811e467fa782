"""Labelled pages for the layout model: what every line of a page is, and which breaks between
pieces of a paragraph are cuts (join) or ends (keep).

Three sources, all the project's own writing:
- the generator's issues (`generator.generate`): it knows what it printed on every line;
- the fixtures: a `*.labels` file beside each input page (`fixtures/**/X.labels` for `X.txt`),
  one line per non-blank input line: `line<TAB>label<TAB>article<TAB>break`, written once from
  kcclean's exact output (`labels_of_issue`) or from a clean page's expected file
  (`labels_of_clean_page`) and then kept, reviewed, as data;
- a user's own pages and hand-corrected articles (`kcclean layout fit`).

Labels are `kcclean.layout.decisions.LABELS`: masthead (page furniture: masthead lines,
running heads, continuation markers alone), banner (a column banner), head (first line of a
headline: an article starts), head+ (a further headline line), subhead, byline, credit (a
photo credit or source line standing alone), body.
"""

from __future__ import annotations

from pathlib import Path

from kcclean.input import read_source
from kcclean.layout.labelling import LabelledPage, credit_alone
from kcclean.layout.lines import split_units
from kcclean.layout.roles import take_markers
from kcclean.model import Issue, Role, Source

from .generator import GeneratedIssue, parse_expected


def prose_breaks(labels: list[str], articles: list[int]) -> list[bool]:
    """Per unit: is there a break between two prose pieces of one article before it?"""
    return [
        k > 0 and labels[k] == "body" and labels[k - 1] == "body" and articles[k] == articles[k - 1] >= 0
        for k in range(len(labels))
    ]


def from_generated(issue: GeneratedIssue) -> list[LabelledPage]:
    """The generator's pages with what it printed on each line. A break is a cut when the two
    pieces make one paragraph of the expected article (an overlap OCR repeated left out)."""
    pages = []
    for name, text in issue.files.items():
        source = Source.of(name, text)
        units = split_units(source).units
        tags = issue.labels[name]
        labels = [label for label, _ in tags]
        articles = [article for _, article in tags]
        joins: list[bool | None] = [None] * len(units)
        for k, is_break in enumerate(prose_breaks(labels, articles)):
            if is_break:
                joins[k] = _one_paragraph(units[k - 1].text, units[k].text, issue.expected[articles[k]].body)
        damaged = any(log.damages for log in issue.articles)
        genre = ",".join(sorted({log.genre for log in issue.articles}))
        pages.append(LabelledPage(name, source, labels, articles, joins, genre, issue.layout, damaged))
    return pages


def _one_paragraph(a: str, b: str, paragraphs: tuple[str, ...]) -> bool:
    a, b = _unmarked(a), _unmarked(b)
    for size in range(min(len(a), len(b), 12), -1, -1):
        if size and not a.endswith(b[:size]):
            continue
        joined = a + b[size:]
        if any(joined in paragraph for paragraph in paragraphs):
            return True
    return False


def _unmarked(text: str) -> str:
    """A unit's text without the continuation markers kcclean cuts from it."""
    from kcclean.layout.cues import MARKER

    return MARKER.sub("", text).strip()


def labels_of_issue(issue: Issue, sources: list[Source]) -> list[LabelledPage]:
    """Labels read off an issue kcclean cleaned exactly as it should be: each line is what the
    article part holding it is (the first line of a headline `head`, a subhead paragraph
    `subhead`, a credit or source line `credit`), a line in no article `furniture`; a break
    between two prose pieces is a cut when both are in one paragraph."""
    pages = []
    for source in sources:
        where: list[tuple[int, int, str, int, int]] = []  # (start, end, label, article, part)
        for number, article in enumerate(issue.articles):
            subheads = set(article.subheads)
            for part_number, part in enumerate(article.parts):
                if part.role == "headline":
                    label = "head" if part.index == 0 else "head+"
                elif part.role == "byline":
                    label = "byline"
                elif part.index in subheads:
                    label = "subhead"
                else:
                    label = "body"  # a credit line is told by its own text below
                for run in part.trace.spans():
                    if run.source.name == source.name and run.source.first_line == source.first_line:
                        where.append((run.start, run.end, label, number, part_number))
        page = split_units(source)
        take_markers(page)  # a unit's text starts after its （上接1版）, as the layout stage reads it
        jumps = [(c.start, c.end) for c in issue.changes if c.kind == "stitch" and c.source == source.name]
        units = page.units
        labels, articles, parts = [], [], []
        for unit in units:
            start = unit.trace.pieces[0].start
            hit = next(((label, article, part) for s, e, label, article, part in where if s <= start < e), None)
            if unit.role is Role.MARKER:
                hit = None
            elif hit is None and any(s <= start < e for s, e in jumps):
                hit = ("head", -1, -1)  # the headline of a continuation, recorded when it was stitched
            label, article, part = hit or ("banner" if unit.text in issue.banners else "masthead", -1, -1)
            if label == "body" and credit_alone(unit.text):
                label = "credit"
            labels.append(label)
            articles.append(article)
            parts.append(part)
        joins: list[bool | None] = [None] * len(units)
        for k, is_break in enumerate(prose_breaks(labels, articles)):
            if is_break:
                joins[k] = parts[k] == parts[k - 1]
        pages.append(LabelledPage(source.name, source, labels, articles, joins))
    return pages


def labels_of_clean_page(source: Source, expected: str) -> LabelledPage:
    """Labels of a clean page (each headline line, byline and paragraph a block of its own)
    from its expected file: each line is found among the expected items in order."""
    items: list[tuple[str, str, int]] = []  # (text, label, article)
    furniture = {}
    for line in expected.split("\n"):
        if line.startswith(("masthead: ", "banner: ")):
            kind, text = line.split(": ", 1)
            furniture[text] = kind
    for number, (article, _) in enumerate(parse_expected(expected, source.name)):
        for k, headline in enumerate(article.headline):
            items.append((headline, "head" if k == 0 else "head+", number))
        for k, paragraph in enumerate(article.body):
            label = "subhead" if k in article.subheads else "credit" if credit_alone(paragraph) else "body"
            items.append((paragraph, label, number))
        items.append((article.byline or "", "byline", number))
    units = split_units(source).units
    labels, articles = [], []
    at = 0
    current = -1
    for unit in units:
        text = unit.text
        match = next((k for k in range(at, len(items)) if items[k][0] == text and items[k][1] != "byline"), None)
        if match is not None:
            _, label, current = items[match]
            at = match + 1
        elif text in furniture:
            label = furniture[text]
        elif any(lab == "byline" and t and text.lstrip("□■▲●◆★☆◎ ") in t for t, lab, _ in items):
            label = "byline"  # a byline line: the article whose byline holds it (the next one, or this one's)
            current = next((a for t, lab, a in items[at:] + items[:at] if lab == "byline" and t and text.lstrip("□■▲●◆★☆◎ ") in t), current)
        else:
            raise ValueError(f"{source.name}: line {unit.line} {text!r} is in no expected article")
        labels.append(label)
        articles.append(current if label not in ("masthead", "banner") else -1)
    joins: list[bool | None] = [False if b else None for b in prose_breaks(labels, articles)]
    return LabelledPage(source.name, source, labels, articles, joins)


# --- the labels files beside the fixtures ------------------------------------------------


def write_labels(page: LabelledPage, path: Path) -> None:
    units = split_units(page.source).units
    lines = ["# line\tlabel\tarticle\tbreak before (join: a cut; keep: an end)"]
    for unit, label, article, join in zip(units, page.labels, page.articles, page.joins):
        shown = "-" if join is None else "join" if join else "keep"
        lines.append(f"{unit.line}\t{label}\t{article if article >= 0 else '-'}\t{shown}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_labels(text_path: Path, genre: str = "paper", layout: str = "fixture") -> LabelledPage:
    """A fixture page and its labels file (`X.labels` beside `X.txt`)."""
    source = read_source(text_path, text_path.name)
    rows = [line.split("\t") for line in text_path.with_suffix(".labels").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    units = split_units(source).units
    if [int(row[0]) for row in rows] != [unit.line for unit in units]:
        raise ValueError(f"{text_path.with_suffix('.labels')}: its lines are not the page's non-blank lines")
    labels = [row[1] for row in rows]
    articles = [-1 if row[2] == "-" else int(row[2]) for row in rows]
    joins = [None if row[3] == "-" else row[3] == "join" for row in rows]
    return LabelledPage(text_path.name, source, labels, articles, joins, genre, layout, False)


def fixture_issues(root: Path) -> list[list[LabelledPage]]:
    """Every fixture page with a labels file, its genre the corpus folder it is in; the pages
    of one folder are one issue."""
    issues: dict[Path, list[LabelledPage]] = {}
    for path in sorted(root.rglob("*.labels")):
        text = path.with_suffix(".txt")
        genre = path.parent.name if path.parent.parent.name == "corpus" else "paper"
        issues.setdefault(path.parent, []).append(read_labels(text, genre))
    return list(issues.values())
