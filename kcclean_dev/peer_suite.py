"""The peer-style suite (tests/data/peer_suite/*.toml): the kinds of case that other fixers'
test suites hold (CJK formatters, encoding fixers, script converters), written as our own
sentences in the paper's style, one file per kind, each with a repair half (`fixed`, or
`suggested`: a rule that must only suggest there) and a do-no-harm half (neither: the text
stays as it is). `score` says how many of each half kcclean gets right.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kcclean.model import Change, Unit
from kcclean.rules import Rulebook
from kcclean.rules.engine import Slot, repair

SUITE = Path(__file__).resolve().parent.parent / "tests" / "data" / "peer_suite"


def repaired(text: str, rulebook: Rulebook, scope: str = "body") -> tuple[str, list[Change]]:
    """One paragraph (or headline, byline…) through every text rule, as an issue of its own:
    the text as the rules leave it, and their changes, suggestions included."""
    unit = Unit.alone(text)
    changes: list[Change] = []
    repair([Slot(unit, scope, changes)], rulebook)
    return unit.text, changes


def cases(suite: Path = SUITE) -> dict[str, list[dict]]:
    """The cases of each kind, by kind (the file's name)."""
    return {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8"))["case"] for path in sorted(suite.glob("*.toml"))
    }


def is_repair(case: dict) -> bool:
    return "fixed" in case or "suggested" in case


def right(case: dict, rulebook: Rulebook) -> bool:
    """Whether kcclean makes of the case's text what the case expects."""
    text, changes = repaired(case["text"], rulebook, case.get("scope", "body"))
    if text != case.get("fixed", case["text"]):
        return False
    return "suggested" not in case or any(c.rule == case["suggested"] and not c.applied for c in changes)


@dataclass
class Score:
    """Cases right of each half of one kind, and the texts of those it got wrong."""

    repairs: int = 0
    repairs_right: int = 0
    harmless: int = 0
    harmless_right: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return (self.repairs_right + self.harmless_right) / ((self.repairs + self.harmless) or 1)


def score(rulebook: Rulebook, suite: Path = SUITE) -> dict[str, Score]:
    scores = {}
    for kind, kind_cases in cases(suite).items():
        result = scores[kind] = Score()
        for case in kind_cases:
            ok = right(case, rulebook)
            if is_repair(case):
                result.repairs += 1
                result.repairs_right += ok
            else:
                result.harmless += 1
                result.harmless_right += ok
            if not ok:
                result.wrong.append(case["text"])
    return scores
