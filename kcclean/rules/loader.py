"""Rule files: TOML with `[[rule]]` tables (see README, "Adding your own rule") and
`[[exception]]`s, read into rules with every problem named by file and line.

Rules run in a documented order: by `priority` (default 0, lower first), then file name, then
their place in the file. A user rule with the id of a built-in one replaces it in place.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import regex

from ..datafile import read_data_file
from ..errors import RuleError, RuleErrors, printable
from .base import LEVELS, RULE_ID, SCOPES, Entry, Example, Rule
from .confusion import ConfusionRule
from .layout import DECISIONS, LayoutDecision, LayoutRule, LayoutRuleId
from .lexicon import LexiconRule
from .mojibake import MojibakeRule
from .pairs import PairsRule
from .pattern import RegexRule
from .protect import ProtectRule
from .script import ScriptRule
from .table import TableRule

# The rule files shipped with kcclean: inside the installed package, or `rules/` beside the
# package in a source checkout (an editable install).
BUILTIN_RULES = Path(__file__).resolve().parent.parent / "builtin_rules"
if not BUILTIN_RULES.is_dir():
    BUILTIN_RULES = Path(__file__).resolve().parent.parent.parent / "rules"

# Every kind of rule, by the name a rule file gives it in `kind`.
KINDS: dict[str, type[Rule]] = {
    cls.KIND: cls
    for cls in (RegexRule, TableRule, LexiconRule, ScriptRule, PairsRule, LayoutRule, ConfusionRule, ProtectRule, MojibakeRule)
}
# Rules that change no text of their own: they take no `exceptions`.
_NOT_TEXT_RULES = (LayoutRule, LexiconRule, ProtectRule)
_COMMON_FIELDS = {"id", "description", "kind", "scope", "level", "priority", "example", "exceptions", "stands_down_with"}
_EXAMPLE_FIELDS = {"text", "fixed", "scope", "review"}
# An [[exception]] of a rule file: a text in which another rule (any file's) must change nothing.
_EXCEPTION_FIELDS = {"rule", "text", "note", "source"}
# A [[layout]] entry: a layout decision made in review (`LayoutDecision`).
_LAYOUT_FIELDS = {"source", "line", "decide", "note", "text"}


def is_builtin(rule: Rule) -> bool:
    return Path(rule.origin).parent == BUILTIN_RULES


def portable_origin(origin: str) -> str:
    """A rule file named the same on every machine (for report.json): `builtin:10-stray.toml`
    for a built-in rule, else its path below the working folder, or its folder and name."""
    path = Path(origin)
    if path.parent == BUILTIN_RULES:
        return f"builtin:{path.name}"
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def rule_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


class _Locator:
    """Line numbers for a TOML rule file (tomllib gives none for values)."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.rule_lines = [i + 1 for i, l in enumerate(self.lines) if l.strip() == "[[rule]]"]

    def rule(self, index: int) -> int:
        return self.rule_lines[index] if index < len(self.rule_lines) else 1

    def _end(self, index: int) -> int:
        return self.rule_lines[index + 1] if index + 1 < len(self.rule_lines) else len(self.lines) + 1

    def key(self, index: int, key: str) -> int:
        start = self.rule(index)
        for number in range(start, self._end(index)):
            stripped = self.lines[number - 1].lstrip()
            if stripped.startswith(key) and stripped[len(key) :].lstrip().startswith("="):
                return number
        return start

    def example(self, index: int, nth: int) -> int:
        seen = -1
        for number in range(self.rule(index), self._end(index)):
            if self.lines[number - 1].strip() == "[[rule.example]]":
                seen += 1
                if seen == nth:
                    return number
        return self.rule(index)


