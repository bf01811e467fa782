"""`regex` rules: a pattern and its replacement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import regex

from ..errors import RuleTimeout
from ..words import word_at_join
from .base import TIMEOUT_SECONDS, Edit, Entry, Rule
from .trigger import trigger_of


@dataclass(slots=True)
class RegexRule(Rule):
    """A regular expression (the `regex` module's: \\p{Han} is a Chinese character) and its
    replacement template, or a `translate` table: each character of a match replaced by its
    entry, the others kept. A space an entry begins or ends with separates a mark from the
    word beside it (", ", " ("), so it is kept only where a word is: after a letter, digit or
    closing bracket, before a letter, digit or opening bracket. With `joins_a_word`, a match is
    removed only where the characters either side of it make a word of the word list when
    joined (通讯丨员: 通讯员), the word named as the edit's evidence: debris inside a word,
    where elsewhere the same mark may be meant (a separator between words)."""

    KIND: ClassVar[str] = "regex"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"pattern", "replacement", "translate", "joins_a_word"})
    # a pattern that gives up on an issue is named in its warning by where it is written
    NOT_ACTING: ClassVar[frozenset[str]] = frozenset({"description", "examples"})

    pattern: regex.Pattern | None = None
    replacement: str = ""
    translate: dict[str, str] | None = None
    # The same pattern with ^ and $ at line ends: how the engine scans many paragraphs at once.
    scanner: regex.Pattern | None = None
    # Characters every match contains one of, as a `re` class (a bitmap scan, hundreds of
    # times faster than the pattern): text without any of them needs no scan. None: unknown.
    trigger: re.Pattern | None = None
    joins_a_word: bool = False

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
                after = self._translated(text, match) if self.translate else match.expand(self.replacement)
                if after == match.group():
                    continue
                if not self.joins_a_word:
                    edits.append(Edit(match.start(), match.end(), after))
                elif joined := word_at_join(text[max(0, match.start() - 3) : match.start()], text[match.end() : match.end() + 3]):
                    word, frequency = joined
                    evidence = f"{word!r} is a word (freq {frequency}) across {match.group()!r}"
                    edits.append(Edit(match.start(), match.end(), after, evidence=evidence))
        except TimeoutError:
            raise RuleTimeout(self.id, f"text starting {text[:20]!r}", TIMEOUT_SECONDS) from None
        return edits

    def _translated(self, text: str, match: regex.Match) -> str:
        after = "".join(self.translate.get(ch, ch) for ch in match.group())
        if after.startswith(" ") and not _WORD_BEFORE.search(text, 0, match.start()):
            after = after[1:]
        if after.endswith(" ") and not _WORD_AFTER.match(text, match.end()):
            after = after[:-1]
        return after

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> RegexRule:
        rule = cls(**common)
        rule.pattern = entry.pattern("pattern")
        rule.scanner = regex.compile(rule.pattern.pattern, regex.MULTILINE)
        rule.trigger = trigger_of(rule.pattern.pattern)
        rule.joins_a_word = _joins_a_word(entry)
        if "translate" in entry.data:
            rule.translate = _translate_table(entry)
            return rule
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


# where a space beside a translated mark stands between it and a word (see RegexRule)
_WORD_BEFORE = regex.compile(r"[\p{L}\p{N})\]）]$")
_WORD_AFTER = regex.compile(r"[\p{L}\p{N}(\[（]")


def _joins_a_word(entry: Entry) -> bool:
    """The rule's `joins_a_word` flag, checked: only a rule that removes what it matches can
    join the text either side of it."""
    flag = entry.data.get("joins_a_word", False)
    if not isinstance(flag, bool):
        raise entry.fail("joins_a_word", f"rule {entry.rule_id}: `joins_a_word` must be true or false")
    if flag and (entry.data.get("replacement") != "" or "translate" in entry.data):
        raise entry.fail("joins_a_word", f"rule {entry.rule_id}: `joins_a_word` needs `replacement = \"\"` (the match removed)")
    return flag


def _translate_table(entry: Entry) -> dict[str, str]:
    """The `translate` table of a rule, checked: single characters to text, with no
    `replacement` beside it."""
    table = entry.data["translate"]
    if not isinstance(table, dict) or not table or not all(
        isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in table.items()
    ):
        raise entry.fail("translate", f"rule {entry.rule_id}: `translate` must map single characters to text")
    if "replacement" in entry.data:
        raise entry.fail("translate", f"rule {entry.rule_id}: give `replacement` or `translate`, not both")
    return table


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
