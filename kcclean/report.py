"""The diff report: every change of a run with its rule, location, context and evidence.

`report.json` holds everything; `report.html` is one self-contained page that renders the
same data (no network, opens from disk).
"""

from __future__ import annotations

import json
import tempfile
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from typing import Iterator, TextIO

from . import __version__
from .errors import KccleanError
from .model import Change, Issue
from .rulebook import Rulebook, portable_origin


class Report:
    """Collects a run issue by issue, spooled to disk as it goes: each issue's file entries
    and changes are encoded once, when the issue is added, and written to temporary files;
    only counters stay in memory, so a run of any size holds one issue at a time.

    `report.html` embeds the same data in pieces: a small index (summary, rules, warnings,
    one compact row per file and per change) that the page reads at once, and one inert
    `<script type="application/json">` per issue that it parses only when a file of that
    issue is opened."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        # one line each: a files[] entry; an issue's changes[] entries (comma-joined); an
        # issue's index row; a warnings[] entry
        self._files = _spool()
        self._changes = _spool()
        self._index = _spool()
        self._warnings = _spool()
        self._issue_sizes: list[int] = []  # files per spooled issue, in order
        self.files = 0
        self.changes = 0
        self.warnings = 0
        self.counts: Counter[str] = Counter()
        self.suggested: Counter[str] = Counter()
        self.recorded: Counter[str] = Counter()
        self.pairs: dict[str, Counter[tuple[str, str, bool]]] = {}
        self.articles = 0
        self.issues = 0
        self.skipped = 0

    def add_issue(self, issue: Issue) -> None:
        self.issues += 1
        self.articles += len(issue.articles)
        base = self.changes
        first_file = self.files
        file_number = {name: first_file + k for k, name in enumerate(issue.sources)}
        layout = issue.layout or locate(issue)  # a worker that built the issue placed it
        by_source: dict[str, list[dict]] = {name: [] for name in issue.sources}
        for article, units in zip(issue.articles, layout.units):
            by_source[article.source].append(
                {
                    "id": article.id,
                    "source": article.source,
                    "headline": article.headline,
                    "byline": article.byline,
                    "body": article.body,
                    "subheads": article.subheads,
                    "layout": article.layout,
                    "kind": article.kind,
                    "path": article.path,
                    "changes": article.changes,
                    "truncated": article.truncated,
                    "continued_to": article.continued_to,
                    "continued_from": article.continued_from,
                    "sources": article.sources,
                    "origin": [list(o) for o in article.origin],
                    "page": article.page,
                    "warnings": article.warnings,
                    "units": _rebased(units, base),
                }
            )
            for message in article.warnings:
                self._warn(article.source, article.id, message)
        for message in issue.warnings:
            self._warn(issue.sources[0], None, message)
        home_of_article = {a.id: file_number[a.source] for a in issue.articles if a.source in file_number}
        entries: list[dict] = []
        rows: list[list] = []
        per_file = {name: Counter() for name in issue.sources}
        for number, change in enumerate(issue.changes):
            data = change_json(change)
            data["id"] = base + number
            data["start"], data["end"] = layout.spans[number]
            entries.append(data)
            kind = kind_of(change)
            source = file_number.get(change.source, first_file)
            home = home_of_article.get(change.article, source)
            rows.append([base + number, source, home, change.rule, change.kind, int(change.applied), change.line, change.column])
            if change.source in per_file:
                per_file[change.source][kind] += 1
            if change.applied:
                self.counts[change.rule] += 1
                self.recorded[change.rule] += change.kind == "record"
            else:
                self.suggested[change.rule] += 1
            self._pair(change)
        self.changes += len(issue.changes)
        index_files = []
        for name in issue.sources:
            mine = [c for c in issue.changes if c.source == name]
            text = issue.texts.get(name, "")
            entry = {
                "source": name,
                "encoding": issue.encodings.get(name),
                "issue": issue.key,
                "articles": by_source[name],
                "fixes": sum(1 for c in mine if c.is_fix),
                "suggestions": sum(1 for c in mine if not c.applied),
                "error": None,
                "text": text,
                "furniture": layout.furniture.get(name, []),
            }
            self._files.write(_encode(entry) + "\n")
            index_files.append(
                {
                    "source": name,
                    "encoding": entry["encoding"],
                    "issue": issue.key,
                    "error": None,
                    "chars": len(text),
                    "articles": [[a["id"], " ".join(a["headline"])] for a in by_source[name]],
                    "warnings": sum(len(a["warnings"]) for a in by_source[name]),
                    "kinds": dict(per_file[name]),
                }
            )
        self.files += len(issue.sources)
        self._changes.write(_encode(entries)[1:-1] + "\n")  # the issue's changes, comma-separated
        self._index.write(_encode({"files": index_files, "changes": rows}) + "\n")
        self._issue_sizes.append(len(issue.sources))

    def _warn(self, source: str, article: str | None, message: str) -> None:
        self.warnings += 1
        self._warnings.write(_encode({"source": source, "article": article, "message": message}) + "\n")

    def _pair(self, change: Change) -> None:
        """Count the change's before → after pair under its rule (edits and suggestions: the
        pairs a reviewer clears at once); a rule keeps at most _PAIRS distinct pairs."""
        if change.kind != "edit":
            return
        pairs = self.pairs.setdefault(change.rule, Counter())
        key = (change.before, change.after, change.applied)
        if key in pairs or len(pairs) < _PAIRS:
            pairs[key] += 1

    def add_skipped(self, error: KccleanError) -> None:
        for source in str(getattr(error, "path", "?")).split(", "):
            self._skip(source, error)

    def _skip(self, source: str, error: KccleanError) -> None:
        self.skipped += 1
        entry = {
            "source": source,
            "encoding": None,
            "issue": None,
            "articles": [],
            "fixes": 0,
            "suggestions": 0,
            "error": str(error),
            "text": "",
            "furniture": [],
        }
        self._files.write(_encode(entry) + "\n")
        row = {"source": source, "encoding": None, "issue": None, "error": str(error), "chars": 0, "articles": [], "warnings": 1, "kinds": {}}
        self._index.write(_encode({"files": [row], "changes": []}) + "\n")
        self._changes.write("\n")
        self._issue_sizes.append(1)
        self.files += 1
        self._warn(source, None, f"skipped: {error}")

    def summary(self) -> dict:
        recorded = sum(self.recorded.values())
        return {
            "files": self.files,
            "skipped": self.skipped,
            "issues": self.issues,
            "articles": self.articles,
            "fixes": sum(self.counts.values()) - recorded,
            "recorded": recorded,
            "suggestions": sum(self.suggested.values()),
            "warnings": self.warnings,
        }

    def _rules(self) -> dict:
        rules = {}
        for rule_id in sorted(set(self.counts) | set(self.suggested)):
            rule = self.rulebook.by_id.get(rule_id)
            pairs = self.pairs.get(rule_id, Counter())
            rules[rule_id] = {
                "description": rule.description if rule else "",
                "kind": rule.kind if rule else "",
                "level": rule.level if rule else "safe",
                "origin": portable_origin(rule.origin) if rule else "",
                "applied": self.counts[rule_id],
                "suggested": self.suggested[rule_id],
                "recorded": self.recorded[rule_id],
                "pairs": [[before, after, applied, n] for (before, after, applied), n in pairs.most_common()],
            }
        return rules

    def _lines(self, spool: TextIO) -> Iterator[str]:
        spool.flush()
        spool.seek(0)
        for line in spool:
            yield line[:-1]
        spool.seek(0, 2)

    def _pieces(self) -> Iterator[str]:
        """report.json's text in pieces, each ending on a JSON value."""
        yield '{"kcclean":' + _encode(__version__)
        yield ',"summary":' + _encode(self.summary())
        yield ',"rules":' + _encode(self._rules())
        yield ',"files":['
        for number, line in enumerate(self._lines(self._files)):
            yield "," + line if number else line
        yield '],"changes":['
        first = True
        for line in self._lines(self._changes):
            if line:
                yield line if first else "," + line
                first = False
        yield '],"warnings":['
        for number, line in enumerate(self._lines(self._warnings)):
            yield "," + line if number else line
        yield "]}"

    def to_json(self) -> dict:
        return json.loads("".join(self._pieces()))

    def write_json(self, handle: TextIO) -> None:
        handle.writelines(self._pieces())

    def write_html(self, handle: TextIO) -> None:
        """The page: the index, then one inert data element per issue, then the script that
        draws it. Every piece of data is escaped so that no text can end its element."""
        template = resources.files("kcclean").joinpath("report.html").read_text(encoding="utf-8")
        head, tail = template.split("<!--REPORT_DATA-->")
        handle.write(head)
        handle.write('<script id="kc-index" type="application/json">')
        handle.write(script_safe('{"kcclean":' + _encode(__version__)))
        handle.write(script_safe(',"summary":' + _encode(self.summary()) + ',"rules":' + _encode(self._rules())))
        handle.write(',"warnings":[')
        for number, line in enumerate(self._lines(self._warnings)):
            handle.write(("," if number else "") + script_safe(line))
        handle.write('],"issues":[')
        for number, line in enumerate(self._lines(self._index)):
            handle.write(("," if number else "") + script_safe(line))
        handle.write("]}</script>\n")
        files = self._lines(self._files)
        for number, (size, changes) in enumerate(zip(self._issue_sizes, self._lines(self._changes))):
            handle.write(f'<script id="kc-issue-{number}" type="application/json">{{"files":[')
            for k in range(size):
                handle.write(("," if k else "") + script_safe(next(files)))
            handle.write('],"changes":[' + script_safe(changes) + "]}</script>\n")
        handle.write(tail)


