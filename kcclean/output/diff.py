"""`kcclean diff`: every change of a run as a rule-labelled diff for a terminal.

One line per change (changes a few characters apart on one input line share a line):
where it is, the input around it with what was removed and put in, and the rule with what
kind of change it is, in the words report.json and report.html use (edit, join, move,
stitch, record, suggestion). Colour when printing to a terminal; plain text with
wdiff-style markers otherwise (`kcclean diff --help` lists them). The run ends with totals per rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from difflib import SequenceMatcher

from ..model import Change, Issue, Source
from .projection import context

_CONTEXT = 12  # input characters shown either side of a change
_NEAR = 10  # changes closer than this on one line are shown together

# ANSI styles
_RESET = "\x1b[0m"
_STYLE = {
    "del": "\x1b[31;9m",  # red, struck through
    "ins": "\x1b[32;1m",  # bold green
    "meta": "\x1b[2;9m",  # dim, struck through
    "sug": "\x1b[33m",  # yellow
    "move": "\x1b[35m",  # magenta
    "rule": "\x1b[36m",  # cyan
    "dim": "\x1b[2m",
    "head": "\x1b[1m",
    "warn": "\x1b[33m",
}
_PLAIN = {"del": ("[-", "-]"), "ins": ("{+", "+}"), "meta": ("[=", "=]"), "sug": ("[?", "?]"), "move": ("<<", ">>")}


class Painter:
    """Styles text for a colour terminal, or marks it in plain text."""

    def __init__(self, color: bool):
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        if not text:
            return ""
        if self.color:
            return f"{_STYLE[style]}{text}{_RESET}"
        left, right = _PLAIN.get(style, ("", ""))
        return f"{left}{text}{right}"


# Characters that would act on a terminal instead of being shown: C0 and C1 controls (ESC
# starts colour, cursor and OSC sequences, BEL rings), DEL, and the bidirectional overrides
# that reorder what follows. Newline and tab are layout, kept.
_ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Text from a transcript or a file name made safe to print: every character that would
    act on the terminal is written as `<U+001B>`."""
    return _ACTING.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def counted(number: int, noun: str) -> str:
    """`1 article`, `2 articles`; `1 fix`, `2 fixes`."""
    if number == 1:
        return f"{number} {noun}"
    return f"{number} {noun}es" if noun.endswith(("x", "s", "ch", "sh")) else f"{number} {noun}s"


def shown(text: str) -> str:
    """Removed or inserted text with its whitespace made visible."""
    out = []
    for char in text:
        if char == "\n":
            out.append("⏎")
        elif char == " ":
            out.append("␣")
        elif char == "\u3000":
            out.append("□")
        elif char == "\t":
            out.append("⇥")
        elif char in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
            out.append(f"<U+{ord(char):04X}>")
        else:
            out.append(char)
    return visible("".join(out))


