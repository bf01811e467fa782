"""What every rule is: an id, a description, a scope, a level and examples; the edits it makes
to a text; and how a kind of rule reads its own fields from a `[[rule]]` table (`from_toml`).
The kinds are one module each beside this one; `loader.KINDS` names them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import regex

from ..errors import RuleError

SCOPES = frozenset(
    {"masthead", "banner", "headline", "subhead", "byline", "body", "caption", "credit", "all"}
)
LEVELS = frozenset({"safe", "unsafe"})
RULE_ID = regex.compile(r"[A-Za-z][\w.-]*")
TIMEOUT_SECONDS = 2.0

# Spans of a text, [start, end), in order and apart: the protected spans a rule must not change.
Spans = tuple[tuple[int, int], ...]
# How sure the OCR engine was of each character of a text read from its result (None where
# it gave no score): what a rule may weigh as evidence (`Rule.find_scored`).
Scores = tuple[float | None, ...]
# What a rule sees in place of each character of a protected span: a noncharacter, which no
# text holds, so nothing in the span is matched or read as context; a pattern that means to
# take a protected span whole (brackets around an address) names it as
# \p{Noncharacter_Code_Point}.
HIDDEN = "\ufdd0"
_HIDDEN_RUN = re.compile(f"({HIDDEN}+)")


@dataclass(frozen=True, slots=True)
class Entry:
    """A `[[rule]]` table being read by its kind: its values, the folder its data files are
    named from, and how to report a problem with one of its keys (file and line)."""

    data: dict
    rule_id: str
    folder: Path
    fail: Callable[[str | None, str], RuleError]

    def pattern(self, key: str, source: object = None) -> regex.Pattern:
        """The regular expression under `key` (or `source`), compiled, or a clear error."""
        source = self.data.get(key) if source is None else source
        if not isinstance(source, str) or not source:
            raise self.fail(key, f"rule {self.rule_id}: `{key}` must be a non-empty regular expression")
        try:
            return regex.compile(source)
        except regex.error as error:
            raise self.fail(key, f"rule {self.rule_id}: bad regular expression: {error}") from None


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] by `after`. `unsafe` marks an edit less certain than its rule."""

    start: int
    end: int
    after: str
    unsafe: bool = False
    evidence: str | None = None  # why the edit is right, when the rule weighed it


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    fixed: str | None  # None: the text must stay as it is
    line: int
    scope: str | None = None
    review: tuple = ()  # a layout rule's example: the reviewer's decisions (`layout.LayoutDecision`) it is cleaned with