_PAIRS = 200  # distinct before → after pairs kept per rule for review by rule


def _spool() -> TextIO:
    """A temporary file for the report's pieces (removed when closed or when the run ends)."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")


def script_safe(encoded: str) -> str:
    """JSON text that can sit inside an HTML <script> element: `<`, `>` and `&` (which can only
    occur inside JSON strings) written as \\u escapes, so no `</script>` or `<!--` in a
    transcript can end or change the element."""
    # three C-speed replaces: str.translate with a mapping goes through Python per character
    return encoded.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# Compact JSON by the standard library's C encoder, one encoder for the run (json.dumps with
# options builds a new one per call, and a run encodes a value per change).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def kind_of(change: Change) -> str:
    """What a change is, in the words used everywhere (report.json's `kind`, the page's legend,
    list and details, `kcclean diff`): edit, join, move, stitch, record, or suggestion (a
    change of an unsafe rule, not applied)."""
    return change.kind if change.applied else "suggestion"


_CHANGE_FIELDS = tuple(f.name for f in fields(Change))


def change_json(change: Change) -> dict:
    # the fields are plain strings, numbers and booleans: no deep copy (asdict) needed
    data = {name: getattr(change, name) for name in _CHANGE_FIELDS}
    data["fix"] = change.is_fix
    return data


# --- where things are in the input ------------------------------------------------------
#
# The report shows every change on the raw text and every article unit (headline line,
# byline, paragraph) next to the raw text it came from. Positions are character (code point)
# offsets into the file's decoded text, `files[].text`.

@dataclass(slots=True)
class Layout:
    """Where an issue's changes and article units sit in its input files."""

    spans: list[tuple[int | None, int | None]]  # per change: [start, end) in its file, or None
    units: list[list[dict]] = field(default_factory=list)  # per article, in order: its units
    furniture: dict[str, list[list[int]]] = field(default_factory=dict)  # file → text outside articles


