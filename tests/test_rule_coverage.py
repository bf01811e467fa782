"""Rule examples reach every code point range a rule names. A class like [\u2060-\u2064] loses
its first member to a one-character slip (\u2061-\u2064) without any example noticing, unless
an example holds the range's first and last code points."""

from __future__ import annotations

import pytest
import regex

from kcclean.rules import BUILTIN_RULES, RegexRule, load_rules

ESCAPE = r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))"
RANGE = regex.compile(ESCAPE + "-" + ESCAPE)

RULES = [rule for rule in load_rules([BUILTIN_RULES])[0] if isinstance(rule, RegexRule)]


NEGATED_CLASS = regex.compile(r"\[\^(?:\\.|[^\]\\])*\]")


def range_ends(pattern: str) -> set[str]:
    """The first and last code points of each range the pattern matches (not of a range it
    excludes: [^\x00-\x7f] names what must not be there)."""
    ends = set()
    for match in RANGE.finditer(NEGATED_CLASS.sub("", pattern)):
        first, last = (match.group(1) or match.group(2)), (match.group(3) or match.group(4))
        ends |= {chr(int(first, 16)), chr(int(last, 16))}
    return ends


def test_some_rule_names_a_range() -> None:
    assert range_ends(next(r for r in RULES if r.id == "stray.invisible").pattern.pattern) >= {"\u2060", "\u2064"}


@pytest.mark.parametrize("rule", [r for r in RULES if range_ends(r.pattern.pattern)], ids=lambda r: r.id)
def test_examples_hold_both_ends_of_every_range(rule) -> None:
    fixing = "".join(e.text for e in rule.examples if e.fixed is not None and e.fixed != e.text)
    missing = sorted(f"U+{ord(ch):04X}" for ch in range_ends(rule.pattern.pattern) if ch not in fixing)
    assert missing == [], f"{rule.origin}:{rule.line}: no example of {rule.id} fixes {', '.join(missing)}"
