"""`regex` rules: a pattern and its replacement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import regex

from ..errors import RuleTimeout
from .base import TIMEOUT_SECONDS, Edit, Entry, Rule
from .trigger import trigger_of


@dataclass(slots=True)
class RegexRule(Rule):
    """A regular expression (the `regex` module's: \\p{Han} is a Chinese character) and its
    replacement template."""

    KIND: ClassVar[str] = "regex"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"pattern", "replacement"})

    pattern: regex.Pattern | None = None
    replacement: str = ""
    # The same pattern with ^ and $ at line ends: how the engine scans many paragraphs at once.
    scanner: regex.Pattern | None = None
    # Characters every match contains one of, as a `re` class (a bitmap scan, hundreds of
    # times faster than the pattern): text without any of them needs no scan. None: unknown.
    trigger: re.Pattern | None = None

    def may_change(self, text: str) -> bool:
        return self.trigger is None or self.trigger.search(text) is not None

    def sites(self, joined: str) -> list[tuple[int, int]]:
        # One call over the joined texts: a time-out costs as much to arm as a short search.
        # The scanner's ^ and $ match at every newline, so its matches are the pattern's
        # matches in each text (or more: `find` decides).
        try:
            return [match.span() for match in self.scanner.finditer(joined, timeout=TIMEOUT_SECONDS)]
        except TimeoutError:
            raise RuleTimeout(self.id, "the issue's text", TIMEOUT_SECONDS) from None

    def find(self, text: str) -> list[Edit]:
        edits = []
        try:
            for match in self.pattern.finditer(text, timeout=TIMEOUT_SECONDS):
                after = match.expand(self.replacement)
                if after != match.group():
                    edits.append(Edit(match.start(), match.end(), after))
        except TimeoutError:
            raise RuleTimeout(self.id, f"text starting {text[:20]!r}", TIMEOUT_SECONDS) from None
        return edits

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> RegexRule:
        rule = cls(**common)
        rule.pattern = entry.pattern("pattern")
        rule.scanner = regex.compile(rule.pattern.pattern, regex.MULTILINE)
        rule.trigger = trigger_of(rule.pattern.pattern)
        replacement = entry.data.get("replacement")
        if not isinstance(replacement, str):
            raise entry.fail("replacement", f"rule {rule.id}: `replacement` (text, may be \"\") is required")
        try:
            rule.pattern.sub(replacement, "")
            _check_template(rule.pattern, replacement)
        except (regex.error, IndexError) as error:
            raise entry.fail("replacement", f"rule {rule.id}: bad replacement: {error}") from None
        rule.replacement = replacement
        return rule


def _check_template(pattern: regex.Pattern, replacement: str) -> None:
    """Fail early on a replacement that names a group the pattern does not have."""
    for group in regex.findall(r"\\(\d+)|\\g<(\w+)>", replacement):
        number, name = group
        if number and int(number) > pattern.groups:
            raise regex.error(f"no group {number}")
        if name and not name.isdigit() and name not in pattern.groupindex:
            raise regex.error(f"no group named {name!r}")
        if name.isdigit() and int(name) > pattern.groups:
            raise regex.error(f"no group {name}")