def char_diff(before: str, after: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "=", "-" or "+": a character-level diff of a change."""
    ops: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("=", before[i1:i2]))
            continue
        if i2 > i1:
            ops.append(("-", before[i1:i2]))
        if j2 > j1:
            ops.append(("+", after[j1:j2]))
    return ops


def render_issue(issue: Issue, color: bool = False) -> Iterator[str]:
    """The lines `kcclean diff` prints for one issue: per input file, the changes kept as
    page metadata, then each article's changes in reading order."""
    paint = Painter(color)
    sources = {source.name: source for source in issue.inputs}
    home = _homes(issue)
    for name in issue.sources:
        articles = [a for a in issue.articles if a.source == name]
        mine = [c for c in issue.changes if home[id(c)] in (name, *[a.id for a in articles])]
        fixes = sum(1 for c in mine if c.is_fix)
        recorded = sum(1 for c in mine if c.kind == "record")
        suggestions = sum(1 for c in mine if not c.applied)
        yield paint("head", f"━━ {visible(name)}") + paint(
            "dim",
            f"  {sources[name].encoding} · issue {visible(issue.key)} · {counted(len(articles), 'article')} · "
            f"{counted(fixes, 'fix')} · {counted(recorded, 'record')} · {counted(suggestions, 'suggestion')}",
        )
        furniture = [c for c in mine if home[id(c)] == name]
        if furniture:
            yield "  " + paint("dim", "page furniture, kept as issue metadata")
            yield from _lines(furniture, sources, name, paint)
        for article in articles:
            headline = visible(" ".join(article.headline)) or "(no headline)"
            yield "  " + paint("head", f"── {visible(article.id.rsplit('-', 1)[-1])}  {headline}") + paint(
                "dim", f"  {visible(article.id)}"
            )
            changes = [c for c in mine if home[id(c)] == article.id]
            if changes:
                yield from _lines(changes, sources, name, paint)
            else:
                yield "        " + paint("dim", "no changes")
            for warning in article.warnings:
                yield "        " + paint("warn", f"⚠ {visible(warning)}")
        yield ""


def _homes(issue: Issue) -> dict[int, str]:
    """Where each change is listed: its article (by its own field, or because it lies in one
    of the article's parts), else the input file (page furniture)."""
    spans = [
        (run.source.name, run.start, run.end, article.id)
        for article in issue.articles
        for part in article.parts
        for run in part.trace.spans()
    ]
    known = {a.id for a in issue.articles}
    home: dict[int, str] = {}
    for c in issue.changes:
        where = c.article if c.article in known else None
        if where is None:
            where = next((a for s, b, e, a in spans if s == c.source and b <= c.start and c.end <= e), None)
        home[id(c)] = where or c.source
    return home


def _lines(changes: list[Change], sources: dict[str, Source], name: str, paint: Painter) -> Iterator[str]:
    changes = sorted(changes, key=lambda c: (c.source != name, c.source, c.start, -c.end))  # a change before those inside it
    group: list[Change] = []
    for c in changes:
        if group and _together(group[-1], c, sources):
            group.append(c)
            continue
        if group:
            yield from _group(group, sources, name, paint)
        group = [c]
    if group:
        yield from _group(group, sources, name, paint)


def _together(a: Change, b: Change, sources: dict[str, Source]) -> bool:
    if a.source != b.source:
        return False
    if (a.start, a.end) == (b.start, b.end):  # changed again: a fixed line then recorded
        return True
    kinds = {a.kind, b.kind}
    if "move" in kinds or "stitch" in kinds or ("record" in kinds and kinds != {"record"}):
        return False
    gap = sources[a.source].text[a.end : b.start]
    return b.start >= a.end and len(gap) <= _NEAR and "\n" not in gap


def _group(group: list[Change], sources: dict[str, Source], name: str, paint: Painter) -> Iterator[str]:
    first = group[0]
    where = f"{first.line}:{first.column}" if first.source == name else f"{visible(first.source)}:{first.line}"
    counts = Counter(c.rule for c in group)
    labels = []
    for rule, count in counts.items():
        members = [c for c in group if c.rule == rule]
        label = rule + (f" ×{count}" if count > 1 else "")
        kinds = sorted({c.kind for c in members if c.applied and c.kind != "edit"})
        if kinds:
            label += f" ({', '.join(kinds)})"
        if all(not c.applied for c in members):
            label += f'  (suggestion: apply with --unsafe or unsafe = ["{rule}"])'
        labels.append(paint("sug" if all(not c.applied for c in members) else "rule", label))
    yield f"    {paint('dim', where.rjust(8))}  {_excerpt(group, sources, paint)}  {'  '.join(labels)}"
    for c in group:
        if c.evidence and c.kind != "record" and (c.kind in ("join", "move", "stitch", "review") or len(group) == 1):
            yield " " * 16 + paint("dim", f"why: {visible(c.evidence)}")


def excerpt(change: Change, sources: dict[str, Source]) -> str:
    """One change in the input around it, on one line, marked as `kcclean diff` marks it
    without colour (`…培训技[-⏎⏎-]术、回收…`): how `check` and `fix --dry-run` show a join, a
    move or a stitch, which have no text of their own to show."""
    return _excerpt([change], sources, Painter(False))


def _excerpt(group: list[Change], sources: dict[str, Source], paint: Painter) -> str:
    first = group[0]
    text = sources[first.source].text
    start, end = first.start, max(c.end for c in group)
    left = start
    while left > 0 and start - left < _CONTEXT and text[left - 1] != "\n":
        left -= 1
    right = end
    while right < len(text) and right - end < _CONTEXT and text[right] != "\n":
        right += 1
    out = ["…" if left > 0 and text[left - 1] != "\n" else "", visible(text[left:start])]
    pos = start
    far = False  # the excerpt ends on text joined from elsewhere, already followed by …
    for c in group:
        if c.start < pos or (c.start == c.end == pos and c is not first and c.kind != "join"):
            continue  # drawn with the change before it
        if c.start > pos:
            out.append(visible(text[pos : c.start]))
        if c.kind == "join" and c.to is not None:
            # joined to text that is not next to it (a page jump, a moved lead)
            joined = context(c, sources)[1]
            out.append(_mark(c, "", paint) + paint("dim", f" ⇢ {visible(joined)}…"))
            pos = right = max(pos, c.end)
            far = True
            continue
        far = False
        if c.kind == "move":
            moved = text[c.start : c.end]
            out.append(paint("move", "moved: " + visible(moved if len(moved) <= 24 else moved[:24] + "…")))
        else:
            again = any(d is not c and (d.start, d.end) == (c.start, c.end) and d.kind == "record" for d in group)
            out.append(_mark(c, text[c.start : c.end], paint, metadata=again))
        pos = max(pos, c.end)
    out.append(visible(text[pos:right]))
    out.append("…" if right < len(text) and text[right] != "\n" and not far else "")
    return "".join(out)


def _mark(change: Change, before: str, paint: Painter, metadata: bool = False) -> str:
    if change.kind in ("record", "stitch"):
        return paint("meta", visible(before or change.before))
    if not change.applied:
        return paint("sug", f"{shown(before)} → {shown(change.after)}")
    if not before and change.kind == "join":
        return paint("del", "⏎")
    parts = []
    for op, part in char_diff(before, change.after):
        if op == "=":
            parts.append(paint("meta", visible(part)) if metadata and paint.color else visible(part))
        elif op == "-":
            parts.append(paint("del", shown(part)))
        else:
            parts.append(paint("ins", shown(part)))
    if metadata and not paint.color:  # a line fixed, then kept as metadata
        return paint("meta", "".join(parts))
    return "".join(parts)


def render_totals(counts: Counter[tuple[str, str]], color: bool = False) -> Iterator[str]:
    """The run's totals: per rule, how many changes of each kind (edit, join, move, stitch,
    record, suggestion), most first. `counts` is keyed by (rule, kind)."""
    paint = Painter(color)
    per_rule: dict[str, Counter[str]] = {}
    for (rule, kind), n in counts.items():
        per_rule.setdefault(rule, Counter())[kind] += n
    yield paint("head", "━━ totals per rule")
    if not per_rule:
        yield "  no changes"
        return
    width = max(len(rule) for rule in per_rule)
    for rule, kinds in sorted(per_rule.items(), key=lambda item: (-sum(item[1].values()), item[0])):
        parts = " · ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        yield f"  {paint('sug' if set(kinds) == {'suggestion'} else 'rule', rule.ljust(width))}  {sum(kinds.values()):>6}  {paint('dim', parts)}"
    total = Counter()
    for kinds in per_rule.values():
        total.update(kinds)
    yield "  " + paint("dim", f"{sum(total.values())} changes: " + " · ".join(f"{n} {kind}" for kind, n in sorted(total.items())))


def tally(issue: Issue) -> Counter[tuple[str, str]]:
    """(rule, kind) → changes of an issue, for `render_totals`."""
    return Counter((c.rule, c.kind if c.applied else "suggestion") for c in issue.changes)
