"""Rule examples run as tests: `kcclean fix` refuses a rule whose examples fail, and `kcclean
rules test` and the test suite run them all.

Every rule needs at least one example it changes and one text it must leave as it is (a
literal swap like 己经 → 已经 breaks 自己经营 without one). A layout rule's example is a whole
transcript and its `fixed` text the articles it should come out as, run through the whole
pipeline by the caller.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import RuleError
from .base import Example, Rule, excepted
from .layout import LayoutRule
from .pattern import RegexRule
from .protect import ProtectRule
from .scan import touched_texts
from .table import TableRule


def missing_examples(rule: Rule) -> list[str]:
    """The examples a rule lacks: one it fixes, and (a text rule) one it must leave as it is.
    `fix` refuses such a rule just as `kcclean rules test` fails it."""
    fixing = [e for e in rule.examples if e.fixed is not None and e.fixed != e.text]
    keeping = [e for e in rule.examples if e.fixed is None or e.fixed == e.text]
    missing = []
    if not fixing:
        missing.append("needs an example it fixes (`text` and `fixed`)")
    if not keeping and not isinstance(rule, LayoutRule):
        missing.append("needs an example it must leave unchanged (`text` only)")
    return missing


def example_failures(rule: Rule) -> list[RuleError]:
    """A rule's missing examples, and the examples that do not come out as written (layout
    rules' examples are whole pages, tested as fixtures)."""
    failures = [RuleError(rule.origin, rule.line, f"rule {rule.id}: {problem}") for problem in missing_examples(rule)]
    if isinstance(rule, LayoutRule):
        return failures
    for example in rule.examples:
        expected = example.text if example.fixed is None else example.fixed
        got = rule.fix(example.text)
        problem = f"gives {got!r}, expected {expected!r}" if got != expected else run_again(rule, got)
        if problem:
            failures.append(RuleError(rule.origin, example.line, f"rule {rule.id}: example {example.text!r} {problem}"))
    return failures


def run_again(rule: Rule, fixed: str) -> str | None:
    """What is wrong when the rule changes the text it fixed once more, as every run of
    `kcclean fix` over its own output would (超市 → 超市（店）: its replacement holds what it
    looks for); None when it leaves it as it is."""
    if isinstance(rule, ProtectRule):
        return None  # its `fix` shows what it protects (⟦…⟧): it changes no text
    again = rule.fix(fixed)
    if again == fixed:
        return None
    return (
        f"gives {fixed!r}, which the rule changes again, to {again!r}: every run would change the text "
        "once more (does the replacement hold what the rule looks for?)"
    )


# Text a rule's example is put between, to check the rule still finds it among other
# paragraphs (the engine scans all paragraphs of a scope joined by newlines).
_NEIGHBOURS = ("“本报讯（记者 王思", "“他说（")  # each leaves a quote and a bracket open


@dataclass(frozen=True, slots=True)
class Failure:
    rule: Rule
    line: int
    message: str
    where: str | None = None  # file:line, when not the rule's own file (an exception written elsewhere)

    def __str__(self) -> str:
        return f"{self.where or f'{self.rule.origin}:{self.line}'}: rule {self.rule.id}: {self.message}"


def check_rule(rule: Rule, pages: Callable[[Example], str]) -> list[Failure]:
    """Every problem with a rule's examples and exceptions. `pages` cleans a whole transcript
    and renders its articles (`pipeline.layout_example`): what a layout rule's example is."""
    failures = [Failure(rule, rule.line, problem) for problem in missing_examples(rule)]
    for example in rule.examples:
        expected = example.text if example.fixed is None else example.fixed
        got = pages(example) if isinstance(rule, LayoutRule) else rule.fix(example.text)
        if got != expected:
            failures.append(Failure(rule, example.line, "example does not come out as written:\n" + diff(expected, got)))
        elif not isinstance(rule, LayoutRule) and (problem := run_again(rule, got)):
            failures.append(Failure(rule, example.line, f"example {example.text!r} {problem}"))
        elif isinstance(rule, RegexRule) and got != example.text:
            texts = [_NEIGHBOURS[0], example.text, _NEIGHBOURS[1]]
            if 1 not in touched_texts(rule, texts):
                failures.append(
                    Failure(
                        rule,
                        example.line,
                        "the rule misses this text when other paragraphs surround it: use ^ and $ "
                        "rather than \\A and \\Z, and keep look-behinds inside the paragraph ([^…\\n])",
                    )
                )
    # each exception must be needed: the rule would change its text without it, or it keeps
    # the rule from an edit of the rule's own examples (a pair rejected for a whole run is
    # the edited text alone, `,`: the rule needs the text around it to find it)
    written = [(text, None) for text in rule.exceptions] + list(rule.narrowed.items())
    written += [item for texts in rule.narrowed_in.values() for item in texts.items()]
    for text, where in written:
        wrong = any(key in text for key in rule.table) if isinstance(rule, TableRule) else rule.find(text)
        if not wrong and not any(excepted(e.text, edit, [text]) for e in rule.examples for edit in rule.find(e.text)):
            failures.append(Failure(rule, rule.line, f"exception {text!r} is never needed: the rule changes nothing in it", where))
    return failures


def diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "expected", "got", lineterm="", n=1
    )
    return "\n".join("    " + line for line in lines) or f"    expected {expected!r}\n    got      {got!r}"

