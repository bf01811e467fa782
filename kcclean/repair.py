"""Stage 5: the character rules. Runs every text rule, in order, over every unit of an
issue whose role is in the rule's scope, and records each edit where it was made.

Rules see one paragraph (or headline line, byline…) at a time. To keep to a few passes over
the text, each rule first scans all the units of its scope joined by newlines in one call,
and only the units that scan touches are looked at one by one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from .errors import RuleTimeout
from .model import Change, Role, Unit
from .rulebook import TIMEOUT_SECONDS, RegexRule, Rule, Rulebook, ScriptRule, TableRule

SCOPE_OF_ROLE = {
    Role.LEAD: "body",
    Role.BODY: "body",
    Role.CAPTION: "caption",
    Role.CREDIT: "credit",
    Role.SUBHEAD: "subhead",
    Role.BYLINE: "byline",
    Role.HEADLINE: "headline",
    Role.MASTHEAD: "masthead",
    Role.BANNER: "banner",
}


@dataclass(slots=True)
class Slot:
    """A unit to repair, and the list its changes go to."""

    unit: Unit
    scope: str
    changes: list[Change]


def repair(slots: list[Slot], rulebook: Rulebook) -> list[str]:
    """Apply every text rule to the slots in place; returns warnings (rules switched off)."""
    warnings = []
    by_scope: dict[str, list[Slot]] = {}
    for slot in slots:
        by_scope.setdefault(slot.scope, []).append(slot)
    for rule in rulebook.text_rules:
        scoped = [s for scope, group in by_scope.items() if rule.applies_to(scope) for s in group]
        if not scoped:
            continue
        texts = [s.unit.text for s in scoped]
        message = rule.prepare(texts)
        if message:
            warnings.append(message)
            continue
        for index in _touched(rule, texts):
            _apply(rule, scoped[index], rulebook)
    return warnings


def _touched(rule: Rule, texts: list[str]) -> list[int]:
    """Indexes of the texts a rule may change, from one scan of them all joined."""
    joined = "\n".join(texts)
    starts = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + 1
    touched: set[int] = set()
    for start, end in _hits(rule, joined):
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, max(start, end - 1)) - 1
        touched.update(range(first, last + 1))
    return sorted(touched)


def _hits(rule: Rule, joined: str) -> Iterator[tuple[int, int]]:
    if isinstance(rule, TableRule):
        for _, start, end in rule.automaton.find_matches_as_indexes(joined):
            yield start, end
    elif isinstance(rule, ScriptRule):
        for match in rule.changed.finditer(joined):
            yield match.span()
    elif isinstance(rule, RegexRule):
        try:
            for match in rule.scanner.finditer(joined, timeout=TIMEOUT_SECONDS):
                yield match.span()
        except TimeoutError:
            raise RuleTimeout(rule.id, "the issue's text", TIMEOUT_SECONDS) from None
    else:
        yield 0, len(joined)


def _apply(rule: Rule, slot: Slot, rulebook: Rulebook) -> None:
    unit = slot.unit
    edits = rule.find(unit.text)
    if not edits:
        return
    text, trace = unit.text, unit.trace
    recorded = []
    for edit in reversed(edits):
        applies = rulebook.applies(rule.id, edit.unsafe)
        name, line, column = trace.where(edit.start)
        recorded.append(
            Change(
                rule.id,
                name,
                line,
                column,
                text[edit.start : edit.end],
                edit.after,
                applied=applies,
                level="unsafe" if edit.unsafe else rule.level,
            )
        )
        if applies:
            text = text[: edit.start] + edit.after + text[edit.end :]
            trace = trace.edited(edit.start, edit.end, len(edit.after))
    unit.text, unit.trace = text, trace
    slot.changes.extend(reversed(recorded))
