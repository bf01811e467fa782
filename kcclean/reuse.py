"""When a run's kept results serve another run: the keys of what they depend on (`RunKeys`),
and the record of how an issue was repaired, which tells whether another run's rules would
repair it the same way (`RepairRecord`), so that a changed character rule repairs again only
the issues it can act in (`cache` keeps both; see its doc).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from .digests import canonical, code_digest, digest
from .output.hashed import file_sha256
from .rules import (
    ConfusionRule,
    LayoutRule,
    LexiconRule,
    PairsRule,
    RegexRule,
    Rule,
    Rulebook,
    ScriptRule,
    TableRule,
)


@dataclasses.dataclass(frozen=True, slots=True)
class RunKeys:
    """The keys of what a run's results depend on beyond their input (see the module's doc):
    computed once in the main process, passed to every worker. `repair` is made of
    `context` (the layout key, the settings, the rules that protect spans) and `text_rules`
    (each character rule that runs, in order), kept apart to tell what changed. `acting`
    holds, for each text rule, the key of what it does less what a text tells of it
    (`_acting`): two rules of one acting key act alike on a text where they find the same."""

    layout: str
    context: str
    text_rules: tuple[str, ...]
    acting: tuple[str, ...]

    @classmethod
    def of(cls, rulebook: Rulebook) -> RunKeys:
        shaping = [r for r in rulebook.all_rules if isinstance(r, (LayoutRule, LexiconRule))]
        settings = rulebook.settings
        model = settings.layout_model
        layout = digest(
            code_digest(),
            [(canonical(r), rulebook.active(r.id), canonical(rulebook.verdict(r.id)), canonical(rulebook.verdict(r.id, False)))
             for r in shaping],
            canonical(rulebook.layout),
            # a model of the user's own by its bytes; a missing one fails when the run loads it
            _file_bytes(model) if model is not None else None,
        )
        # what a repair reads of the rulebook: its text rules (`text_rules`), the rules that
        # protect spans, whether a change is applied (the settings)
        context = digest(
            layout, settings.select, settings.ignore, canonical(settings.unsafe), [canonical(r) for r in rulebook.protectors]
        )
        rules = rulebook.text_rules
        return cls(layout, context, tuple(digest(canonical(r)) for r in rules), tuple(digest(_acting(r)) for r in rules))

    @property
    def repair(self) -> str:
        return digest(self.context, self.text_rules)

    def file(self, name: str, data: bytes) -> str:
        return digest("file", self.layout, name, hashlib.sha256(data).hexdigest())

    def issue(self, pages: list[str]) -> str:
        """The key of an issue's entry: its pages' (which hold the layout key)."""
        return digest("issue", pages)


# Kinds of rule that tell from characters alone that they have nothing to do
# (`may_change_text_of`: one of a set of characters, or a table entry's every character):
# one that has nothing to do in a text holding every character an issue's texts ever held
# has nothing to do in any of them. (The mojibake rule's scan looks for sequences; it also
# protects spans, which changes what other rules do without a change of its own: never taken
# as quiet.)
_SCANNED_FOR_CHARACTERS = (TableRule, RegexRule, ScriptRule, ConfusionRule, PairsRule)


def _acting(rule: Rule) -> list:
    """What a rule does as plain data, less what changes nothing it does (`Rule.NOT_ACTING`:
    a rule file edited above the rule moves its line) and what `Rule.found_in` tells on the
    texts at hand (a table's entries: one added acts only where it is spelled)."""
    kind, *fields = canonical(rule)
    left_out = rule.NOT_ACTING | rule.FOUND_FIELDS
    return [kind, *(item for item in fields if item[0] not in left_out)]


@dataclasses.dataclass(frozen=True, slots=True)
class RepairRecord:
    """What an issue was repaired under, kept with it: the run's repair key, and what tells
    whether another run's rules would repair it the same way (`holds_for`)."""

    key: str
    context: str
    rules: tuple[str, ...]  # the text rules, in order (`RunKeys.text_rules`)
    acting: tuple[str, ...]  # their acting keys (`RunKeys.acting`)
    quiet: frozenset[str]  # those that can change nothing in any text the issue ever held
    characters: str  # every character those texts held, and the newline that joins them
    texts: str  # every text its repair held, joined by newlines (`rules.engine.repair`)
    found: dict[str, str | None]  # what each rule not quiet finds in those texts (`_found_key`), but nothing

    @classmethod
    def of(cls, keys: RunKeys, rulebook: Rulebook, texts: str, earlier: RepairRecord | None = None) -> RepairRecord:
        """The record of an issue's repair under `keys`, which held `texts`; `earlier`, the
        record of an earlier repair of its layout, tells which rules the two runs share are
        quiet when that repair held the same texts (a rule's quick scan is asked only of the
        others). A rule sees nothing but those texts, joined by newlines."""
        characters = "".join(sorted(set(texts) | {"\n"}))
        known = earlier if earlier is not None and (earlier.characters, earlier.texts) == (characters, texts) else None
        shared = frozenset(known.rules) if known is not None else frozenset()
        quiet = frozenset(
            rule_key
            for rule_key, rule in zip(keys.text_rules, rulebook.text_rules)
            if (rule_key in known.quiet if rule_key in shared else _quiet(rule, characters, texts))
        )
        found = {
            rule_key: found
            for rule_key, rule in zip(keys.text_rules, rulebook.text_rules)
            if rule_key not in quiet and (found := _found_key(rule.found_in(texts))) != ""
        }
        return cls(keys.repair, keys.context, keys.text_rules, keys.acting, quiet, characters, texts, found)

    def holds_for(self, keys: RunKeys, rulebook: Rulebook) -> bool:
        """Whether the run of `keys` repairs the issue as the recorded rules did. It does when
        only character rules differ, and those that could act in the issue are, one for one
        and in the same order, the recorded rules that could: each the same rule, or one that
        acts alike on every text the repair held (the same acting key, finding the same in
        them: a table grown by entries the issue never spells, a rule file edited above the
        rule). A quiet rule (`_quiet`) never acts, wherever it runs, so every step of the
        repair is the same. (The record is not remade for the run: the next run with its
        rules tells the same as quickly from this one.)"""
        if keys.context != self.context:
            return False
        recorded = [(rule_key, acting) for rule_key, acting in zip(self.rules, self.acting) if rule_key not in self.quiet]
        kept = set(self.rules)
        acting_now = [
            (rule_key, acting, rule)
            for rule_key, acting, rule in zip(keys.text_rules, keys.acting, rulebook.text_rules)
            if not (rule_key in self.quiet if rule_key in kept else _quiet(rule, self.characters, self.texts))
        ]
        return len(recorded) == len(acting_now) and all(
            rule_key == old_key or (acting == old_acting and _found_alike(_found_key(rule.found_in(self.texts)), self.found.get(old_key, "")))
            for (old_key, old_acting), (rule_key, acting, rule) in zip(recorded, acting_now)
        )


def _found_key(found: tuple | None) -> str | None:
    """What `Rule.found_in` found, as a key: "" for nothing, None when the rule cannot tell."""
    return None if found is None else digest(found) if found else ""


def _found_alike(now: str | None, then: str | None) -> bool:
    """Whether two versions of a rule found the same in a record's texts (None: one cannot tell)."""
    return now is not None and now == then


def _quiet(rule: Rule, characters: str, texts: str) -> bool:
    """Whether the rule can change nothing in a repair that held only `texts`, made of only
    `characters`: a rule that would edit none of them never acts, wherever it runs, and the
    other rules then take every step as they did."""
    if not isinstance(rule, _SCANNED_FOR_CHARACTERS) or rule.PROTECTS:
        return False
    return not rule.may_change_text_of(characters) or not rule.may_edit_any_of(texts)


def _file_bytes(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError as error:
        return f"unreadable: {error}"
