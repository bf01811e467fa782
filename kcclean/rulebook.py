"""The rule engine's data side: load, validate and compile rule files.

A rule file is TOML with `[[rule]]` tables (see README, "Adding your own rule"). Rules run
in a documented order: by `priority` (default 0, lower first), then file name, then their
place in the file. A user rule with the id of a built-in one replaces it in place.
"""

from __future__ import annotations

import functools
import math
import re
import re._constants as _c
import re._parser as _re_parser
import tomllib
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import ahocorasick_rs
import opencc
import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .errors import RuleError, RuleErrors, RuleTimeout
from .evidence import covering_word, in_a_word, split_cost, word_table

BUILTIN_RULES = Path(__file__).resolve().parent / "rules"
if not BUILTIN_RULES.is_dir():  # a source checkout or editable install: rules/ is beside the package
    BUILTIN_RULES = Path(__file__).resolve().parent.parent / "rules"

SCOPES = frozenset(
    {"masthead", "banner", "headline", "subhead", "byline", "body", "caption", "credit", "all"}
)
LEVELS = frozenset({"safe", "unsafe"})
RULE_ID = regex.compile(r"[A-Za-z][\w.-]*")
TIMEOUT_SECONDS = 2.0

_COMMON_FIELDS = {"id", "description", "kind", "scope", "level", "priority", "example", "exceptions"}
_KIND_FIELDS = {
    "regex": {"pattern", "replacement"},
    "table": {"table", "table_file"},
    "lexicon": {"entries", "patterns", "threshold"},
    "script": {"convert", "max_share", "ambiguous", "name_before", "name_after"},
    "pairs": {"mark", "open", "close", "inside", "around"},
    "layout": set(),
    "confusion": {"groups", "groups_file", "min_frequency", "misread_where"},
}
_EXAMPLE_FIELDS = {"text", "fixed", "scope"}
# An [[exception]] of a rule file: a text in which another rule (any file's) must change nothing.
_EXCEPTION_FIELDS = {"rule", "text", "note"}


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