@dataclass(slots=True)
class _Run:
    """Characters of a derived line that came from one place: plain input, one character for
    one (`plain`), or what a change put in, every character standing for its whole span."""

    at: int  # position in the line's text
    size: int
    start: int  # input span
    end: int
    tag: int  # change index that put it there (or suggests it), or -1
    plain: bool


@dataclass(slots=True)
class _Line:
    """One line of a file after every applied change: the text an article unit is cut from,
    kept as runs of characters with their input spans (no per-character lists)."""

    source: str
    pieces: list[str] = field(default_factory=list)
    runs: list[_Run] = field(default_factory=list)
    points: list[tuple[int, int]] = field(default_factory=list)  # (position, change) of removals
    size: int = 0
    string: str = ""  # the text, once the line is finished
    run_at: list[int] = field(default_factory=list)
    used: int = 0  # characters already matched to a unit

    def add(self, text: str, start: int, end: int, tag: int, plain: bool) -> None:
        if text:
            self.runs.append(_Run(self.size, len(text), start, end, tag, plain))
            self.pieces.append(text)
            self.size += len(text)

    def finish(self) -> _Line:
        self.string = "".join(self.pieces)
        self.pieces = []  # in `string` now
        self.run_at = [run.at for run in self.runs]
        return self

    def _run(self, position: int) -> _Run:
        return self.runs[bisect_right(self.run_at, position) - 1]

    def input_start(self, position: int) -> int:
        """Where in the input the character at `position` begins."""
        run = self._run(position)
        return run.start + (position - run.at) if run.plain else run.start

    def input_end(self, position: int) -> int:
        """Where in the input the character at `position` ends."""
        run = self._run(position)
        return run.start + (position - run.at) + 1 if run.plain else run.end


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def place(text: str, starts: list[int], change: Change) -> tuple[int | None, int | None]:
    """[start, end) of the input text a change replaced, or (None, None) when its `before` is not
    at its line and column (a change of text another change made). A join of two paragraphs
    that were not neighbours (a moved lead, a page jump) is a point: where the cut was."""
    if not 1 <= change.line <= len(starts):
        return None, None
    line_start = starts[change.line - 1]
    line_end = starts[change.line] - 1 if change.line < len(starts) else len(text)
    offset = min(line_start + max(change.column, 1) - 1, line_end)
    before = change.before
    if change.kind == "move":  # where the moved text begins; `locate` gives it its unit's span
        return offset, offset
    if change.kind == "join":
        skip = offset
        while skip < len(text) and text[skip] != "\n" and text[skip].isspace():
            skip += 1
        if text.startswith(before, skip) and _joins_next(text, skip + len(before), change.context_after):
            return offset, skip + len(before)
        return offset, offset  # where the first piece ends (a （下转2版） after it is a record of its own)
    if text.startswith(before, offset):
        return offset, offset + len(before)
    if before:  # the same text nearby (a column counted differently), nearest first
        window_start = starts[max(change.line - 2, 0)]
        window_end = starts[change.line + 1] if change.line + 1 < len(starts) else len(text)
        found = []
        at = text.find(before, window_start, window_end)
        while at != -1:
            found.append(at)
            at = text.find(before, at + 1, window_end)
        if found:
            best = min(found, key=lambda p: abs(p - offset))
            return best, best + len(before)
    return None, None