def read_toml(path: Path) -> tuple[str, dict]:
    """A TOML file's text and data; a problem is a RuleErrors naming file and line."""
    try:
        text = read_data_file(path)
    except (OSError, UnicodeDecodeError) as error:
        raise RuleErrors([RuleError(str(path), None, f"cannot be read: {error}")]) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = None
        found = regex.search(r"\(at (?:line (\d+), column \d+|end of document)\)", message)
        if found:
            line = int(found.group(1)) if found.group(1) else text.count("\n") + 1
            message = message[: found.start()].strip()
        raise RuleErrors([RuleError(str(path), line, f"TOML syntax: {message}")]) from None


@dataclass(frozen=True, slots=True)
class RuleException:
    """An `[[exception]]` of a rule file: `text` in which rule `rule` must change nothing
    (how a fix rejected in the report becomes data). It is added to the rule's `exceptions`;
    `kcclean rules test` checks that the rule would change the text without it."""

    rule: str
    text: str
    origin: str
    line: int
    source: str | None = None  # one input file (as the report names it) it holds in; None: every file


class Entries(NamedTuple):
    """What one rule file holds: rules, exceptions (of rules of any file), layout decisions."""

    rules: list[Rule]
    exceptions: list[RuleException]
    layout: list[LayoutDecision]


class Loaded(NamedTuple):
    """What a set of rule folders holds, and every problem found in it."""

    rules: list[Rule]
    errors: list[RuleError]
    layout: list[LayoutDecision]


def load_file(path: Path) -> list[Rule]:
    """Every rule of one file; raises RuleErrors listing each problem as file:line."""
    return load_entries(path).rules


def load_entries(path: Path) -> Entries:
    """The rules, the exceptions (of rules of any file) and the layout decisions in one file;
    raises RuleErrors listing each problem as file:line."""
    shown = printable(path)
    text, data = read_toml(path)
    locate = _Locator(text)
    errors: list[RuleError] = []
    unknown = set(data) - {"rule", "exception", "layout"}
    if unknown:
        errors.append(RuleError(shown, 1, f"unknown top-level key(s): {', '.join(sorted(unknown))}"))
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        errors.append(RuleError(shown, 1, "`rule` must be written as [[rule]] tables"))
        entries = []
    rules = []
    for index, entry in enumerate(entries):
        try:
            rules.append(_build(entry, index, path, locate))
        except RuleError as error:
            errors.append(error)
    exceptions = []
    lines = [i + 1 for i, l in enumerate(locate.lines) if l.strip() == "[[exception]]"]
    listed = data.get("exception", [])
    for index, entry in enumerate(listed if isinstance(listed, list) else [None]):
        line = lines[index] if index < len(lines) else 1
        if not isinstance(entry, dict) or set(entry) - _EXCEPTION_FIELDS or not all(
            isinstance(entry.get(key), str) and entry[key] for key in ("rule", "text")
        ) or not isinstance(entry.get("source", ""), str):
            errors.append(
                RuleError(shown, line, "an [[exception]] needs `rule` (an id) and `text` (and may have a `note`, and a `source`: one input file)")
            )
            continue
        exceptions.append(RuleException(entry["rule"], entry["text"], shown, line, entry.get("source") or None))
    decisions = []
    lines = [i + 1 for i, l in enumerate(locate.lines) if l.strip() == "[[layout]]"]
    listed = data.get("layout", [])
    for index, entry in enumerate(listed if isinstance(listed, list) else [None]):
        line = lines[index] if index < len(lines) else 1
        try:
            decisions.append(_decision(entry, f"{portable_origin(shown)}:{line}"))
        except ValueError as problem:
            errors.append(RuleError(shown, line, f"[[layout]]: {problem}"))
    if errors:
        raise RuleErrors(errors)
    return Entries(rules, exceptions, decisions)