@dataclass(slots=True)
class Rule:
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

    @property
    def builtin(self) -> bool:
        return Path(self.origin).parent == BUILTIN_RULES

    def scopes_among(self, present: frozenset[str]) -> frozenset[str]:
        """Which of the present scopes the rule runs in."""
        return present if "all" in self.scope else present & self.scope

    def find(self, text: str) -> list[Edit]:
        """The edits this rule makes to one text, left to right, not overlapping."""
        return []

    def edits(self, text: str) -> list[Edit]:
        """`find`'s edits less those inside one of the rule's exceptions."""
        edits = self.find(text)
        if not self.exceptions or not edits:
            return edits
        return [edit for edit in edits if not _excepted(text, edit, self.exceptions)]

    def prepare(self, texts: list[str]) -> str | None:
        """Look at a whole issue before it runs; a returned message disables the rule there."""
        return None

    def may_change(self, text: str) -> bool:
        """False when a quick scan shows the rule has nothing to do in the text (it lacks a
        character every edit of the rule needs): the usual case for most rules and issues."""
        sites = self.edit_sites()
        return sites is None or sites.search(text) is not None

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
        certain than itself, which a default run only suggests (how examples are checked)."""
        for edit in reversed(self.edits(text)):
            if not edit.unsafe:
                text = text[: edit.start] + edit.after + text[edit.end :]
        return text


def _excepted(text: str, edit: Edit, exceptions: list[str]) -> bool:
    """Whether the edit lies inside an occurrence of one of the exceptions."""
    for exception in exceptions:
        # the first occurrence that ends at or after the edit's end covers the edit if it starts in time
        at = text.find(exception, max(0, edit.end - len(exception)))
        if at != -1 and at <= edit.start:
            return True
    return False


@dataclass(slots=True)
class RegexRule(Rule):
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


@dataclass(slots=True)
class TableRule(Rule):
    """A literal table matched in one pass, however many entries it has (Aho-Corasick)."""

    table: dict[str, str] = field(default_factory=dict)
    automaton: ahocorasick_rs.AhoCorasick | None = None
    keys: list[str] = field(default_factory=list)
    # the first characters of the entries that change something, as a `re` class: a text
    # without any of them (most texts, for a table of rare strings) is not scanned
    starts: re.Pattern | None = None

    def compile(self) -> None:
        # Exceptions are searched with the entries: leftmost-longest matching lets an
        # exception that starts at or before a wrong string win over it (自己经营 keeps 己经).
        self.keys = list(self.table) + [e for e in self.exceptions if e not in self.table]
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )
        firsts = sorted({key[0] for key, value in self.table.items() if key and value != key})
        self.starts = re.compile(f"[{re.escape(''.join(firsts))}]" if firsts else "(?!)")

    def edit_sites(self) -> re.Pattern | None:
        return self.starts

    def sites(self, joined: str) -> list[tuple[int, int]]:
        return [(start, end) for _, start, end in self.automaton.find_matches_as_indexes(joined)]

    def find(self, text: str) -> list[Edit]:
        table = self.table
        edits = []
        for index, start, end in self.automaton.find_matches_as_indexes(text):
            key = self.keys[index]
            if key in table and key not in self.exceptions and table[key] != key:
                edits.append(Edit(start, end, table[key]))
        return edits


@dataclass(slots=True)
class LexiconRule(Rule):
    """Known lines (masthead, banners) recognised fuzzily and restored to their canonical form."""

    entries: list[str] = field(default_factory=list)
    patterns: list[regex.Pattern] = field(default_factory=list)
    threshold: float = 90.0
    _keys: list[str] | None = None  # entries without spaces, as they are compared
    _any_pattern: regex.Pattern | None = None  # the patterns as one alternation

    def recognise(self, text: str, fuzzy: bool = True) -> str | None:
        """The canonical form of a whole line this lexicon knows, or None; with `fuzzy`
        false only lines it knows exactly."""
        if self.patterns and self._any_pattern.fullmatch(text):
            return text
        if text in self.entries:
            return text
        if not fuzzy:
            return None
        if self._keys is None:
            self._keys = [_squeeze(entry) for entry in self.entries]
        squeezed = _squeeze(text)
        best = process.extractOne(squeezed, self._keys, scorer=fuzz.ratio, score_cutoff=self.threshold)
        if best:
            return self.entries[best[2]]
        # OCR loses or adds a character or two: a short line may differ by one edit, a long
        # one by two (中共雷州市柯区委主办), never by a word (中共衢州市委主办 is another paper's)
        allowed = 1 if len(squeezed) < _TWO_EDITS_FROM else 2
        near = process.extractOne(squeezed, self._keys, scorer=Levenshtein.distance, score_cutoff=allowed)
        if near and len(squeezed) >= _FUZZY_SHORTEST:
            return self.entries[near[2]]
        if self._merged(squeezed):
            return text  # two known lines read as one: furniture, but nothing to restore
        return None

    def _merged(self, squeezed: str) -> bool:
        """Is the line two known lines run together (柯城发布运动柯城APP)?"""
        for key in self._keys:
            if squeezed.startswith(key) and squeezed[len(key) :] in self._keys:
                return True
        return False

    def find(self, text: str) -> list[Edit]:
        canonical = self.recognise(text)
        if canonical is None or canonical == text:
            return []
        return [Edit(0, len(text), canonical)]


# Lines shorter than this may differ from a known line by one edit, longer ones by two.
_TWO_EDITS_FROM = 9
_FUZZY_SHORTEST = 3


_HEAVENLY_STEMS = frozenset("甲乙丙丁戊己庚辛壬癸")
# A look-alike that makes a word rarer than min_frequency / this is not even suggested.
_TOO_RARE_TO_SUGGEST = 2
# A look-alike is taken for sure when the words around it are e^this (about 150) times as
# likely with it than as printed (and than with any other look-alike): twice the most any
# character of the clean fixtures, corpus and seeds gains from a look-alike (大干快上 → 大于, 2.7).
_SURE_GAIN = 5.0
# The same for a character no word holds as printed (团环 → 闭环, about 55 times): there the
# printed reading has no word to stand on, and no character of the clean texts is such a
# place where a look-alike makes a word at all.
_SURE_GAIN_FREE = 4.0
# Characters each side of a look-alike that its words are weighed in: a word of four
# covering it and one more beyond.
_GAIN_REACH = 4


def _gain(text: str, at: int, other: str) -> float:
    """How much likelier the words around `at` are with `other` there than as printed: the
    log of the ratio of the two likeliest splits into words (evidence.split_cost)."""
    start, end = max(0, at - _GAIN_REACH), at + _GAIN_REACH + 1
    return split_cost(text[start:end]) - split_cost(text[start:at] + other + text[at + 1 : end])


def _odds(gain: float) -> str:
    return f"{math.exp(gain):,.0f}"


def _squeeze(text: str) -> str:
    return "".join(text.split())


@dataclass(slots=True)
class ScriptRule(Rule):
    """Stray traditional characters in a simplified text, converted word by word with OpenCC.

    A conversion is only suggested (an unsafe edit) when it may be wrong: the character is
    also valid simplified text (in the 通用规范汉字表) and no known word supports the change,
    the result is not a standard character, the word's conversion depends on its
    neighbours, or the place looks like a name (`name_before`, `name_after`, or the
    character repeated the same way through the issue). A name-like place does not hold
    back a change that makes a known word out of characters no simplified text uses
    (沟溪鄉村 → 乡村: 鄉 is in no name of a simplified paper)."""

    convert: str = "t2s"
    max_share: float = 0.25
    ambiguous: frozenset[str] = frozenset()
    name_before: regex.Pattern | None = None  # searched in the text just before a conversion
    name_after: regex.Pattern | None = None  # matched at the text just after it
    converter: opencc.OpenCC | None = None
    # Character classes of thousands of members: the standard `re` compiles them to a bitmap
    # (about 1 GB/s); the `regex` module scans them at about 3 MB/s.
    changed: re.Pattern | None = None  # characters the conversion changes
    simplified: re.Pattern | None = None  # characters only simplified text uses
    valid: frozenset[str] = frozenset()  # changed characters that are also standard simplified
    repeated: frozenset[str] = frozenset()  # changed characters printed the same way throughout the issue

    def compile(self) -> None:
        self.converter = opencc.OpenCC(self.convert)
        changing, valid, simplified_only = _script_tables(self.convert)
        self.valid = valid
        self.changed = re.compile("[" + re.escape("".join(sorted(changing))) + "]")
        self.simplified = re.compile("[" + re.escape("".join(sorted(simplified_only))) + "]")

    def edit_sites(self) -> re.Pattern | None:
        return self.changed

    def prepare(self, texts: list[str]) -> str | None:
        self.repeated = frozenset()
        traditional = sum(len(self.changed.findall(text)) for text in texts)
        if not traditional:
            return None  # the usual case: nothing to weigh
        simplified = sum(len(self.simplified.findall(text)) for text in texts)
        if traditional > self.max_share * (traditional + simplified):
            return (
                f"{traditional} traditional-only and {simplified} simplified-only characters: "
                f"the text is not overwhelmingly simplified, so {self.id} converts nothing"
            )
        self.repeated = self._repeated_alike(texts)
        return None

    def _repeated_alike(self, texts: list[str]) -> frozenset[str]:
        """Changed characters seen at least `_NAME_REPEATS` times, always between the same
        neighbours: a name (a village, a person) printed the same way each time."""
        contexts: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        for text in texts:
            for match in self.changed.finditer(text):
                ch, at = match.group(), match.start()
                contexts.setdefault(ch, set()).add(text[max(0, at - 1) : at + 2])
                counts[ch] = counts.get(ch, 0) + 1
        return frozenset(ch for ch, n in counts.items() if n >= _NAME_REPEATS and len(contexts[ch]) == 1)

    def find(self, text: str) -> list[Edit]:
        edits = []
        for run in _HAN_RUN.finditer(text):
            word = run.group()
            if not self.changed.search(word):
                continue
            by_word = self.converter.convert(word)
            by_char = "".join(self.converter.convert(ch) for ch in word)
            if len(by_word) != len(word):
                edits.append(Edit(run.start(), run.end(), by_word, unsafe=True))
                continue
            differing = [i for i in range(len(word)) if by_word[i] != word[i]]
            for first, last in _spans(differing):
                start, end = run.start() + first, run.start() + last + 1
                after = by_word[first : last + 1]
                unsafe = after != by_char[first : last + 1] or self._doubtful(text, start, end, after)
                edits.append(Edit(start, end, after, unsafe))
        return edits

    def _doubtful(self, text: str, start: int, end: int, after: str) -> bool:
        """Whether converting text[start:end] to `after` may be wrong (see the class)."""
        piece = text[start:end]
        if any(ch in self.ambiguous for ch in piece):
            return True
        if not standard_characters().issuperset(new for ch, new in zip(piece, after) if ch != new):
            return True  # the result would be a character most fonts and readers lack
        supported = _word_supports(text, start, end, after)
        if all(ch in self.valid for ch, new in zip(piece, after) if ch != new) and not supported:
            return True  # valid simplified text as it stands (毕昇, 於 as a surname)
        if any(ch in self.repeated for ch in piece) and not supported:
            return True
        if supported and not any(ch in self.valid for ch in piece):
            return False  # 鄉村 → 乡村: a known word, and 鄉 is no simplified character, not even in a name
        before = text[max(0, start - _NAME_WINDOW) : start]
        return bool(
            (self.name_before and self.name_before.search(before))
            or (self.name_after and self.name_after.match(text, end, end + _NAME_WINDOW))
        )


_HAN_RUN = regex.compile(r"\p{Han}+")
_NAME_REPEATS = 3
_NAME_WINDOW = 8  # characters of context looked at for a name


@functools.cache
def standard_characters() -> frozenset[str]:
    """The 8,105 characters of the 通用规范汉字表 (2013), bundled (see data/NOTICE.txt)."""
    lines = resources.files("kcclean").joinpath("data/standard-chars.txt").read_text(encoding="utf-8")
    return frozenset(line.split("\t")[1] for line in lines.splitlines() if line and not line.startswith("#"))


def _word_supports(text: str, start: int, end: int, after: str) -> bool:
    """Whether the conversion makes a known word of two to four characters across the
    changed text that the original is not (徵收 → 征收, 位於 → 位于)."""
    from .evidence import word_table  # loaded only when a conversion is weighed

    words = word_table()
    converted = text[:start] + after + text[end:]
    for size in (2, 3, 4):
        for first in range(max(0, start - size + 1), min(end, len(text) - size + 1)):
            if converted[first : first + size] in words and text[first : first + size] not in words:
                return True
    return False


def _spans(positions: list[int], gap: int = 2) -> list[tuple[int, int]]:
    """Group positions that are at most `gap` apart: one reported word each."""
    spans: list[tuple[int, int]] = []
    for pos in positions:
        if spans and pos - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], pos)
        else:
            spans.append((pos, pos))
    return spans


@functools.cache
def _script_tables(config: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Characters the conversion changes; those among them that are also valid simplified
    characters (in the 通用规范汉字表), whose conversion depends on the word; and characters
    only simplified text uses (the reverse conversion changes them)."""
    chars = "".join(chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    converted = opencc.OpenCC(config).convert(chars)
    changing = frozenset(a for a, b in zip(chars, converted) if a != b)
    valid = changing & standard_characters()
    reverse = opencc.OpenCC("s2t").convert(chars)
    simplified_only = frozenset(a for a, b in zip(chars, reverse) if a != b) - changing
    return changing, valid, simplified_only


@dataclass(slots=True)
class PairsRule(Rule):
    """A straight mark used for both ends of a quotation ("…") made into its opening and
    closing forms (“…”). Marks pair up from the start of the text, and only when there are
    an even number of them, so a pair is never made across an unmatched mark. A pair is
    made when the quoted text matches `inside`, or when the character just before it or
    just after it matches `around` (Chinese prose around "141" makes it “141”)."""

    mark: str = '"'
    open: str = "“"
    close: str = "”"
    inside: regex.Pattern | None = None  # what the quoted text must contain
    around: regex.Pattern | None = None  # or what must stand next to the pair, outside it
    marks: re.Pattern | None = None

    def edit_sites(self) -> re.Pattern | None:
        return self.marks

    def find(self, text: str) -> list[Edit]:
        positions = [m.start() for m in self.marks.finditer(text)]
        if not positions or len(positions) % 2:
            return []
        edits = []
        for start, end in zip(positions[::2], positions[1::2]):
            if self.inside.search(text, start + 1, end) or self._in_context(text, start, end):
                edits += (Edit(start, start + 1, self.open), Edit(end, end + 1, self.close))
        return edits

    def _in_context(self, text: str, start: int, end: int) -> bool:
        if self.around is None:
            return False
        return bool(
            (start and self.around.fullmatch(text, start - 1, start))
            or (end + 1 < len(text) and self.around.fullmatch(text, end + 1, end + 2))
        )


@dataclass(slots=True)
class LayoutRule(Rule):
    """A rule about page structure (joins, moves, page furniture). Its logic is in the pipeline;
    its id, level and description are data so it can be listed, explained, selected, ignored."""


@dataclass(frozen=True, slots=True)
class ConfusionGroup:
    """Characters that look alike: OCR or an input method printed one of `read` where one
    of `meant` belongs. Most groups go both ways (己已巳: read and meant the same); OCR
    reads a rare character as a common one, not back (面→衢: 面 may be a misread 衢)."""

    read: str
    meant: str
    safe: bool  # False: a fix among these is only ever suggested (人/入 both stand alone)


@dataclass(slots=True)
class ConfusionRule(Rule):
    """Look-alike characters put right where the dictionary says so: a character is replaced
    by one of its look-alikes only when no word of the bundled word list covers it as printed
    and a word does with the look-alike (工作己经完成: no word holds 己, 已经 does). Every
    word of two to four characters around the character counts, so 自己经营 keeps its 己
    (自己 is a word). A fix is only suggested when the word found is rare, when two
    look-alikes would both make words, or when its group is marked unsafe, unless the
    words around read far likelier with the look-alike (`_SURE_GAIN`); that is also the
    only way a character a word holds as printed is changed (负贵人 → 负责人: 贵人 is a word)."""

    groups: list[ConfusionGroup] = field(default_factory=list)
    min_frequency: int = 100  # the word a safe fix makes is at least this common
    alone_ratio: int = 100  # with no word either way: how much more common the look-alike must be
    # Matched at a character: where it never stands on its own (于 before a comma needs an
    # object). Held by no word there, it is taken for its look-alike for sure.
    misread_where: regex.Pattern | None = None
    alternatives: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    candidates: re.Pattern | None = None  # every character of every group, one class
    # per character of a group, printed or meant: the left and the right neighbours that make
    # a word of two with it (from the word list, on first need)
    _partners: dict[str, tuple[frozenset[str], frozenset[str]]] | None = field(default=None, repr=False, compare=False)

    def compile(self) -> None:
        alternatives: dict[str, list[tuple[str, bool]]] = {}
        for group in self.groups:
            for ch in group.read:
                others = alternatives.setdefault(ch, [])
                others += [(other, group.safe) for other in group.meant if other != ch]
        self.alternatives = alternatives
        self.candidates = re.compile("[" + re.escape("".join(sorted(alternatives))) + "]")

    def edit_sites(self) -> re.Pattern | None:
        return self.candidates

    def sites(self, joined: str) -> list[tuple[int, int]]:
        # Most look-alikes in a text are quiet (国, 间, 所 in their words): `find` changes a
        # text only where one is not. A newline is in no word, so a quiet character of the
        # joined texts is quiet in its own text.
        return [(at, at + 1) for at in (m.start() for m in self.candidates.finditer(joined)) if not self._quiet(joined, at)]

    def find(self, text: str) -> list[Edit]:
        # One fix can give a neighbour its word (未曰日: 曰→日 makes 日日, then 未…), so the
        # safe fixes are made in the text as they are found and their neighbours weighed
        # again, each character changed at most once; the rest are only suggested.
        hits = [match.start() for match in self.candidates.finditer(text)]
        if not hits:
            return []
        chars = list(text)
        weighed: dict[int, Edit | None] = {}
        fixed: set[int] = set()
        pending = hits
        while pending:
            working = text if not fixed else "".join(chars)
            made = []
            for at in pending:
                edit = weighed[at] = self._weigh(working, at)
                if edit and not edit.unsafe:
                    fixed.add(at)
                    chars[at] = edit.after
                    made.append(at)
                    working = "".join(chars)
            pending = [at for at in hits if at not in fixed and any(abs(at - m) <= 3 for m in made)]
        return [weighed[at] for at in hits if weighed[at]]

    def _pairs_up(self, text: str, at: int, ch: str) -> bool:
        """Whether `ch` at `at` makes a word of two characters with a neighbour."""
        if self._partners is None:
            self._partners = self._word_partners()
        left, right = self._partners.get(ch, (frozenset(), frozenset()))
        return (at > 0 and text[at - 1] in left) or text[at + 1 : at + 2] in right

    def _word_partners(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        wanted = set(self.alternatives) | {other for others in self.alternatives.values() for other, _ in others}
        lefts: dict[str, set[str]] = {ch: set() for ch in wanted}
        rights: dict[str, set[str]] = {ch: set() for ch in wanted}
        for word in word_table():
            if len(word) == 2:
                if word[1] in lefts:
                    lefts[word[1]].add(word[0])
                if word[0] in rights:
                    rights[word[0]].add(word[1])
        return {ch: (frozenset(lefts[ch]), frozenset(rights[ch])) for ch in wanted}

    def _quiet(self, text: str, at: int) -> bool:
        """Whether the character at `at` stands in a word of two with a neighbour and none of
        its look-alikes would make one: `_weigh` would find nothing, and most characters of a
        group (国, 间, 所…) are such. A few set look-ups instead of the weighing."""
        printed = text[at]
        return self._pairs_up(text, at, printed) and not any(self._pairs_up(text, at, other) for other, _ in self.alternatives[printed])

    def _weigh(self, text: str, at: int) -> Edit | None:
        """The fix of the character at `at`, weighed on the word list, or None."""
        if self._quiet(text, at):
            return None
        printed = text[at]
        if printed in text[max(0, at - 2) : at] + text[at + 1 : at + 3]:
            return None  # doubled (——, 人人) or parallel (入脑入心, 人山人海): written on purpose
        held = in_a_word(text, at)
        alternatives = self.alternatives.get(printed, ())
        if held:
            # Most characters are held: weigh only a look-alike that makes a word of two with a
            # neighbour (负贵人: 负责), two look-ups instead of a search.
            alternatives = [(other, safe) for other, safe in alternatives if self._pairs_up(text, at, other)]
        found = []  # (gain, frequency, word, start, look-alike, safe)
        for other, safe in alternatives:
            covering = covering_word(text, at, other)
            if covering:
                word, frequency, start = covering
                found.append((_gain(text, at, other), frequency, word, start, other, safe))
        telling = not held and self.misread_where is not None and self.misread_where.match(text, at)
        if not found:
            return None if held else self._weigh_alone(text, at, bool(telling))
        found.sort(reverse=True)
        gain, frequency, word, start, other, safe = found[0]
        bar = _SURE_GAIN if held else _SURE_GAIN_FREE
        sure = gain >= bar and (len(found) == 1 or found[1][0] <= gain - bar)
        sure = sure or (bool(telling) and len(found) == 1)
        window = text[start : start + len(word)]
        if held:
            # The text makes words as printed too (负贵人: 贵人): only a far likelier reading wins.
            if not sure:
                return None
            evidence = (
                f"{window} → {word}: {word!r} is a word (freq {frequency}); the words around read "
                f"{_odds(gain)} times as likely with {other!r} as with {printed!r}"
            )
            return Edit(at, at + 1, other, not safe, evidence)
        if frequency < self.min_frequency // _TOO_RARE_TO_SUGGEST and not sure:
            return None  # a word this rare (的土 → 的士) is no evidence at all
        rivals = {f[4] for f in found}
        unsafe = not safe or (not sure and (frequency < self.min_frequency or len(rivals) > 1))
        evidence = f"{window} → {word}: {word!r} is a word (freq {frequency}), {window!r} is not, nor any word around {printed!r}"
        if len(rivals) > 1:
            evidence += f"; {' and '.join(sorted(rivals))} would both make words"
        if telling and (frequency < self.min_frequency or len(rivals) > 1):
            evidence += f"; {printed!r} never stands there on its own ({self.misread_where.pattern})"
        elif sure and (frequency < self.min_frequency or len(rivals) > 1):
            evidence += f"; the words around read {_odds(gain)} times as likely with {other!r}"
        return Edit(at, at + 1, other, unsafe, evidence)

    def _weigh_alone(self, text: str, at: int, telling: bool) -> Edit | None:
        """No word holds the character either way (全区巳引进): a look-alike that is far more
        common as a word of its own is the likelier reading (已 is 213 times as common as 巳),
        and so is the look-alike where the character never stands alone (`misread_where`)."""

        table = word_table()
        printed = text[at]
        if at and text[at - 1] in _HEAVENLY_STEMS:
            return None  # a year of the sexagenary cycle (乙巳年): the rare character is right
        alone = table.get(printed, 1)
        found = sorted((table.get(other, 0), other, safe) for other, safe in self.alternatives[printed])
        frequency, other, safe = found[-1]
        if telling and len(found) == 1:
            evidence = (
                f"no word holds {printed!r} or {other!r} here, and {printed!r} never stands there "
                f"on its own ({self.misread_where.pattern})"
            )
            return Edit(at, at + 1, other, not safe, evidence)
        if frequency < self.alone_ratio * alone or (len(found) > 1 and found[-2][0] >= self.alone_ratio * alone):
            return None
        evidence = (
            f"no word holds {printed!r} or {other!r} here; {other!r} alone is {frequency // alone} times "
            f"as common as {printed!r} (freq {frequency} against {alone})"
        )
        return Edit(at, at + 1, other, not safe, evidence)


_RULE_CLASSES = {
    "regex": RegexRule,
    "table": TableRule,
    "lexicon": LexiconRule,
    "script": ScriptRule,
    "pairs": PairsRule,
    "layout": LayoutRule,
    "confusion": ConfusionRule,
}


# --- loading ------------------------------------------------------------------------------


class _Locator:
    """Line numbers for a TOML rule file (tomllib gives none for values)."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.rule_lines = [i + 1 for i, l in enumerate(self.lines) if l.strip() == "[[rule]]"]

    def rule(self, index: int) -> int:
        return self.rule_lines[index] if index < len(self.rule_lines) else 1

    def _end(self, index: int) -> int:
        return self.rule_lines[index + 1] if index + 1 < len(self.rule_lines) else len(self.lines) + 1

    def key(self, index: int, key: str) -> int:
        start = self.rule(index)
        for number in range(start, self._end(index)):
            stripped = self.lines[number - 1].lstrip()
            if stripped.startswith(key) and stripped[len(key) :].lstrip().startswith("="):
                return number
        return start

    def example(self, index: int, nth: int) -> int:
        seen = -1
        for number in range(self.rule(index), self._end(index)):
            if self.lines[number - 1].strip() == "[[rule.example]]":
                seen += 1
                if seen == nth:
                    return number
        return self.rule(index)


def read_toml(path: Path) -> tuple[str, dict]:
    """A TOML file's text and data; a problem is a RuleErrors naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleErrors([RuleError(str(path), None, f"cannot be read: {error}")]) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = None
        found = regex.search(r"\(at (?:line (\d+), column \d+|end of document)\)", message)
        if found:
            line = int(found.group(1)) if found.group(1) else text.count("\n") + 1
            message = message[: found.start()].strip()
        raise RuleErrors([RuleError(str(path), line, f"TOML syntax: {message}")]) from None


@dataclass(frozen=True, slots=True)
class RuleException:
    """An `[[exception]]` of a rule file: `text` in which rule `rule` must change nothing
    (how a fix rejected in the report becomes data). It is added to the rule's `exceptions`;
    `kcclean rules test` checks that the rule would change the text without it."""

    rule: str
    text: str
    origin: str
    line: int


def load_file(path: Path) -> list[Rule]:
    """Every rule of one file; raises RuleErrors listing each problem as file:line."""
    return load_entries(path)[0]


def load_entries(path: Path) -> tuple[list[Rule], list[RuleException]]:
    """The rules and the exceptions (of rules of any file) in one file; raises RuleErrors
    listing each problem as file:line."""
    shown = str(path)
    text, data = read_toml(path)
    locate = _Locator(text)
    errors: list[RuleError] = []
    unknown = set(data) - {"rule", "exception"}
    if unknown:
        errors.append(RuleError(shown, 1, f"unknown top-level key(s): {', '.join(sorted(unknown))}"))
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        errors.append(RuleError(shown, 1, "`rule` must be written as [[rule]] tables"))
        entries = []
    rules = []
    for index, entry in enumerate(entries):
        try:
            rules.append(_build(entry, index, path, locate))
        except RuleError as error:
            errors.append(error)
    exceptions = []
    lines = [i + 1 for i, l in enumerate(locate.lines) if l.strip() == "[[exception]]"]
    listed = data.get("exception", [])
    for index, entry in enumerate(listed if isinstance(listed, list) else [None]):
        line = lines[index] if index < len(lines) else 1
        if not isinstance(entry, dict) or set(entry) - _EXCEPTION_FIELDS or not all(
            isinstance(entry.get(key), str) and entry[key] for key in ("rule", "text")
        ):
            errors.append(RuleError(shown, line, "an [[exception]] needs `rule` (an id) and `text` (and may have a `note`)"))
            continue
        exceptions.append(RuleException(entry["rule"], entry["text"], shown, line))
    if errors:
        raise RuleErrors(errors)
    return rules, exceptions


def _build(entry: dict, index: int, path: Path, locate: _Locator) -> Rule:
    shown = str(path)

    def fail(key: str | None, problem: str) -> RuleError:
        line = locate.key(index, key) if key else locate.rule(index)
        return RuleError(shown, line, problem)

    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise fail("id", "every rule needs an `id` like \"punct.comma-width\" (letters, digits, . - _)")
    kind = entry.get("kind")
    if kind not in _KIND_FIELDS:
        raise fail("kind", f"rule {rule_id}: `kind` must be one of {', '.join(_KIND_FIELDS)}")
    unknown = set(entry) - _COMMON_FIELDS - _KIND_FIELDS[kind]
    if unknown:
        first = sorted(unknown)[0]
        raise fail(first, f"rule {rule_id}: unknown field(s) for a {kind} rule: {', '.join(sorted(unknown))}")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("description", f"rule {rule_id}: `description` (why the rule exists) is required")
    scope = entry.get("scope", ["body"])
    if isinstance(scope, str):
        scope = [scope]
    if not isinstance(scope, list) or not scope or set(scope) - SCOPES:
        raise fail("scope", f"rule {rule_id}: `scope` must be a list of {', '.join(sorted(SCOPES))}")
    level = entry.get("level", "safe")
    if level not in LEVELS:
        raise fail("level", f"rule {rule_id}: `level` must be \"safe\" or \"unsafe\"")
    priority = entry.get("priority", 0)
    if not isinstance(priority, int):
        raise fail("priority", f"rule {rule_id}: `priority` must be a whole number")
    examples = []
    for nth, example in enumerate(entry.get("example", [])):
        line = locate.example(index, nth)
        if not isinstance(example, dict) or not isinstance(example.get("text"), str):
            raise RuleError(shown, line, f"rule {rule_id}: an example needs `text`")
        extra = set(example) - _EXAMPLE_FIELDS
        if extra:
            raise RuleError(shown, line, f"rule {rule_id}: unknown example field(s): {', '.join(sorted(extra))}")
        fixed = example.get("fixed")
        if fixed is not None and not isinstance(fixed, str):
            raise RuleError(shown, line, f"rule {rule_id}: example `fixed` must be text")
        example_scope = example.get("scope")
        if example_scope is not None and example_scope not in SCOPES:
            raise RuleError(shown, line, f"rule {rule_id}: example scope {example_scope!r} is not a scope")
        examples.append(Example(example["text"], fixed, line, example_scope))
    exceptions = entry.get("exceptions", [])
    if not isinstance(exceptions, list) or not all(isinstance(e, str) and e for e in exceptions):
        raise fail("exceptions", f"rule {rule_id}: `exceptions` must be a list of text")
    if exceptions and kind in ("layout", "lexicon"):
        raise fail("exceptions", f"rule {rule_id}: `exceptions` are for text rules, not {kind} rules")
    rule = _RULE_CLASSES[kind](
        exceptions=list(exceptions),
        id=rule_id,
        description=" ".join(description.split()),
        kind=kind,
        scope=frozenset(scope),
        level=level,
        priority=priority,
        origin=shown,
        line=locate.rule(index),
        examples=examples,
    )
    _compile_kind(rule, entry, path, fail)
    return rule


def _compile_regex(source: object, rule_id: str, key: str, fail) -> regex.Pattern:
    if not isinstance(source, str) or not source:
        raise fail(key, f"rule {rule_id}: `{key}` must be a non-empty regular expression")
    try:
        return regex.compile(source)
    except regex.error as error:
        raise fail(key, f"rule {rule_id}: bad regular expression: {error}") from None


def _compile_kind(rule: Rule, entry: dict, path: Path, fail) -> None:
    if isinstance(rule, RegexRule):
        rule.pattern = _compile_regex(entry.get("pattern"), rule.id, "pattern", fail)
        rule.scanner = regex.compile(rule.pattern.pattern, regex.MULTILINE)
        rule.trigger = trigger_of(rule.pattern.pattern)
        replacement = entry.get("replacement")
        if not isinstance(replacement, str):
            raise fail("replacement", f"rule {rule.id}: `replacement` (text, may be \"\") is required")
        try:
            rule.pattern.sub(replacement, "")
            _check_template(rule.pattern, replacement)
        except (regex.error, IndexError) as error:
            raise fail("replacement", f"rule {rule.id}: bad replacement: {error}") from None
        rule.replacement = replacement
    elif isinstance(rule, TableRule):
        table = entry.get("table")
        table_file = entry.get("table_file")
        if (table is None) == (table_file is None):
            raise fail("table", f"rule {rule.id}: give exactly one of `table` or `table_file`")
        if table_file is not None:
            table = _read_tsv(path.parent / table_file, rule.id, fail)
        if not isinstance(table, dict) or not table or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in table.items()
        ):
            raise fail("table", f"rule {rule.id}: `table` must map non-empty text to text")
        rule.table = table
        rule.compile()
    elif isinstance(rule, LexiconRule):
        entries = entry.get("entries", [])
        if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
            raise fail("entries", f"rule {rule.id}: `entries` must be a list of text")
        patterns = entry.get("patterns", [])
        if not isinstance(patterns, list):
            raise fail("patterns", f"rule {rule.id}: `patterns` must be a list of regular expressions")
        if not entries and not patterns:
            raise fail("entries", f"rule {rule.id}: a lexicon needs `entries` or `patterns`")
        threshold = entry.get("threshold", 90)
        if not isinstance(threshold, (int, float)) or not 50 <= threshold <= 100:
            raise fail("threshold", f"rule {rule.id}: `threshold` must be a score from 50 to 100")
        rule.entries = entries
        rule.patterns = [_compile_regex(p, rule.id, "patterns", fail) for p in patterns]
        rule._any_pattern = regex.compile("|".join(f"(?:{p.pattern})" for p in rule.patterns)) if patterns else None
        rule.threshold = float(threshold)
    elif isinstance(rule, PairsRule):
        for key in ("mark", "open", "close"):
            value = entry.get(key)
            if not isinstance(value, str) or len(value) != 1:
                raise fail(key, f"rule {rule.id}: `{key}` must be one character")
        rule.mark, rule.open, rule.close = entry["mark"], entry["open"], entry["close"]
        rule.inside = _compile_regex(entry.get("inside", r"\p{Han}"), rule.id, "inside", fail)
        if "around" in entry:
            rule.around = _compile_regex(entry["around"], rule.id, "around", fail)
        rule.marks = re.compile(re.escape(rule.mark))
    elif isinstance(rule, ScriptRule):
        convert = entry.get("convert", "t2s")
        if convert not in ("t2s", "tw2s", "hk2s"):
            raise fail("convert", f"rule {rule.id}: `convert` must be t2s, tw2s or hk2s")
        share = entry.get("max_share", 0.25)
        if not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise fail("max_share", f"rule {rule.id}: `max_share` must be a fraction from 0 to 1")
        ambiguous = entry.get("ambiguous", "")
        if not isinstance(ambiguous, str):
            raise fail("ambiguous", f"rule {rule.id}: `ambiguous` must be a string of characters")
        rule.convert = convert
        rule.max_share = float(share)
        rule.ambiguous = frozenset(ambiguous.replace(" ", ""))
        for key in ("name_before", "name_after"):
            if key in entry:
                setattr(rule, key, _compile_regex(entry[key], rule.id, key, fail))
        rule.compile()
    elif isinstance(rule, ConfusionRule):
        groups = entry.get("groups", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise fail("groups", f"rule {rule.id}: `groups` must be a list of look-alike characters (\"己已巳\", \"面衡→衢\")")
        rule.groups = [_confusion_group(g, True, rule.id, fail) for g in groups]
        if "groups_file" in entry:
            rule.groups += _read_confusion_groups(path.parent / str(entry["groups_file"]), rule.id, fail)
        if not rule.groups:
            raise fail("groups", f"rule {rule.id}: a confusion rule needs `groups` or `groups_file`")
        frequency = entry.get("min_frequency", 100)
        if not isinstance(frequency, int) or frequency < 0:
            raise fail("min_frequency", f"rule {rule.id}: `min_frequency` must be a whole number")
        rule.min_frequency = frequency
        if "misread_where" in entry:
            rule.misread_where = _compile_regex(entry["misread_where"], rule.id, "misread_where", fail)
        rule.compile()


# Pattern syntax of the `regex` module that `re` would misread, or that makes a literal
# optional: fuzzy matching ({e<=1}), inline flags ((?i)), named lists and the like.
_NOT_PLAIN = regex.compile(r"\{[\d\s]*[eids]|\(\?(?![:=!<P>#])|\\[LNXmM]")
# \G (where the last match ended) only narrows where a match may start: read as nothing, the
# pattern matches more, so a character every match needs is still needed
_SEARCH_ANCHOR = regex.compile(r"(?<!\\)((?:\\\\)*)\\G")
_PROPERTY = regex.compile(r"\\[pP](?:\{[^}]*\}|[A-Za-z])")
_LARGEST_CLASS = 4096  # a wider class (\p{Han}) is no use as a trigger


def trigger_of(pattern: str) -> re.Pattern | None:
    """A `re` character class such that every match of the pattern contains one of its
    characters (so text with none of them cannot match), or None when that cannot be told.

    The pattern is parsed with `re`'s own parser, `\\p{..}` classes read as "any character";
    a construct only `regex` knows makes it None, never a wrong class.
    """
    if _NOT_PLAIN.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # re's FutureWarning on "[[": the pattern is regex's
            parsed = _re_parser.parse(_without_properties(_SEARCH_ANCHOR.sub(r"\1", pattern)))
    except (re.error, RecursionError, OverflowError):
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    chars = _required(parsed.data)
    if not chars:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _without_properties(pattern: str) -> str:
    """The pattern with each `\\p{..}` / `\\P{..}` read as any character, in a class or not."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if found := _PROPERTY.match(pattern, i):
                out.append(r"\x00-\U0010ffff" if in_class else r"[\x00-\U0010ffff]")
                i = found.end()
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(ch)
        i += 1
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            for literal in ("^", "]"):  # [^…] and a ] first in the class are part of it
                if pattern.startswith(literal, i):
                    out.append(literal)
                    i += 1
    return "".join(out)


def _required(items: list) -> set[str] | None:
    """The smallest set of characters one of which every match of this sequence consumes."""
    best = None
    for op, value in items:
        found = None
        if op is _c.LITERAL:
            found = {chr(value)}
        elif op is _c.IN:
            found = _class_chars(value)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and value[0] >= 1:
            found = _required(value[2].data)
        elif op is _c.SUBPATTERN and not value[1] and not value[2]:
            found = _required(value[3].data)
        elif op is _c.ATOMIC_GROUP:
            found = _required(value.data)
        elif op is _c.BRANCH:
            branches = [_required(branch.data) for branch in value[1]]
            if all(branch is not None for branch in branches):
                found = set().union(*branches)
        if found is not None and (best is None or len(found) < len(best)):
            best = found
    return best


def _class_chars(items: list) -> set[str] | None:
    chars: set[str] = set()
    for op, value in items:
        if op is _c.LITERAL:
            chars.add(chr(value))
        elif op is _c.RANGE and value[1] - value[0] < _LARGEST_CLASS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:  # a negated class, a category (\d, \s), a huge range
            return None
        if len(chars) > _LARGEST_CLASS:
            return None
    return chars


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


def _read_tsv(path: Path, rule_id: str, fail) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise fail("table_file", f"rule {rule_id}: cannot read table file {path}: {error}") from None
    table: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0]:
            raise RuleError(str(path), number, f"rule {rule_id}: expected `wrong<TAB>right`")
        if fields[0] in table:
            raise RuleError(str(path), number, f"rule {rule_id}: {fields[0]!r} is listed twice")
        table[fields[0]] = fields[1]
    return table


def _confusion_group(chars: str, safe: bool, rule_id: str, fail) -> ConfusionGroup:
    """A group written `己已巳` (each may stand for each other) or `面衡→衢` (each on the
    left may be a misread character on the right)."""
    read, _, meant = "".join(chars.split()).partition("→")
    meant = meant or read
    if not read or not meant or len(set(read + meant)) < 2:
        raise fail("groups", f"rule {rule_id}: a confusion group is two or more different characters (己已巳 or 面衡→衢), not {chars!r}")
    return ConfusionGroup(read, meant, safe)


def _read_confusion_groups(path: Path, rule_id: str, fail) -> list[ConfusionGroup]:
    """Groups from a file: `characters[<TAB>safe|unsafe[<TAB>note]]` a line, # comments."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise fail("groups_file", f"rule {rule_id}: cannot read groups file {path}: {error}") from None
    groups = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        level = fields[1].strip() if len(fields) > 1 and fields[1].strip() else "safe"
        if level not in LEVELS:
            raise RuleError(str(path), number, f"rule {rule_id}: the level after the characters must be safe or unsafe")

        def at_line(key: str, problem: str, number: int = number) -> RuleError:
            return RuleError(str(path), number, problem)

        groups.append(_confusion_group(fields[0], level == "safe", rule_id, at_line))
    return groups


# --- a set of rules for a run -----------------------------------------------------------


@dataclass(slots=True)
class Settings:
    """What a user chose: from the command line, `kcclean.toml` or `[tool.kcclean]`."""

    rule_dirs: list[Path] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    unsafe: bool | frozenset[str] = False  # True: every unsafe rule; a set: those ids or prefixes


def matches(rule_id: str, codes: list[str]) -> bool:
    """A rule is named by its id or by a dotted prefix of it (`punct` names `punct.comma-width`)."""
    return any(rule_id == code or rule_id.startswith(code.rstrip(".") + ".") for code in codes)


class Rulebook:
    """The rules of one run, in the order they apply, with the user's selection."""

    def __init__(self, rules: list[Rule], settings: Settings):
        self.settings = settings
        self.all_rules = sorted(rules, key=lambda r: r.priority)  # stable: file order kept
        self.by_id = {rule.id: rule for rule in self.all_rules}
        self.rules = [r for r in self.all_rules if self.active(r.id)]
        self.text_rules = [r for r in self.rules if not isinstance(r, (LexiconRule, LayoutRule))]
        self._lexicons: dict[str, list[LexiconRule]] = {}

    def active(self, rule_id: str) -> bool:
        select, ignore = self.settings.select, self.settings.ignore
        return (not select or matches(rule_id, select)) and not matches(rule_id, ignore)

    def level(self, rule_id: str) -> str:
        rule = self.by_id.get(rule_id)
        return rule.level if rule else "safe"

    def applies(self, rule_id: str, unsafe_edit: bool = False) -> bool:
        """Whether a change of this rule is applied (True) or only suggested (False)."""
        unsafe = self.settings.unsafe
        if self.level(rule_id) == "safe" and not unsafe_edit:
            return True
        return unsafe is True or (isinstance(unsafe, frozenset) and matches(rule_id, list(unsafe)))

    def lexicons(self, scope: str) -> list[LexiconRule]:
        """Every lexicon of a scope, selected or not: they say how the page is laid out;
        --select and --ignore only decide whether their corrections are made."""
        if scope not in self._lexicons:  # asked for on every page
            self._lexicons[scope] = [r for r in self.all_rules if isinstance(r, LexiconRule) and scope in r.scope]
        return self._lexicons[scope]


def portable_origin(origin: str) -> str:
    """A rule file named the same on every machine (for report.json): `builtin:10-stray.toml`
    for a built-in rule, else its path below the working folder, or its folder and name."""
    path = Path(origin)
    if path.parent == BUILTIN_RULES:
        return f"builtin:{path.name}"
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def rule_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def load_rules(folders: list[Path]) -> tuple[list[Rule], list[RuleError]]:
    """Every rule of these folders (later folders override earlier ids in place), and every
    problem found; a broken file does not stop the others from loading."""
    ordered: dict[str, Rule] = {}
    errors: list[RuleError] = []
    exceptions: list[RuleException] = []
    for folder in folders:
        if not folder.is_dir():
            errors.append(RuleError(str(folder), None, "rules folder does not exist"))
            continue
        seen_here: dict[str, Rule] = {}
        for path in rule_files(folder):
            try:
                rules, excepted = load_entries(path)
            except RuleErrors as failure:
                errors.extend(failure.errors)
                continue
            exceptions.extend(excepted)
            for rule in rules:
                if rule.id in seen_here:
                    first = seen_here[rule.id]
                    errors.append(
                        RuleError(rule.origin, rule.line, f"rule {rule.id} is already defined at {first.origin}:{first.line}")
                    )
                    continue
                seen_here[rule.id] = rule
                ordered[rule.id] = rule
    errors.extend(add_exceptions(ordered, exceptions))
    return list(ordered.values()), errors


def add_exceptions(rules: dict[str, Rule], exceptions: list[RuleException]) -> list[RuleError]:
    """Give each rule its exceptions; the problems, for an exception of no rule or of a
    layout rule."""
    errors = []
    for exception in exceptions:
        rule = rules.get(exception.rule)
        if rule is None or isinstance(rule, (LayoutRule, LexiconRule)):
            problem = "no rule is named" if rule is None else "exceptions are for text rules, not the layout rule"
            errors.append(RuleError(exception.origin, exception.line, f"[[exception]]: {problem} {exception.rule}"))
            continue
        if exception.text in rule.exceptions:
            continue
        rule.exceptions.append(exception.text)
        if isinstance(rule, TableRule):
            rule.compile()
    return errors


def with_review(book: Rulebook, path: Path) -> Rulebook:
    """The rulebook with a review file's rules and exceptions added (`kcclean fix --review`).
    A review file, as report.html exports it, is an ordinary rule file: `[[exception]]`s for
    the fixes rejected and `[[rule]]`s for the suggestions accepted and the rules made in it."""
    rules, exceptions = load_entries(path)
    ordered = {rule.id: rule for rule in book.all_rules}
    for rule in rules:
        ordered[rule.id] = rule
    errors = add_exceptions(ordered, exceptions)
    for rule in rules:
        errors.extend(example_failures(rule))
    if errors:
        raise RuleErrors(errors)
    return Rulebook(list(ordered.values()), book.settings)


def load_rulebook(settings: Settings | None = None) -> Rulebook:
    """The built-in rules plus the user's folders; raises RuleErrors on any problem,
    including a rule whose own examples fail."""
    settings = settings or Settings()
    rules, errors = load_rules([BUILTIN_RULES, *settings.rule_dirs])
    for rule in rules:
        errors.extend(example_failures(rule))
    if errors:
        raise RuleErrors(errors)
    known = {rule.id for rule in rules}
    named = settings.select + settings.ignore + sorted(settings.unsafe if isinstance(settings.unsafe, frozenset) else ())
    unknown = [c for c in named if not any(matches(i, [c]) for i in known)]
    if unknown:
        raise RuleErrors([RuleError("settings", None, f"no rule is named {', '.join(unknown)}")])
    return Rulebook(rules, settings)


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
        if got != expected:
            failures.append(
                RuleError(
                    rule.origin,
                    example.line,
                    f"rule {rule.id}: example {example.text!r} gives {got!r}, expected {expected!r}",
                )
            )
    return failures