def _joins_next(text: str, at: int, joined: str) -> bool:
    """Whether the text a join continued with is what follows the line break in the input
    (else the two parts were not neighbours: a moved lead, a page jump)."""
    while at < len(text) and text[at].isspace() and text[at] != "\n":
        at += 1
    size = min(2, len(joined))
    return text[at : at + size] == joined[:size]


def locate(issue: Issue) -> Layout:
    """Place each change of an issue on its input text, and find the input spans each article
    unit came from. A change is named by its index in the issue (`_rebased` gives the report's)."""
    texts = issue.texts
    starts = {name: _line_starts(text) for name, text in texts.items()}
    spans: list[tuple[int | None, int | None]] = []
    for i, change in enumerate(issue.changes):
        text = texts.get(change.source)
        first = issue.first_lines.get(change.source, 1)  # the text is a part of its file
        placed = change if first == 1 else replace(change, line=change.line - first + 1)
        span = place(text, starts[change.source], placed) if text is not None else (None, None)
        if span[0] is None and change.before:
            span = _follows(issue.changes, spans, i)
        spans.append(span)
    # A change is drawn with the changes on the same span (a fixed masthead line then recorded);
    # one that overlaps another span cannot be drawn on the text: it is left unplaced.
    marks: dict[str, list[tuple[int, int, list[int]]]] = {name: [] for name in texts}
    order = sorted(
        (i for i, (s, _) in enumerate(spans) if s is not None and issue.changes[i].kind != "move"),
        key=lambda i: (issue.changes[i].source, spans[i][0], spans[i][1], i),
    )
    for i in order:
        items = marks[issue.changes[i].source]
        start, end = spans[i]
        if items and (items[-1][0], items[-1][1]) == (start, end):
            items[-1][2].append(i)
        elif items and start < items[-1][1]:
            spans[i] = (None, None)
        else:
            items.append((start, end, [i]))
    covered = {name: bytearray(len(text)) for name, text in texts.items()}
    for name, items in marks.items():
        for start, end, _ in items:
            covered[name][start:end] = b"\x01" * (end - start)
    lines = {name: _derive(name, texts[name], starts[name], marks[name], issue.changes) for name in texts}
    index: dict = {"all": [line for name in issue.sources for line in lines.get(name, [])], "at": {}}
    for line in index["all"]:
        number = bisect_right(starts[line.source], line.input_start(0))
        index["at"].setdefault((line.source, number), []).append(line)

    layout = Layout(spans)
    in_articles = {name: bytearray(len(text)) for name, text in texts.items()}
    for article in issue.articles:
        units = _units(article, index, texts, starts, covered)
        for unit in units:
            for source, start, end in unit["spans"]:
                in_articles[source][start:end] = b"\x01" * (end - start)
        layout.units.append(units)
    # A move covers the unit it moved, from where its text begins (an indent left out).
    for i, change in enumerate(issue.changes):
        if change.kind != "move" or spans[i][0] is None:
            continue
        for unit in (u for units in layout.units for u in units):
            first = unit["spans"][0] if unit["spans"] else None
            if first and first[0] == change.source and first[1] <= spans[i][0] < first[2]:
                unit["moved"] = i
                spans[i] = (spans[i][0], first[2])
                break
        else:
            spans[i] = (None, None)
    for name, text in texts.items():
        layout.furniture[name] = _furniture(text, in_articles[name], marks[name])
    return layout