def _decision(entry: object, origin: str) -> LayoutDecision:
    """A `[[layout]]` entry as a decision; ValueError saying what is wrong with it."""
    if not isinstance(entry, dict):
        raise ValueError("write it as a [[layout]] table")
    unknown = set(entry) - _LAYOUT_FIELDS
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))} (it has {', '.join(sorted(_LAYOUT_FIELDS))})")
    source, line, decide = entry.get("source"), entry.get("line"), entry.get("decide")
    if not isinstance(source, str) or not source:
        raise ValueError("`source` must name the input file, as the report names it")
    if not isinstance(line, int) or isinstance(line, bool) or line < 1:
        raise ValueError("`line` must be the line of the input (a number from 1)")
    if decide not in DECISIONS:
        raise ValueError(f"`decide` must be one of {', '.join(DECISIONS)}")
    note, text = entry.get("note", ""), entry.get("text", "")
    if not isinstance(note, str) or not isinstance(text, str):
        raise ValueError("`note` and `text` must be text")
    return LayoutDecision(source, line, decide, note, text, origin)


def _build(entry: dict, index: int, path: Path, locate: _Locator) -> Rule:
    shown = printable(path)  # the rule's origin, in report.json

    def fail(key: str | None, problem: str) -> RuleError:
        line = locate.key(index, key) if key else locate.rule(index)
        return RuleError(shown, line, problem)

    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise fail("id", "every rule needs an `id` like \"punct.comma-width\" (letters, digits, . - _)")
    kind = KINDS.get(entry.get("kind"))
    if kind is None:
        raise fail("kind", f"rule {rule_id}: `kind` must be one of {', '.join(KINDS)}")
    if kind is LayoutRule and rule_id not in LayoutRuleId.__members__.values():
        raise fail(
            "id",
            f"rule {rule_id}: a layout rule is one of kcclean's own layout decisions "
            f"({', '.join(LayoutRuleId)}); {rule_id} is not one of them",
        )
    unknown = set(entry) - _COMMON_FIELDS - kind.FIELDS
    if unknown:
        first = sorted(unknown)[0]
        raise fail(first, f"rule {rule_id}: unknown field(s) for a {kind.KIND} rule: {', '.join(sorted(unknown))}")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("description", f"rule {rule_id}: `description` (why the rule exists) is required")
    scope = entry.get("scope", ["body"])
    if isinstance(scope, str):
        scope = [scope]
    if not isinstance(scope, list) or not scope or set(scope) - SCOPES:
        raise fail("scope", f"rule {rule_id}: `scope` must be a list of {', '.join(sorted(SCOPES))}")
    level = entry.get("level", "safe")
    if level not in LEVELS:
        raise fail("level", f"rule {rule_id}: `level` must be \"safe\" or \"unsafe\"")
    priority = entry.get("priority", 0)
    if not isinstance(priority, int):
        raise fail("priority", f"rule {rule_id}: `priority` must be a whole number")
    examples = []
    for nth, example in enumerate(entry.get("example", [])):
        line = locate.example(index, nth)
        if not isinstance(example, dict) or not isinstance(example.get("text"), str):
            raise RuleError(shown, line, f"rule {rule_id}: an example needs `text`")
        extra = set(example) - _EXAMPLE_FIELDS
        if extra:
            raise RuleError(shown, line, f"rule {rule_id}: unknown example field(s): {', '.join(sorted(extra))}")
        fixed = example.get("fixed")
        if fixed is not None and not isinstance(fixed, str):
            raise RuleError(shown, line, f"rule {rule_id}: example `fixed` must be text")
        example_scope = example.get("scope")
        if example_scope is not None and example_scope not in SCOPES:
            raise RuleError(shown, line, f"rule {rule_id}: example scope {example_scope!r} is not a scope")
        review = example.get("review", [])
        if review and kind is not LayoutRule:
            raise RuleError(shown, line, f"rule {rule_id}: only a layout rule's example has `review` decisions")
        try:  # the example is a whole transcript, named "example" as `pipeline.layout_example` names it
            decided = tuple(_decision({**d, "source": "example"} if isinstance(d, dict) else d, f"{shown}:{line}") for d in review)
        except ValueError as problem:
            raise RuleError(shown, line, f"rule {rule_id}: example `review`: {problem}") from None
        examples.append(Example(example["text"], fixed, line, example_scope, decided))
    exceptions = entry.get("exceptions", [])
    if not isinstance(exceptions, list) or not all(isinstance(e, str) and e for e in exceptions):
        raise fail("exceptions", f"rule {rule_id}: `exceptions` must be a list of text")
    if exceptions and kind in _NOT_TEXT_RULES:
        raise fail("exceptions", f"rule {rule_id}: `exceptions` are for text rules, not {kind.KIND} rules")
    partner = entry.get("stands_down_with")
    if partner is not None and (not isinstance(partner, str) or not RULE_ID.fullmatch(partner)):
        raise fail("stands_down_with", f"rule {rule_id}: `stands_down_with` must be a rule's id")
    return kind.from_toml(
        Entry(entry, rule_id, path.parent, fail),
        exceptions=list(exceptions),
        id=rule_id,
        description=" ".join(description.split()),
        kind=kind.KIND,
        scope=frozenset(scope),
        level=level,
        priority=priority,
        origin=shown,
        line=locate.rule(index),
        examples=examples,
        stands_down_with=partner,
    )


