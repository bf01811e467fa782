"""What the report and `kcclean diff` show of an issue, projected from what the pipeline
recorded: each change's span and context, each article part's input spans and the changes
inside it, and the input text that is in no article. Nothing here searches the text for
where something came from: every position was recorded when the change was made.

Positions are code point offsets into a file's decoded text (`Source.text`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator

from ..model import Article, Change, Issue, Part, Source

# Characters of input shown either side of a change.
CONTEXT = 16


def context(change: Change, sources: dict[str, Source]) -> tuple[str, str]:
    """The input just before and just after a change, within its paragraph; after a join of
    pieces that are not neighbours, the text it joined."""
    text = sources[change.source].text
    before = text[max(0, change.start - CONTEXT) : change.start].rsplit("\n\n", 1)[-1]
    if change.to is not None:
        source, start = change.to
        following = sources[source].text[start : start + CONTEXT]
    else:
        following = text[change.end : change.end + CONTEXT]
    return before, following.split("\n\n", 1)[0]


class Numbered:
    """The changes of an issue with their numbers in the report: their index plus `base`, or
    what `number` makes of their index."""

    def __init__(self, changes: list[Change], base: int = 0, number: Callable[[int], int | str] | None = None):
        self.changes = changes
        number = number or (lambda k: base + k)
        self._numbers = {id(change): number(k) for k, change in enumerate(changes)}

    def number(self, change: Change | None) -> int | str | None:
        return None if change is None else self._numbers.get(id(change))


def part_view(part: Part, numbered: Numbered, suggested: dict[str, list[Change]]) -> dict:
    """A part as the report shows it: the input spans it came from, and [start, end, change]
    of what each change put into its text (or suggests there), as positions in that text."""
    marks: list[list[int]] = []
    for piece in part.trace.pieces:
        if piece.change is not None:
            marks.append([piece.at, piece.at + piece.size, numbered.number(piece.change)])
            continue
        waiting = suggested.get(piece.source.name, ())
        at = bisect_left(waiting, piece.start, key=lambda c: c.start)
        while at < len(waiting) and waiting[at].start < piece.end:
            change = waiting[at]
            if change.end <= piece.end and change.end > change.start:
                offset = piece.at + change.start - piece.start
                marks.append([offset, offset + change.end - change.start, numbered.number(change)])
            at += 1
    marks.sort(key=lambda mark: (mark[0], mark[1]))
    return {
        "role": part.role,
        "index": part.index,
        "spans": [[run.source.name, run.start, run.end] for run in part.trace.spans()],
        "marks": marks,
        "moved": numbered.number(part.moved),
    }


def article_views(issue: Issue, numbered: Numbered) -> Iterator[tuple[Article, list[dict]]]:
    """Each article of the issue with the views of its parts."""
    suggested: dict[str, list[Change]] = {}
    for change in issue.changes:
        if not change.applied:
            suggested.setdefault(change.source, []).append(change)
    for article in issue.articles:
        yield article, [part_view(part, numbered, suggested) for part in article.parts]


def furniture(source: Source, in_articles: bytearray, changes: list[Change]) -> list[list[int]]:
    """[start, end) of each stretch of the input that is in no article (masthead, banners,
    markers, jump headlines), from one article to the next, never cutting a change in two."""
    text = source.text
    marks = sorted((c.start, c.end) for c in changes if c.source == source.name and c.kind != "move")
    out: list[list[int]] = []
    pos, size = 0, len(text)
    while pos < size:
        pos = in_articles.find(0, pos)
        if pos == -1:
            break
        stop = in_articles.find(1, pos)
        stop = size if stop == -1 else stop
        stretch = text[pos:stop]
        if stretch.strip():
            start = pos + len(stretch) - len(stretch.lstrip())
            end = pos + len(stretch.rstrip())
            for mark_start, mark_end in marks:
                if mark_start < end and mark_end > start:
                    start, end = min(start, mark_start), max(end, mark_end)
            if out and start <= out[-1][1]:
                out[-1][1] = max(out[-1][1], end)
            else:
                out.append([start, end])
        pos = stop
    return out


def coverage(issue: Issue, views: list[list[dict]]) -> dict[str, bytearray]:
    """For each input, which of its characters are in an article."""
    covered = {source.name: bytearray(len(source.text)) for source in issue.inputs}
    for units in views:
        for unit in units:
            for name, start, end in unit["spans"]:
                if name in covered:
                    covered[name][start:end] = b"\x01" * (end - start)
    return covered
