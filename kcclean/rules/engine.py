"""The character rules at work: every text rule, in order, over every unit of an issue whose
role is in the rule's scope, each edit recorded with the input span it changed.

Rules see one paragraph (or headline line, byline…) at a time. To keep to a few passes over
the text, each rule first scans all the units of its scope joined by newlines in one call,
and only the units that scan touches are looked at one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import RuleTimeout
from ..model import Change, IssueDraft, Role, Unit
from ..provenance import Replacement
from .base import TIMEOUT_SECONDS, Rule, Spans, excepted
from .rulebook import Rulebook
from .scan import Scan

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
    # the protected spans of the unit's text, each with the rule that found it, and the text
    # they were found in: found again once a rule has changed it
    protected: tuple[str, list[tuple[int, int, str]]] | None = None


def repair_issue(draft: IssueDraft, rulebook: Rulebook, held: list[str] | None = None) -> list[str]:
    """Repair every unit of an issue's drafts with the text rules, in place; each change goes
    to the issue (masthead lines, banners) or to the article it is in. Returns warnings; every
    text a unit held goes to `held` (`repair`)."""
    slots = [Slot(u, SCOPE_OF_ROLE[u.role], draft.changes) for u in (*draft.masthead, *draft.banners)]
    for article in draft.drafts:
        for unit in (*article.headline, *article.bylines, *article.body):
            slots.append(Slot(unit, SCOPE_OF_ROLE[unit.role], article.changes))
    return repair(slots, rulebook, held)


# Passes over the texts a pass changed before giving up on a fixed point (ruff's --fix
# loops the same way). Two passes settle everything the property tests have found.
MAX_PASSES = 4


def repair(slots: list[Slot], rulebook: Rulebook, held: list[str] | None = None) -> list[str]:
    """Apply every text rule to the slots in place; returns warnings (rules switched off).
    Every text a slot held, from its first to each a rule left, goes to `held`: whatever
    another rule would have seen of it, wherever it ran (`reuse.RepairRecord`).

    A rule that runs before another can find its text only once the other has run
    (一:"" becomes 一：""; only then are its quotes in Chinese context), so the texts a pass
    changed get another pass, until a pass changes nothing: running kcclean on its own output
    changes nothing. A suggestion found again on a later pass is recorded once.

    A rule whose pattern times out is switched off for the rest of the issue: it would cost
    seconds on every text and find nothing. Only of the issue: with worker processes, what
    happens to one issue must not depend on which issues the same worker cleaned before."""
    run = _Passes(rulebook, held)
    if held is not None:
        held.extend(slot.unit.text for slot in slots)
    pending = run.once(slots)
    for _ in range(MAX_PASSES - 1):
        if not pending:
            return run.warnings
        pending = run.once(pending)
    if pending:
        where = pending[0].unit.trace.where(0)[0]
        run.warnings.append(
            f"the rules were still changing {len(pending)} text(s) of {where} after {MAX_PASSES} passes: "
            f"two rules probably undo each other; the text is left as the last pass made it"
        )
    return run.warnings


@dataclass
class _Passes:
    """What the passes of one repair share: the warnings, the suggestions already recorded,
    the rules prepared for this issue, and those switched off in it (by themselves when
    prepared, or timed out)."""

    rulebook: Rulebook
    held: list[str] | None  # every text the slots held, when the caller asks (`repair`)
    warnings: list[str] = field(default_factory=list)
    suggested: set[tuple] = field(default_factory=set)
    prepared: set[str] = field(default_factory=set)
    switched_off: set[str] = field(default_factory=set)

    def once(self, slots: list[Slot]) -> list[Slot]:
        """Every text rule once over the slots, in rule order; returns the slots it changed.
        A rule is prepared where it first runs: on the first pass that is the whole issue."""
        by_scope: dict[str, list[Slot]] = {}
        for slot in slots:
            by_scope.setdefault(slot.scope, []).append(slot)
        present = frozenset(by_scope)
        scans: dict[frozenset[str], tuple[Scan, list[Slot]]] = {}  # valid until a rule edits one of their slots
        edited: dict[int, Slot] = {}
        for rule in list(self.rulebook.text_rules):
            scopes = rule.scopes_among(present)
            if not scopes or rule.id in self.switched_off or rule.stands_down_with in self.switched_off:
                continue
            if scopes not in scans:
                group = [s for scope in scopes for s in by_scope[scope]]
                scans[scopes] = Scan([s.unit for s in group]), group
            scan, group = scans[scopes]
            if not rule.may_change(scan.joined):
                continue
            message = None if rule.id in self.prepared else rule.prepare([scan.joined])
            self.prepared.add(rule.id)
            if message:
                self.warnings.append(message)
                self.switched_off.add(rule.id)
                continue
            changed = set()
            try:
                for index in scan.touched(rule):
                    slot = group[index]
                    if _apply(rule, slot, self.rulebook, self.suggested, self.switched_off):
                        changed.add(slot.scope)
                        edited[id(slot)] = slot
                        if self.held is not None:
                            self.held.append(slot.unit.text)
            except RuleTimeout as timeout:
                culprit = self.rulebook.by_id[timeout.rule]  # this rule, or one finding protected spans for it
                self.switched_off.add(culprit.id)
                changed = set(scopes)  # it may have edited some units before giving up
                if self.held is not None:
                    self.held.extend(slot.unit.text for slot in group)
                where = group[0].unit.trace.where(0)[0] if group else "the text"
                self.warnings.append(
                    f"rule {culprit.id} gave up after {TIMEOUT_SECONDS:g} s on {where}: its pattern probably "
                    f"backtracks catastrophically; it is switched off for this issue "
                    f"(fix it in {culprit.origin}:{culprit.line}, or --ignore {culprit.id})"
                )
            if changed:
                for stale in [key for key in scans if key & changed]:  # the others still hold
                    del scans[stale]
        return list(edited.values())


def _protected(slot: Slot, rule: Rule, rulebook: Rulebook, off: set[str]) -> Spans:
    """The spans of the slot's text that the rule must leave as they are: those the protecting
    rules of its scope found (but those switched `off` for the issue), but the rule's own (the
    mojibake rule repairs what it protects from the others)."""
    text = slot.unit.text
    if slot.protected is None or slot.protected[0] is not text:
        protectors = [by for by in rulebook.protectors_of(slot.scope) if by.id not in off]
        found = [(start, end, by.id) for by in protectors for start, end in by.protected(text)]
        slot.protected = (text, found)
    spans: list[tuple[int, int]] = []
    for start, end in sorted((start, end) for start, end, by in slot.protected[1] if by != rule.id):
        if spans and start <= spans[-1][1]:  # overlapping or touching: one span, hidden as one
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return tuple(spans)


def _apply(rule: Rule, slot: Slot, rulebook: Rulebook, suggested: set[tuple], off: set[str]) -> bool:
    """Record the rule's edits of one slot, and make the applicable ones; True if any was.
    A suggestion already in `suggested` (found on an earlier pass) is not recorded again.
    Edits are recorded from the right, so that those to their left keep their positions, and
    made together (one rebuild of a long paragraph, not one per edit) unless one touches
    the span of the next: then that one is made first."""
    unit = slot.unit
    edits = rule.edits(unit.text, _protected(slot, rule, rulebook, off), unit.trace.scores() if rule.WEIGHS_SCORES else None)
    if edits and rule.narrowed_in and (scoped := rule.narrowed_in.get(unit.trace.source.name)):
        edits = [edit for edit in edits if not excepted(unit.text, edit, list(scoped))]
    if not edits:
        return False
    pending: list[Replacement] = []  # recorded on the text as it is, rightmost first
    made = False
    for edit in reversed(edits):
        verdict = rulebook.verdict(rule.id, certain=not edit.unsafe)
        fields = dict(applied=verdict.applied, level=verdict.level, evidence=edit.evidence)
        replacement = unit.replacement(edit.start, edit.end, edit.after, rule.id, **fields)
        if pending and replacement.last >= pending[-1].first:
            unit.apply(*reversed(pending))  # the text it touches changes first
            pending = []
            replacement = unit.replacement(edit.start, edit.end, edit.after, rule.id, **fields)
        if not verdict.applied:
            first = replacement.changes[0]
            key = (rule.id, first.source, first.start, first.end, replacement.after)
            if key in suggested:
                continue
            suggested.add(key)
        slot.changes += replacement.changes
        if verdict.applied:
            pending.append(replacement)
            made = True
    if pending:
        unit.apply(*reversed(pending))
    return made