def load_rules(folders: list[Path]) -> Loaded:
    """Every rule of these folders (later folders override earlier ids in place), every
    problem found, and the layout decisions they hold; a broken file does not stop the
    others from loading."""
    ordered: dict[str, Rule] = {}
    errors: list[RuleError] = []
    exceptions: list[RuleException] = []
    decisions: list[LayoutDecision] = []
    for folder in folders:
        if not folder.is_dir():
            errors.append(RuleError(str(folder), None, "rules folder does not exist"))
            continue
        seen_here: dict[str, Rule] = {}
        for path in rule_files(folder):
            try:
                rules, excepted, decided = load_entries(path)
            except RuleErrors as failure:
                errors.extend(failure.errors)
                continue
            exceptions.extend(excepted)
            decisions.extend(decided)
            kept, repeated = defined_once(rules, seen_here)
            errors.extend(repeated)
            ordered.update((rule.id, rule) for rule in kept)
    errors.extend(add_exceptions(ordered, exceptions))
    return Loaded(list(ordered.values()), errors, decisions)


def defined_once(rules: list[Rule], seen: dict[str, Rule]) -> tuple[list[Rule], list[RuleError]]:
    """The rules whose id `seen` (the rules of one folder so far) does not define yet, added
    to it, and an error at each of the others: a folder defines a rule once."""
    kept, errors = [], []
    for rule in rules:
        first = seen.setdefault(rule.id, rule)
        if first is rule:
            kept.append(rule)
        else:
            errors.append(RuleError(rule.origin, rule.line, f"rule {rule.id} is already defined at {first.origin}:{first.line}"))
    return kept, errors


def add_exceptions(rules: dict[str, Rule], exceptions: list[RuleException]) -> list[RuleError]:
    """Give each rule its exceptions: one written in the rule's own file is part of the rule,
    one of another file (a review's) only narrows it (`Rule.narrowed`). The problems, for an
    exception of no rule or of a layout rule."""
    errors = []
    for exception in exceptions:
        rule = rules.get(exception.rule)
        if rule is None or isinstance(rule, _NOT_TEXT_RULES):
            problem = "no rule is named" if rule is None else f"exceptions are for text rules, not the {rule.kind} rule"
            errors.append(RuleError(exception.origin, exception.line, f"[[exception]]: {problem} {exception.rule}"))
            continue
        if exception.source is not None:  # a pair rejected in one file
            rule.narrowed_in.setdefault(exception.source, {})[exception.text] = f"{exception.origin}:{exception.line}"
            continue
        if exception.text in rule.exceptions or exception.text in rule.narrowed:
            continue
        if exception.origin != rule.origin:
            rule.narrowed[exception.text] = f"{exception.origin}:{exception.line}"
            continue
        rule.exceptions.append(exception.text)
        if isinstance(rule, TableRule):
            rule.compile()
    return errors
