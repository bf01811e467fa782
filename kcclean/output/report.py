"""The diff report: every change of a run with its rule, location, context and evidence.

`report.json` holds everything; `report.html` is one self-contained page that renders the
same data (no network, opens from disk).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Iterator, TextIO, TypeVar

from ..about import __version__
from ..errors import KccleanError
from ..model import Change, Issue, Source
from ..rules import LayoutRuleId, Rulebook, portable_origin
from .projection import Numbered, article_views, context, coverage, furniture

T = TypeVar("T")


def _spooling(write: Callable[..., T]) -> Callable[..., T]:
    """`write`, whose failure to write the report's temporary files names their folder: a full
    /tmp is common, and an error writing a file does not name it."""

    @functools.wraps(write)
    def spooling(*args, **kwargs) -> T:
        try:
            return write(*args, **kwargs)
        except OSError as error:
            raise KccleanError(
                f"{tempfile.gettempdir()}: cannot write the report's temporary files: "
                f"{error.strerror or error} (TMPDIR chooses another folder)"
            ) from None

    return spooling


class Report:
    """Collects a run issue by issue, spooled to disk as it goes: each issue's file entries
    and changes are encoded once, when the issue is added, and written to temporary files;
    only counters and the files' names stay in memory, so a run holds one issue at a time.

    `report.html` embeds the same data in pieces: a small index (summary, rules, warnings,
    one compact row per file and per change) that the page reads at once, and one inert
    `<script type="application/json">` per issue that it parses only when a file of that
    issue is opened."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self._records = undone_records(rulebook)  # the layout decision undoing a record, by rule
        # one line each: a files[] entry; a changes[] entry (never an issue's all at once: an
        # issue of a hundred thousand changes would be held whole); an issue's index row; a
        # warnings[] entry
        self._files = _spool()
        self._changes = _spool()
        self._index = _spool()
        self._warnings = _spool()
        self._issue_sizes: list[tuple[int, int]] = []  # files and changes per spooled issue, in order
        self.files = 0  # files[] entries: a file holding several issues has one per issue
        self.sources: set[str] = set()  # the files themselves, each counted once
        self.changes = 0
        self.warnings = 0
        self.counts: Counter[str] = Counter()
        self.suggested: Counter[str] = Counter()
        self.recorded: Counter[str] = Counter()
        self.pairs: dict[str, Counter[tuple[str, str, bool]]] = {}
        self.articles = self.issues = self.skipped = 0
        self._run = _rules_digest(rulebook)  # the run id: grows with each input as it is added
        self.rules_id = self._run.hexdigest()  # its part made of the rules and settings alone

    @_spooling
    def add_issue(self, issue: Issue, part: IssuePart | None = None) -> IssuePart:
        """Add the issue, from its `part` of the report when an earlier run made it (see
        `IssuePart`; one numbered for a run is made anew), else from the issue itself; returns
        the part."""
        if part is None or not part.kept or part.changes_count != len(issue.changes) or part.sources != issue.sources:
            part = self.part_of(issue, writing=True)
        base, first_file = self.changes, self.files
        part.files.write_filled(self._files, base, first_file)
        part.changes.write_filled(self._changes, base, first_file)
        part.index.write_filled(self._index, base, first_file)
        for line in part.warnings:
            self._warnings.write(line)
        self.warnings += len(part.warnings)
        self.counts.update(part.counts)
        self.suggested.update(part.suggested)
        self.recorded.update(part.recorded)
        for rule, before, after, applied in part.edits:
            self._pair(rule, (before, after, applied))
        self.issues += 1
        self.articles += part.articles
        for source in issue.inputs:
            self._run.update(_encode([source.name, source.text]).encode())
        self.changes += part.changes_count
        self.files += len(part.sources)
        self.sources.update(part.sources)
        self._issue_sizes.append((len(part.sources), part.changes_count))
        return part

    def part_of(self, issue: Issue, writing: bool = False) -> IssuePart:
        """The issue's share of the report, its change and file numbers left as slots when
        nothing in it can be taken for one (see `_SLOT`) and it is no larger than a part kept
        for reruns may be (`_KEPT_CHANGES`), else numbered for this run; such a part's changes
        are written as they are made when the issue is being added (`writing`), not held."""
        kept = len(issue.changes) <= _KEPT_CHANGES and _slots_safe(issue)
        if kept:
            change_number, file_number_of, text_of = _change_slot, _file_slot, Slotted.of
        else:
            base, first_file = self.changes, self.files
            change_number, file_number_of, text_of = (lambda k: base + k), (lambda k: first_file + k), Slotted.plain
        file_number = {name: file_number_of(k) for k, name in enumerate(issue.sources)}
        sources = {source.name: source for source in issue.inputs}
        numbered = Numbered(issue.changes, number=change_number)
        by_source: dict[str, list[dict]] = {name: [] for name in issue.sources}
        warnings: list[str] = []
        views = []
        for article, units in article_views(issue, numbered):
            views.append(units)
            by_source[article.source].append(
                {
                    "id": article.id,
                    "source": article.source,
                    "headline": article.headline,
                    "byline": article.byline,
                    "body": article.body,
                    "subheads": article.subheads,
                    "evidence": article.evidence,
                    "kind": article.kind,
                    "path": article.path,
                    "changes": article.changes,
                    "truncated": article.truncated,
                    "continued_to": article.continued_to,
                    "continued_from": article.continued_from,
                    "sources": article.sources,
                    "page": article.page,
                    "warnings": article.warnings,
                    "units": units,
                }
            )
            warnings += [_warning_line(article.source, article.id, message) for message in article.warnings]
        warnings += [_warning_line(issue.sources[0], None, message) for message in issue.warnings]
        home_of_article = {a.id: file_number[a.source] for a in issue.articles if a.source in file_number}
        rows: list[list] = []
        changes: list[str] = []
        emit = self._changes.write if writing and not kept else changes.append
        per_file = {name: Counter() for name in issue.sources}
        counts: Counter[str] = Counter()
        suggested: Counter[str] = Counter()
        recorded: Counter[str] = Counter()
        edits = []
        for number, change in enumerate(issue.changes):
            emit(_encode(change_json(change, change_number(number), sources, numbered, self._records)) + "\n")
            kind = kind_of(change)
            source = file_number.get(change.source, file_number_of(0))
            home = home_of_article.get(change.article, source)
            rows.append([change_number(number), source, home, change.rule, change.kind, int(change.applied), change.line, change.column])
            if change.source in per_file:
                per_file[change.source][kind] += 1
            if change.applied:
                counts[change.rule] += 1
                recorded[change.rule] += not change.is_fix  # metadata, or a review decision kept
            else:
                suggested[change.rule] += 1
            if change.kind == "edit":
                edits.append((change.rule, change.before, change.after, change.applied))
        covered = coverage(issue, views)
        files: list[str] = []
        index_files = []
        for name in issue.sources:
            mine = [c for c in issue.changes if c.source == name]
            text = sources[name].text
            entry = {
                "source": name,
                "encoding": sources[name].encoding,
                "issue": issue.key,
                "articles": by_source[name],
                "fixes": sum(1 for c in mine if c.is_fix),
                "suggestions": sum(1 for c in mine if not c.applied),
                "error": None,
                "text": text,
                "first_line": sources[name].first_line,
                "furniture": furniture(sources[name], covered[name], issue.changes),
            }
            files.append(_encode(entry) + "\n")
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
        return IssuePart(
            sources=issue.sources,
            files=text_of(files),
            changes=text_of(changes),
            index=text_of([_encode({"files": index_files, "changes": rows}) + "\n"]),
            warnings=warnings,
            counts=dict(counts),
            suggested=dict(suggested),
            recorded=dict(recorded),
            edits=edits,
            articles=len(issue.articles),
            changes_count=len(issue.changes),
            kept=kept,
        )

    def add_warning(self, source: str, message: str) -> None:
        """A warning about the run rather than one issue (a repeated issue key)."""
        self._warn(source, None, message)

    def _warn(self, source: str, article: str | None, message: str) -> None:
        self.warnings += 1
        self._warnings.write(_warning_line(source, article, message))

    def _pair(self, rule: str, pair: tuple[str, str, bool]) -> None:
        """Count an edit's (before, after, applied) under its rule (edits and suggestions: the
        pairs a reviewer clears at once); a rule keeps at most _PAIRS distinct pairs."""
        pairs = self.pairs.setdefault(rule, Counter())
        if pair in pairs or len(pairs) < _PAIRS:
            pairs[pair] += 1

    @_spooling
    def add_skipped(self, error: KccleanError) -> None:
        for source in str(getattr(error, "path", "?")).split(", "):
            self._skip(source, error)

    def _skip(self, source: str, error: KccleanError) -> None:
        self.skipped += 1
        self._run.update(_encode([source, str(error)]).encode())
        entry = {
            "source": source,
            "encoding": None,
            "issue": None,
            "articles": [],
            "fixes": 0,
            "suggestions": 0,
            "error": str(error),
            "text": "",
            "first_line": 1,
            "furniture": [],
        }
        self._files.write(_encode(entry) + "\n")
        row = {"source": source, "encoding": None, "issue": None, "error": str(error), "chars": 0, "articles": [], "warnings": 1, "kinds": {}}
        self._index.write(_encode({"files": [row], "changes": []}) + "\n")
        self._issue_sizes.append((1, 0))
        self.files += 1
        self.sources.add(source)
        self._warn(source, None, f"skipped: {error}")

    def run_id(self) -> str:
        """What the page keys a review's decisions to: a digest of the inputs and the rules, so
        the report of another run (other inputs, or the same ones with a review applied) does
        not show this run's decisions as its own."""
        return self._run.hexdigest()[:16]

    def summary(self) -> dict:
        recorded = sum(self.recorded.values())
        return {
            "files": len(self.sources),
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
        _spooling(spool.flush)()
        spool.seek(0)
        for line in spool:
            yield line[:-1]
        spool.seek(0, 2)

    def _pieces(self) -> Iterator[str]:
        """report.json's text in pieces, each ending on a JSON value."""
        yield '{"kcclean":' + _encode(__version__)
        yield ',"run":' + _encode(self.run_id())
        yield ',"summary":' + _encode(self.summary())
        yield ',"rules":' + _encode(self._rules())
        yield ',"files":['
        for number, line in enumerate(self._lines(self._files)):
            yield "," + line if number else line
        yield '],"changes":['
        for number, line in enumerate(self._lines(self._changes)):
            yield "," + line if number else line
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
        template = resources.files("kcclean.output").joinpath("report.html").read_text(encoding="utf-8")
        head, tail = template.split("<!--REPORT_DATA-->")
        handle.write(head)
        handle.write('<script id="kc-index" type="application/json">')
        handle.write(script_safe('{"kcclean":' + _encode(__version__) + ',"run":' + _encode(self.run_id())))
        handle.write(script_safe(',"summary":' + _encode(self.summary()) + ',"rules":' + _encode(self._rules())))
        handle.write(',"warnings":[')
        for number, line in enumerate(self._lines(self._warnings)):
            handle.write(("," if number else "") + script_safe(line))
        handle.write('],"issues":[')
        for number, line in enumerate(self._lines(self._index)):
            handle.write(("," if number else "") + script_safe(line))
        handle.write("]}</script>\n")
        files, changes = self._lines(self._files), self._lines(self._changes)
        for number, (size, count) in enumerate(self._issue_sizes):
            handle.write(f'<script id="kc-issue-{number}" type="application/json">{{"files":[')
            _write_batched(handle, files, size)
            handle.write('],"changes":[')
            _write_batched(handle, changes, count)
            handle.write("]}</script>\n")
        handle.write(tail)


# Lines of JSON escaped and written this many at once: per line, the calls cost more than the
# work; all of an issue's at once held a page repaired in 200,000 places three times over.
_BATCH = 1000


def _write_batched(handle: TextIO, lines: Iterator[str], count: int) -> None:
    """The next `count` lines, comma-separated and escaped (`script_safe`), a batch at a time."""
    for first in range(0, count, _BATCH):
        batch = ",".join(itertools.islice(lines, min(_BATCH, count - first)))
        handle.write(("," if first else "") + script_safe(batch))


_PAIRS = 200  # distinct before → after pairs kept per rule for review by rule


# An issue's part of the report is the same in every run that has the same issue, but for the
# numbers of its changes and files, which count those of the issues before it. They are
# written as slots, strings no text holds (a NUL character, which JSON escapes, then `c` or
# `f` and the number within the issue), and filled in as the part is added to a run.
# The most changes an issue's part kept for reruns may hold: a kept part is held in memory
# until the issue is written (about a kilobyte a change), one of one run only is written change
# by change. A page is seldom repaired in more than a hundred places; a careless archive's
# page of one line, a comma to fix in every clause, in 200,000, doubling the run's peak memory.
_KEPT_CHANGES = 20_000
_SLOT = re.compile(r'"\\u0000([cf])(\d+)"')


def _change_slot(number: int) -> str:
    return f"\0c{number}"


def _file_slot(number: int) -> str:
    return f"\0f{number}"


def _slots_safe(issue: Issue) -> bool:
    """Whether no string of the issue's part can be taken for a slot: none holds a NUL
    character. Its strings are made of its input texts, of what its changes put in and of
    what kcclean writes (a change's `before` is input text)."""
    return not any("\0" in source.text for source in issue.inputs) and not any(
        "\0" in change.after or "\0" in (change.evidence or "") for change in issue.changes
    )


@dataclass(frozen=True, slots=True)
class Slotted:
    """Lines of JSON with slots for change and file numbers: `texts` around the `slots`, each
    a number within the issue, doubled, plus one for a file's."""

    texts: tuple[str, ...]
    slots: tuple[int, ...]

    @classmethod
    def of(cls, lines: list[str]) -> Slotted:
        """The lines, each cut at its slots; emptied as it goes (an issue of a million
        changes holds its lines once, not twice)."""
        texts, slots, carried = [], [], ""
        lines.reverse()
        while lines:
            pieces = _SLOT.split(lines.pop())
            for text, kind, number in zip(pieces[::3], pieces[1::3], pieces[2::3]):
                texts.append(carried + text)
                slots.append(2 * int(number) + (kind == "f"))
                carried = ""
            carried += pieces[-1]
        texts.append(carried)
        return cls(tuple(texts), tuple(slots))

    @classmethod
    def plain(cls, lines: list[str]) -> Slotted:
        """Lines numbered already (those of one run only)."""
        return cls(("".join(lines),), ())

    def write_filled(self, out: TextIO, first_change: int, first_file: int) -> None:
        """Write the lines of an issue whose first change and first file have these numbers
        in the run, _BATCH pieces at a time (a write per piece cost more than the filling)."""
        firsts = (first_change, first_file)
        for first in range(0, len(self.slots), _BATCH):
            pieces = zip(self.texts[first : first + _BATCH], self.slots[first : first + _BATCH])
            out.write("".join(f"{text}{firsts[slot & 1] + (slot >> 1)}" for text, slot in pieces))
        out.write(self.texts[-1])


@dataclass(frozen=True, slots=True)
class IssuePart:
    """An issue's share of the report as `Report.add_issue` writes and counts it: what an
    earlier run made of the same issue serves a rerun (`kept` when it holds slots, not one
    run's numbers)."""

    sources: list[str]
    files: Slotted  # a files[] entry per source
    changes: Slotted  # a changes[] entry per change
    index: Slotted  # its row of the page's index
    warnings: list[str]  # warnings[] entries
    counts: dict[str, int]  # applied changes by rule
    suggested: dict[str, int]
    recorded: dict[str, int]
    edits: list[tuple[str, str, str, bool]]  # (rule, before, after, applied) of each edit, in order
    articles: int
    changes_count: int
    kept: bool  # numbered by slots: the same in every run


def _warning_line(source: str, article: str | None, message: str) -> str:
    return _encode({"source": source, "article": article, "message": message}) + "\n"


def _rules_digest(rulebook: Rulebook) -> hashlib._Hash:
    """A digest of what decides a run's changes: the version, the settings, every rule (its
    file's text, its exceptions, those a review narrows it by) and the layout decisions of review files."""
    digest = hashlib.sha256(__version__.encode())
    settings = rulebook.settings
    digest.update(_encode([settings.select, settings.ignore, sorted(settings.unsafe) if isinstance(settings.unsafe, frozenset) else settings.unsafe]).encode())
    texts: dict[str, bytes] = {}
    if settings.layout_model is not None:
        digest.update(_read(settings.layout_model))
    for rule in rulebook.all_rules:
        if rule.origin not in texts:
            texts[rule.origin] = _read(Path(rule.origin))
        digest.update(_encode([rule.id, rule.level, rule.exceptions, sorted(rule.narrowed), sorted((s, sorted(t)) for s, t in rule.narrowed_in.items())]).encode() + texts[rule.origin])
    for source in sorted(rulebook.layout):
        for line, decision in sorted(rulebook.layout[source].items()):
            digest.update(_encode([source, line, decision.decide, decision.text]).encode())
    return digest


def _read(path: Path) -> bytes:
    """A file's bytes, or none when it cannot be read (it was read once already, to run)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


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


def change_json(change: Change, number: int, sources: dict[str, Source], numbered: Numbered, records: dict[str, str]) -> dict:
    """A change as report.json writes it: its fields, its number, the input around it, and the
    `[[layout]]` decision that undoes it (a layout change a review can reject)."""
    # the fields are plain strings, numbers and booleans: no deep copy (asdict) needed
    data = {"id": number, **{name: getattr(change, name) for name in _CHANGE_FIELDS}}
    data["covers"] = [numbered.number(other) for other in change.covers]
    data["fix"] = change.is_fix
    data["context_before"], data["context_after"] = context(change, sources)
    data["undo"] = undoing(change, sources[change.source], records) if change.source in sources else None
    if change.source in sources and (place := sources[change.source].place(change.start)) is not None:
        data["place"] = place  # an OCR input: the line element, the offset in it, its box and scores
    return data


# The layout decision that undoes a join, a move or a stitch: a break kept, a line kept in place.
_UNDO = {"join": "keep-break", "move": "keep-in-place", "stitch": "keep-in-place"}


def undone_records(rulebook: Rulebook) -> dict[str, str]:
    """The layout decision that undoes a record, by its rule: a line kept as furniture (by the
    layout model, or by a lexicon of the user's or kcclean's) is a line of text, a standalone
    byline a line that is none."""
    furniture = [LayoutRuleId.BANNER, LayoutRuleId.FURNITURE, *(r.id for scope in ("masthead", "banner") for r in rulebook.lexicons(scope))]
    return {**{str(rule): "body" for rule in furniture}, LayoutRuleId.BYLINE: "not-byline"}


def undoing(change: Change, source: Source, records: dict[str, str]) -> dict | None:
    """The `[[layout]]` entry (source, line, decide, text) a review writes to undo a layout
    change (`records`: `undone_records`), or None for a change no layout decision undoes. A
    join's line is the line where the text after the break starts."""
    decide = _UNDO.get(change.kind) or (records.get(change.rule) if change.kind == "record" else None)
    if decide is None:
        return None
    if change.kind == "join":
        at = change.to[1] if change.to is not None and change.to[0] == source.name else change.end
    else:
        at = change.start
    line = source.position(at)[0]
    return {"source": source.name, "line": line, "decide": decide, "text": source.line_text(line).strip()}


