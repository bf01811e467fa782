"""Rule examples run as tests: `kcclean rules test` and the test suite both use this.

Every rule needs at least one example it changes and one text it must leave as it is (a
literal swap like 己经 → 已经 breaks 自己经营 without one). A layout rule's example is a whole
transcript and its `fixed` text the articles it should come out as (see `render_plain`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .errors import KccleanError
from .repair import touched_texts
from .rulebook import Example, LayoutRule, RegexRule, Rule, Rulebook, TableRule, missing_examples
from .snapshot import render_plain

# Text a rule's example is put between, to check the rule still finds it among other
# paragraphs (the engine scans all paragraphs of a scope joined by newlines).
_NEIGHBOURS = ("“本报讯（记者 王思", "“他说（")  # each leaves a quote and a bracket open


@dataclass(frozen=True, slots=True)
class Failure:
    rule: Rule
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.rule.origin}:{self.line}: rule {self.rule.id}: {self.message}"


def check_rule(rule: Rule, rulebook: Rulebook) -> list[Failure]:
    failures = [Failure(rule, rule.line, problem) for problem in missing_examples(rule)]
    for example in rule.examples:
        expected = example.text if example.fixed is None else example.fixed
        got = _run(rule, example, rulebook)
        if got != expected:
            failures.append(Failure(rule, example.line, "example does not come out as written:\n" + diff(expected, got)))
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
    for text in rule.exceptions:  # each must be needed: the rule would change it without it
        wrong = any(key in text for key in rule.table) if isinstance(rule, TableRule) else rule.find(text)
        if not wrong:
            failures.append(Failure(rule, rule.line, f"exception {text!r} is never needed: the rule changes nothing in it"))
    return failures


def _run(rule: Rule, example: Example, rulebook: Rulebook) -> str:
    if not isinstance(rule, LayoutRule):
        return rule.fix(example.text)
    from .pipeline import clean_text  # the whole pipeline: a layout rule is about pages

    try:
        return render_plain(clean_text(example.text, "example", rulebook=rulebook)).rstrip("\n")
    except KccleanError as error:
        return f"error: {error}"


def diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "expected", "got", lineterm="", n=1
    )
    return "\n".join("    " + line for line in lines) or f"    expected {expected!r}\n    got      {got!r}"