def _rebased(units: list[dict], base: int) -> list[dict]:
    """An article's units with their changes named by index in the report, not the issue."""
    if not base:
        return units
    return [
        {
            **unit,
            "marks": [[start, end, change + base] for start, end, change in unit["marks"]],
            "moved": None if unit["moved"] is None else unit["moved"] + base,
        }
        for unit in units
    ]


def _follows(changes: list[Change], spans: list, i: int) -> tuple[int | None, int | None]:
    """The span of an earlier change whose result this change changes again."""
    change = changes[i]
    for j in range(i - 1, -1, -1):
        other = changes[j]
        if other.source == change.source and spans[j][0] is not None and other.after == change.before:
            if abs(other.line - change.line) <= 1:
                return spans[j]
    return None, None


def _derive(name: str, text: str, starts: list[int], marks: list[tuple[int, int, list[int]]], changes: list[Change]) -> list[_Line]:
    """The file's lines after every applied change, layout whitespace (indents, trailing
    spaces, line ends) left out, each character knowing where in the input it came from."""
    size, rows, count = len(text), len(starts), len(marks)
    ends = [start - 1 for start in starts[1:]] + [size]  # per input line: where its line end is
    content: list[tuple[int, int]] = []  # per input line: [start, end) of its text, not layout
    for line_start, line_end in zip(starts, ends):
        raw = text[line_start:line_end]
        kept = raw.strip()
        lead = raw.find(kept) if kept else len(raw)  # what precedes `kept` is all whitespace
        content.append((line_start + lead, line_start + lead + len(kept)))
    out: list[_Line] = []
    line = _Line(name)
    suggest_until, suggest = -1, -1
    at = 0
    pos = 0
    row = 0  # input line of `pos`
    while True:
        while at < count and marks[at][0] == pos:
            start, end, group = marks[at]
            at += 1
            done = [i for i in group if changes[i].applied]
            proposed = [i for i in group if not changes[i].applied]
            if not done:  # only suggested: the input text stays, marked
                if end > start:
                    suggest_until, suggest = end, proposed[0]
                else:
                    line.points.append((line.size, proposed[0]))
                continue
            last = done[-1]
            after = changes[last].after
            tag = proposed[0] if proposed else last
            if not after:
                line.points.append((line.size, last))
            line.add(after, start, end, tag, False)
            pos = max(pos, end)
        if pos >= size:
            break
        while at < count and marks[at][0] < pos:  # inside a change already drawn
            at += 1
        while row + 1 < rows and starts[row + 1] <= pos:
            row += 1
        # plain input up to the next change or the end of the line, layout left out
        stop = ends[row]
        if at < count and marks[at][0] < stop:
            stop = marks[at][0]
        if stop > pos:
            low, high = content[row]
            low, high = max(pos, low), min(stop, high)
            if low < high:
                middle = max(low, min(high, suggest_until))  # the marked part goes first
                line.add(text[low:middle], low, middle, suggest, True)
                line.add(text[middle:high], middle, high, -1, True)
            pos = stop
            continue
        # a line end that no change removed: the derived line ends
        if line.size:
            out.append(line.finish())
            line = _Line(name)
        else:
            line.points.clear()
        pos += 1
    if line.size:
        out.append(line.finish())
    return out


