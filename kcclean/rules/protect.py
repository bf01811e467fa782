"""`protect` rules: text that no other rule may change (URLs, paths, code, emoticons,
Japanese text), found by a pattern before any rule runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import regex

from ..errors import RuleTimeout
from .base import TIMEOUT_SECONDS, Entry, Rule
from .trigger import trigger_of

# How a protect rule's example marks what it protects: 见⟦www.kcrm.cn⟧。
OPEN, CLOSE = "⟦", "⟧"


@dataclass(slots=True)
class ProtectRule(Rule):
    """A pattern whose matches no other rule may change. The rules see each match hidden, so
    nothing in it counts as context either: a `'` in `don't` is no quotation mark, a `;` in
    `;-)` no semicolon after Chinese text. A protect rule changes nothing itself; its
    examples show what it protects between ⟦ and ⟧."""

    KIND: ClassVar[str] = "protect"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"pattern"})
    PROTECTS: ClassVar[bool] = True

    pattern: regex.Pattern | None = None
    trigger: re.Pattern | None = None  # characters every match contains one of (see RegexRule)

    def protected(self, text: str) -> list[tuple[int, int]]:
        if self.trigger is not None and not self.trigger.search(text):
            return []
        try:
            return [match.span() for match in self.pattern.finditer(text, timeout=TIMEOUT_SECONDS) if match.end() > match.start()]
        except TimeoutError:
            raise RuleTimeout(self.id, f"text starting {text[:20]!r}", TIMEOUT_SECONDS) from None

    def fix(self, text: str) -> str:
        for start, end in reversed(self.protected(text)):
            text = f"{text[:start]}{OPEN}{text[start:end]}{CLOSE}{text[end:]}"
        return text

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> ProtectRule:
        rule = cls(**common)
        rule.pattern = entry.pattern("pattern")
        rule.trigger = trigger_of(rule.pattern.pattern)
        return rule