@dataclass(slots=True)
class Rule:
    """A rule: its data, and the edits it makes. A kind sets `KIND` and `FIELDS` (the keys of
    its own in a rule file) and reads them in `from_toml`."""

    KIND: ClassVar[str] = ""
    FIELDS: ClassVar[frozenset[str]] = frozenset()
    # Whether the rule recognises protected spans (`protected`), which no other rule may change.
    PROTECTS: ClassVar[bool] = False
    # Whether the rule weighs the OCR engine's scores (`find_scored`): only then are a text's
    # scores gathered for it, a tuple the length of the text on every pass.
    WEIGHS_SCORES: ClassVar[bool] = False
    # Fields that change nothing the rule does to an issue, its text or its warnings: where
    # it is written and what it says (`reuse.RunKeys.acting`).
    NOT_ACTING: ClassVar[frozenset[str]] = frozenset({"origin", "line", "description", "examples"})
    # Fields whose effect on a text `found_in` tells: two rules that differ only in them act
    # alike on a text where they find the same.
    FOUND_FIELDS: ClassVar[frozenset[str]] = frozenset()

    id: str
    description: str
    kind: str
    scope: frozenset[str]
    level: str
    priority: int
    origin: str
    line: int
    examples: list[Example] = field(default_factory=list)
    # texts in which the rule is right to change nothing: an edit inside one is not made
    exceptions: list[str] = field(default_factory=list)
    # exceptions of the rule written in other rule files (a user's review of a built-in rule),
    # by text, each with where it is written (file:line): they narrow the rule for their own
    # text, and are no part of the rule its examples test
    narrowed: dict[str, str] = field(default_factory=dict)
    # the same, for one input file each (a pair rejected in review for one file): by file
    narrowed_in: dict[str, dict[str, str]] = field(default_factory=dict)
    # a rule that, switched off for an issue (script.traditional in a traditional text),
    # switches this one off too: it runs before this one
    stands_down_with: str | None = None

    @classmethod
    def from_toml(cls, entry: Entry, **common) -> Rule:
        """The rule of a `[[rule]]` table: the fields all rules share (`common`), and the
        kind's own, read from `entry` (a kind with fields of its own overrides this)."""
        return cls(**common)

    def scopes_among(self, present: frozenset[str]) -> frozenset[str]:
        """Which of the present scopes the rule runs in."""
        return present if "all" in self.scope else present & self.scope

    def find(self, text: str) -> list[Edit]:
        """The edits this rule makes to one text, left to right, not overlapping."""
        return []

    def edits(self, text: str, protected: Spans = (), scores: Scores | None = None) -> list[Edit]:
        """`find`'s edits (`find_scored`'s, given the OCR engine's scores) less those inside
        one of the rule's exceptions, its own or another file's. `find` sees each protected
        span hidden, so that nothing in it is matched or read as context (a quote mark in a
        URL is not half of a quotation); an edit that would change a protected span is not
        made, one that keeps it whole (brackets put around a URL) is."""
        find = self.find if scores is None else (lambda seen: self.find_scored(seen, scores))
        if protected:
            found = (_revealed(edit, text, protected) for edit in find(_hidden(text, protected)))
            edits = [edit for edit in found if edit is not None]
        else:
            edits = find(text)
        return _outside(text, edits, [*self.exceptions, *self.narrowed] if self.narrowed else self.exceptions)

    def find_scored(self, text: str, scores: Scores) -> list[Edit]:
        """The edits of a text read from an OCR result, given how sure the engine was of each
        of its characters; a rule that weighs the scores as evidence overrides this."""
        return self.find(text)

    def protected(self, text: str) -> list[tuple[int, int]]:
        """The spans of the text that no other rule may change, left to right (a rule that
        PROTECTS: URLs, code, Japanese text, mojibake awaiting repair)."""
        return []

    def prepare(self, texts: list[str]) -> str | None:
        """Look at a whole issue before it runs; a returned message disables the rule there."""
        return None

    def may_change(self, text: str) -> bool:
        """False when a quick scan shows the rule has nothing to do in the text (it lacks a
        character every edit of the rule needs): the usual case for most rules and issues."""
        sites = self.edit_sites()
        return sites is None or sites.search(text) is not None

    def may_change_text_of(self, characters: str) -> bool:
        """False when the rule has nothing to do in any text made of these characters alone
        (`reuse.RepairRecord`: every character an issue's texts ever held)."""
        return self.may_change(characters)

    def may_edit_any_of(self, texts: str) -> bool:
        """False when the rule would edit none of these texts, joined by newlines, wherever it
        ran on them (`reuse.RepairRecord`: every text an issue's repair held); True when it
        cannot tell."""
        return True

    def found_in(self, texts: str) -> tuple | None:
        """What the rule's `FOUND_FIELDS` find in these texts, joined by newlines, as plain
        values (`reuse.RepairRecord`): () when it has none, None when it cannot tell."""
        return ()

    def edit_sites(self) -> re.Pattern | None:
        """The characters the rule can change, as a pattern every edit covers a match of; None
        when the rule does not know them."""
        return None

    def sites(self, joined: str) -> list[tuple[int, int]] | None:
        """[start, end) of each place in texts joined by newlines where the rule may change
        something, left to right (every edit `find` makes in one of the texts covers one);
        None when the rule cannot tell."""
        pattern = self.edit_sites()
        return None if pattern is None else [match.span() for match in pattern.finditer(joined)]

    def fix(self, text: str) -> str:
        """The text with every edit of this rule applied, except those it marks as less
        certain than itself, which a default run only suggests: how examples are checked, so
        against the rule as its own file defines it (without `narrowed`)."""
        for edit in reversed(_outside(text, self.find(text), self.exceptions)):
            if not edit.unsafe:
                text = text[: edit.start] + edit.after + text[edit.end :]
        return text


def _hidden(text: str, protected: Spans) -> str:
    """The text with every character of the protected spans replaced by HIDDEN."""
    parts, done = [], 0
    for start, end in protected:
        parts += (text[done:start], HIDDEN * (end - start))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _revealed(edit: Edit, text: str, protected: Spans) -> Edit | None:
    """An edit found in the hidden text, with the protected text it keeps put back; None when
    it would change a protected span, cut one or leave one out."""
    inside = [
        (start, end) for start, end in protected if (start < edit.end and edit.start < end) or start < edit.start < end
    ]
    if not inside:
        return edit
    if inside[0][0] < edit.start or inside[-1][1] > edit.end:
        return None
    parts = _HIDDEN_RUN.split(edit.after)
    if [len(run) for run in parts[1::2]] != [end - start for start, end in inside]:
        return None
    parts[1::2] = [text[start:end] for start, end in inside]
    return replace(edit, after="".join(parts))


def _outside(text: str, edits: list[Edit], exceptions: list[str]) -> list[Edit]:
    """The edits that lie inside no occurrence of one of the exceptions."""
    if not exceptions or not edits:
        return edits
    return [edit for edit in edits if not excepted(text, edit, exceptions)]


def excepted(text: str, edit: Edit, exceptions: list[str]) -> bool:
    """Whether the edit lies inside an occurrence of one of the exceptions."""
    for exception in exceptions:
        # the first occurrence that ends at or after the edit's end covers the edit if it starts in time
        at = text.find(exception, max(0, edit.end - len(exception)))
        if at != -1 and at <= edit.start:
            return True
    return False


