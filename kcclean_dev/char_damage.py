"""Character damage, as OCR and input methods do it, for the generator and the benchmarks.

`damage(text, rng, kind)` damages one clean paragraph in a few places with one kind of
error; `clean_paragraphs` runs kcclean's text rules over paragraphs as the pipeline runs them
over an article's body; `measure` puts the two together and counts character errors before
and after. The clean text is the project's own hand-cleaned fixtures (kcclean_dev/generator.py).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import opencc
import regex
from rapidfuzz.distance import Levenshtein

from kcclean.evaluate import load_articles
from kcclean.words import covering_word
from kcclean.model import SUBHEAD_MARK, Unit
from kcclean.rules.engine import Slot, repair
from kcclean.rules import ConfusionRule, Rulebook

# About one damaged place per this many characters of a paragraph, and at least one.
CHARACTERS_PER_DAMAGE = 80

_HAN = regex.compile(r"\p{Han}")
_HAN_PAIR = regex.compile(r"(?<=\p{Han})(?=\p{Han})")
_STRAYS = ("_", "l", "丨")


def _positions(text: str, pattern: regex.Pattern | str) -> list[int]:
    return [m.start() for m in regex.finditer(pattern, text)]


def _pick(rng: random.Random, places: list, text: str) -> list:
    count = max(1, len(text) // CHARACTERS_PER_DAMAGE)
    return sorted(rng.sample(places, min(count, len(places))))


def _substitute(text: str, changes: dict[int, str]) -> str:
    chars = list(text)
    for at, after in changes.items():
        chars[at] = after
    return "".join(chars)


def full_stop(text: str, rng: random.Random) -> str:
    """。 after a Chinese character typed as an ASCII full stop."""
    places = _positions(text, r"(?<=\p{Han})。")
    return _substitute(text, {at: "." for at in _pick(rng, places, text)})


def comma_width(text: str, rng: random.Random) -> str:
    """， between Chinese characters read as a half-width comma."""
    places = _positions(text, r"(?<=\p{Han})，(?=\p{Han})")
    return _substitute(text, {at: "," for at in _pick(rng, places, text)})


def quote(text: str, rng: random.Random) -> str:
    """A pair of curly double quotes typed straight ("…")."""
    pairs = [(m.start(), m.end() - 1) for m in regex.finditer(r"“[^“”\n]*”", text)]
    changes = {}
    for start, end in _pick(rng, pairs, text):
        changes[start] = changes[end] = '"'
    return _substitute(text, changes)


def stray(text: str, rng: random.Random) -> str:
    """OCR debris (_, l, 丨) between two Chinese characters."""
    places = _positions(text, _HAN_PAIR)
    for at in reversed(_pick(rng, places, text)):
        text = text[:at] + rng.choice(_STRAYS) + text[at:]
    return text


@functools.cache
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def traditional(text: str, rng: random.Random) -> str:
    """A short run of two to four characters in traditional script, where that differs."""
    convert = _to_traditional().convert
    places = [m.start() for m in regex.finditer(r"\p{Han}{4}", text, overlapped=True) if convert(m.group()) != m.group()]
    changes = {}
    for at in _pick(rng, places, text):
        size = rng.randint(2, 4)
        for offset, ch in enumerate(convert(text[at : at + size])):
            changes[at + offset] = ch
    return _substitute(text, changes)


def look_alike(rule: ConfusionRule) -> Callable[[str, random.Random], str]:
    """Damage that prints a look-alike of the rule's groups for the character meant.

    A misreading that makes a word of the word list at least as common as every word the
    character meant makes there is not made (衢州 read as 福州, 村民围坐 as 村民国坐: 民国):
    the damaged text is then real text as well, which no dictionary, and often no reader,
    can tell from the original. Such damage would only measure which city or which sense
    the paper meant. Misreadings into rarer words stay (负责人 as 负贵人: 贵人 is a word)."""
    misreadings: dict[str, list[str]] = {}
    for group in rule.groups:
        for meant in group.meant:
            misreadings.setdefault(meant, []).extend(ch for ch in group.read if ch != meant)

    def confusion(text: str, rng: random.Random) -> str:
        choices = {}
        for at, ch in enumerate(text):
            decidable = [m for m in misreadings.get(ch, ()) if not undecidable(text, at, m)]
            if decidable:
                choices[at] = decidable
        places = list(choices)
        return _substitute(text, {at: rng.choice(choices[at]) for at in _pick(rng, places, text)})

    return confusion


def undecidable(text: str, at: int, misread: str) -> bool:
    """Whether printing `misread` at `at` makes a word at least as common as any the
    character there makes (see look_alike)."""
    made = covering_word(text, at, misread)
    if made is None:
        return False
    meant = covering_word(text, at, text[at])
    return meant is None or made[1] >= meant[1]


def damages(rulebook: Rulebook) -> dict[str, Callable[[str, random.Random], str]]:
    """Every kind of character damage, by name."""
    return {
        "full_stop": full_stop,
        "quote": quote,
        "stray": stray,
        "confusion": look_alike(rulebook.by_id["typo.confusions"]),
        "traditional": traditional,
        "comma_width": comma_width,
    }


def fixture_paragraphs(fixtures: Path) -> list[str]:
    """The body paragraphs of every hand-cleaned article (subheads are not running prose)."""
    return [
        paragraph
        for path in sorted(fixtures.rglob("*.expected"))
        for article in load_articles(path)
        for paragraph in article.body
        if f"{SUBHEAD_MARK}{paragraph}" not in subheads_of(path)
    ]


def subheads_of(path: Path) -> set[str]:
    return {line for line in path.read_text(encoding="utf-8").split("\n") if line.startswith(SUBHEAD_MARK)}


def clean_paragraphs(texts: list[str], rulebook: Rulebook) -> list[str]:
    """The texts after kcclean's text rules, as the pipeline repairs an article's body."""
    slots = [Slot(Unit.alone(t), "body", []) for t in texts]
    repair(slots, rulebook)
    return [slot.unit.text for slot in slots]


@dataclass(slots=True)
class Measure:
    """Character errors of one kind of damage over many paragraphs."""

    characters: int = 0  # of the clean text
    damaged: int = 0  # paragraphs the damage changed
    before: int = 0  # edits from the clean text to the damaged one
    after: int = 0  # edits left after kcclean

    @property
    def cer_before(self) -> float:
        return self.before / self.characters if self.characters else 0.0

    @property
    def cer_after(self) -> float:
        return self.after / self.characters if self.characters else 0.0


def measure(paragraphs: list[str], kind: Callable[[str, random.Random], str], rulebook: Rulebook, seed: int) -> Measure:
    """Damage each paragraph (its seed: `seed` and its index), clean it, count the errors."""
    damaged = [kind(text, random.Random(f"{seed}-{index}")) for index, text in enumerate(paragraphs)]
    cleaned = clean_paragraphs(damaged, rulebook)
    result = Measure()
    for clean, bad, fixed in zip(paragraphs, damaged, cleaned):
        result.characters += len(clean)
        result.damaged += bad != clean
        result.before += Levenshtein.distance(clean, bad)
        result.after += Levenshtein.distance(clean, fixed)
    return result