def _units(article, index, texts, starts, covered) -> list[dict]:
    """Each headline line, byline and paragraph of an article with the input spans it came
    from and the positions in it of the changes that made it (`exact`: the spans with their
    changes give exactly this text)."""
    heads, body = article.headline, article.body
    origin = [tuple(o) for o in article.origin]
    middle = len(origin) - len(heads) - len(body)
    units: list[dict] = []
    roles = [("headline", i, t) for i, t in enumerate(heads)]
    hints = origin[: len(heads)] if middle >= 0 else []
    for n in range(max(middle, 0)):
        source, first, last = origin[len(heads) + n]
        roles.append(("byline", n, article.byline or ""))
        hints.append((source, first, last))
    roles += [("body", i, t) for i, t in enumerate(body)]
    hints += origin[len(origin) - len(body) :] if middle >= 0 else []
    for k, (role, number, text) in enumerate(roles):
        hint = hints[k] if k < len(hints) else None
        unit = {"role": role, "index": number, "spans": [], "exact": False, "marks": [], "moved": None}
        found = None if role == "byline" or not text else _match(text, hint, index)
        if found:
            offset = 0
            for line, i, j in found:
                unit["spans"].append(_widen(line.source, line.input_start(i), line.input_end(j - 1), texts, starts, covered))
                unit["marks"] += _marks_of(line, i, j, offset)
                offset += j - i
            unit["exact"] = True
        elif hint and hint[0] in texts:
            source, first, last = hint
            for line_no in sorted({first, last}) if first > last else range(first, last + 1):
                span = _line_span(texts[source], starts[source], line_no)
                if span:
                    unit["spans"].append([source, *span])
        units.append(unit)
    return units


