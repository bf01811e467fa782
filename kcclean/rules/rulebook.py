"""The rules of one run: the user's settings, the rules in the order they apply, which of
them are selected, and whether a change is applied or only suggested (`verdict`, the one
place that decides it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RuleError, RuleErrors
from .base import Rule
from .examples import example_failures
from .layout import LayoutDecision, LayoutRule, LayoutRuleId
from .lexicon import LexiconRule
from .loader import BUILTIN_RULES, add_exceptions, defined_once, load_entries, load_rules
from .protect import ProtectRule


@dataclass(slots=True)
class Settings:
    """What a user chose: from the command line, `kcclean.toml` or `[tool.kcclean]`."""

    rule_dirs: list[Path] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    unsafe: bool | frozenset[str] = False  # True: every unsafe rule; a set: those ids or prefixes
    layout_model: Path | None = None  # a layout model of the user's own (kcclean layout fit); None: the built-in one


def matches(rule_id: str, codes: list[str]) -> bool:
    """A rule is named by its id or by a dotted prefix of it (`punct` names `punct.comma-width`)."""
    return any(rule_id == code or rule_id.startswith(code.rstrip(".") + ".") for code in codes)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Is a change applied, or only suggested; and the level it is reported at."""

    applied: bool
    level: str


class Rulebook:
    """The rules of one run, in the order they apply, with the user's selection."""

    def __init__(self, rules: list[Rule], settings: Settings, layout: Iterable[LayoutDecision] = ()):
        self.settings = settings
        # the layout decisions of review files (`[[layout]]`), by input and line; a later
        # file's decision about a line replaces an earlier one's
        self.layout: dict[str, dict[int, LayoutDecision]] = {}
        for decision in layout:
            self.layout.setdefault(decision.source, {})[decision.line] = decision
        self.all_rules = sorted(rules, key=lambda r: r.priority)  # stable: file order kept
        self.by_id = {rule.id: rule for rule in self.all_rules}
        self.rules = [r for r in self.all_rules if self.active(r.id)]
        self.text_rules = [r for r in self.rules if not isinstance(r, (LexiconRule, LayoutRule, ProtectRule))]
        # Protected spans are recognised whatever --select chooses (they are not corrections, and
        # `--select stray` must not delete the bytes of mojibake); --ignore switches one off.
        self.protectors = [r for r in self.all_rules if r.PROTECTS and not matches(r.id, settings.ignore)]
        self._lexicons: dict[str, list[LexiconRule]] = {}
        self._protectors: dict[str, list[Rule]] = {}

    def active(self, rule_id: str) -> bool:
        select, ignore = self.settings.select, self.settings.ignore
        return (not select or matches(rule_id, select)) and not matches(rule_id, ignore)

    def verdict(self, rule_id: str, certain: bool = True) -> Verdict:
        """Whether a change of this rule is applied or only suggested, and at what level: a
        safe rule's certain change is applied; an unsafe rule's, or a safe rule's change it is
        not sure of (level `unsafe`), only when the settings ask for it (--unsafe)."""
        level = self.by_id[rule_id].level if certain else "unsafe"
        unsafe = self.settings.unsafe
        applied = level == "safe" or unsafe is True or (isinstance(unsafe, frozenset) and matches(rule_id, list(unsafe)))
        return Verdict(applied, level)

    def protectors_of(self, scope: str) -> list[Rule]:
        """The rules that recognise protected spans in texts of a scope."""
        if scope not in self._protectors:
            self._protectors[scope] = [r for r in self.protectors if r.scopes_among(frozenset({scope}))]
        return self._protectors[scope]

    def lexicons(self, scope: str) -> list[LexiconRule]:
        """Every lexicon of a scope, selected or not: they say how the page is laid out;
        --select and --ignore only decide whether their corrections are made."""
        if scope not in self._lexicons:  # asked for on every page
            self._lexicons[scope] = [r for r in self.all_rules if isinstance(r, LexiconRule) and scope in r.scope]
        return self._lexicons[scope]


def with_review(book: Rulebook, path: Path) -> Rulebook:
    """The rulebook with a review file's rules and exceptions added (`kcclean fix --review`).
    A review file, as report.html exports it, is an ordinary rule file: `[[exception]]`s for
    the fixes rejected, `[[rule]]`s for the suggestions accepted and the rules made in it, and
    `[[layout]]` decisions for the layout changes rejected or made in it."""
    rules, exceptions, decisions = load_entries(path)
    rules, errors = defined_once(rules, {})
    ordered = {rule.id: rule for rule in book.all_rules}
    ordered.update((rule.id, rule) for rule in rules)
    errors += add_exceptions(ordered, exceptions)
    for rule in rules:
        errors.extend(example_failures(rule))
    if errors:
        raise RuleErrors(errors)
    known = [d for lines in book.layout.values() for d in lines.values()]
    return Rulebook(list(ordered.values()), book.settings, known + decisions)


def load_rulebook(settings: Settings | None = None) -> Rulebook:
    """The built-in rules plus the user's folders; raises RuleErrors on any problem,
    including a rule whose own examples fail."""
    settings = settings or Settings()
    rules, errors, decisions = load_rules([BUILTIN_RULES, *settings.rule_dirs])
    for rule in rules:
        errors.extend(example_failures(rule))
    if errors:
        raise RuleErrors(errors)
    known = {rule.id for rule in rules}
    missing = [str(layout_id) for layout_id in LayoutRuleId if layout_id not in known]
    if missing:  # the layout stage makes changes of these: each must be a rule the report can name
        raise RuleErrors([RuleError(str(BUILTIN_RULES), None, f"the layout rule(s) {', '.join(missing)} are not defined")])
    errors = _partners_out_of_order(rules)
    if errors:
        raise RuleErrors(errors)
    named = settings.select + settings.ignore + sorted(settings.unsafe if isinstance(settings.unsafe, frozenset) else ())
    unknown = [c for c in named if not any(matches(i, [c]) for i in known)]
    if unknown:
        raise RuleErrors([RuleError("settings", None, f"no rule is named {', '.join(unknown)}")])
    return Rulebook(rules, settings, decisions)


def _partners_out_of_order(rules: list[Rule]) -> list[RuleError]:
    """An error at each rule whose `stands_down_with` names no rule that runs before it: the
    engine learns that a rule is switched off for an issue only when it runs."""
    order = {rule.id: n for n, rule in enumerate(sorted(rules, key=lambda r: r.priority))}
    return [
        RuleError(rule.origin, rule.line, f"rule {rule.id}: `stands_down_with` must name a rule that runs before it, not {rule.stands_down_with}")
        for rule in rules
        if rule.stands_down_with is not None and order.get(rule.stands_down_with, len(order)) >= order[rule.id]
    ]