def _match(text: str, hint, index: dict) -> list[tuple[_Line, int, int]] | None:
    """The pieces of derived lines that spell `text`: first the line the hint names, then
    (for a paragraph joined across a move or a page jump) wherever its rest is."""
    pieces: list[tuple[_Line, int, int]] = []
    pos = 0
    while pos < len(text):
        found = None
        if hint:
            source, first, last = hint
            for number in (last, first) if pieces else (first, last):
                found = _piece(text, pos, index["at"].get((source, number), ()))
                if found:
                    break
        if not found:
            found = _piece(text, pos, index["all"])
        if not found:
            for line, i, _ in pieces:  # give back what the failed attempt took
                line.used = min(line.used, i)
            return None
        pieces.append(found)
        found[0].used = found[2]
        pos += found[2] - found[1]
    return pieces or None


def _piece(text: str, pos: int, lines) -> tuple[_Line, int, int] | None:
    for line in lines:
        if line.used >= line.size or line.string[line.used] != text[pos]:
            continue
        rest = line.string[line.used :]
        if text.startswith(rest, pos):
            return line, line.used, line.size
        if rest.startswith(text[pos:]):
            return line, line.used, line.used + len(text) - pos
    return None


def _marks_of(line: _Line, i: int, j: int, offset: int) -> list[list[int]]:
    """[start, end, change] of the characters of line[i:j] a change put there (or suggests),
    and [at, at, change] for what a change removed, as positions in the unit's text."""
    marks: list[list[int]] = []
    for run in line.runs[max(bisect_right(line.run_at, i) - 1, 0) :]:
        if run.at >= j:
            break
        low, high = max(i, run.at), min(j, run.at + run.size)
        if run.tag == -1 or low >= high:
            continue
        if marks and marks[-1][2] == run.tag and marks[-1][1] == offset + low - i:
            marks[-1][1] = offset + high - i
        else:
            marks.append([offset + low - i, offset + high - i, run.tag])
    for at, change in line.points:
        if i <= at <= j and (at < j or j == line.size):
            marks.append([offset + at - i, offset + at - i, change])
    marks.sort(key=lambda m: (m[0], m[1]))
    return marks


def _widen(source: str, start: int, end: int, texts, starts, covered) -> list:
    """A unit's span grown to the whole line when the rest of the line is layout or a change:
    an indent, a heading marker, a continuation marker."""
    text, cover = texts[source], covered[source]
    line = bisect_right(starts[source], start) - 1
    line_start = starts[source][line]
    if not text[line_start:start].strip() or all(text[p].isspace() or cover[p] for p in range(line_start, start)):
        start = line_start  # (the first test is the usual case: only an indent, in one call)
    last = bisect_right(starts[source], max(end - 1, start)) - 1
    line_end = starts[source][last + 1] - 1 if last + 1 < len(starts[source]) else len(text)
    if end <= line_end and (not text[end:line_end].strip() or all(text[p].isspace() or cover[p] for p in range(end, line_end))):
        end = line_end
    return [source, start, end]


def _line_span(text: str, starts: list[int], number: int) -> tuple[int, int] | None:
    if not 1 <= number <= len(starts):
        return None
    start = starts[number - 1]
    end = starts[number] - 1 if number < len(starts) else len(text)
    return (start, end) if text[start:end].strip() else None


def _furniture(text: str, in_articles: bytearray, marks: list[tuple[int, int, list[int]]]) -> list[list[int]]:
    """[start, end) of each stretch of the input that is in no article (masthead, banners,
    markers, jump headlines), from one article to the next."""
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
            for mark_start, mark_end, _ in marks:  # never cut a change in two
                if mark_start < end and mark_end > start:
                    start, end = min(start, mark_start), max(end, mark_end)
            if out and start <= out[-1][1]:
                out[-1][1] = max(out[-1][1], end)
            else:
                out.append([start, end])
        pos = stop
    return out
