"""The rule engine's data side: load, validate and compile rule files.

A rule file is TOML with `[[rule]]` tables (see README, "Adding your own rule"). Rules run
in a documented order: by `priority` (default 0, lower first), then file name, then their
place in the file. A user rule with the id of a built-in one replaces it in place.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick_rs
import opencc
import regex
from rapidfuzz import fuzz, process

from .errors import RuleError, RuleErrors, RuleTimeout

BUILTIN_RULES = Path(__file__).resolve().parent / "rules"
if not BUILTIN_RULES.is_dir():  # a source checkout or editable install: rules/ is beside the package
    BUILTIN_RULES = Path(__file__).resolve().parent.parent / "rules"

SCOPES = frozenset(
    {"masthead", "banner", "headline", "subhead", "byline", "body", "caption", "credit", "all"}
)
LEVELS = frozenset({"safe", "unsafe"})
RULE_ID = regex.compile(r"[A-Za-z][\w.-]*")
TIMEOUT_SECONDS = 2.0

_COMMON_FIELDS = {"id", "description", "kind", "scope", "level", "priority", "example"}
_KIND_FIELDS = {
    "regex": {"pattern", "replacement"},
    "table": {"table", "table_file", "exceptions"},
    "lexicon": {"entries", "patterns", "threshold"},
    "script": {"convert", "max_share", "ambiguous"},
    "pairs": {"mark", "open", "close", "inside"},
    "layout": set(),
}
_EXAMPLE_FIELDS = {"text", "fixed", "scope"}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] by `after`. `unsafe` marks an edit less certain than its rule."""

    start: int
    end: int
    after: str
    unsafe: bool = False


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

    @property
    def builtin(self) -> bool:
        return Path(self.origin).parent == BUILTIN_RULES

    def applies_to(self, role: str) -> bool:
        return "all" in self.scope or role in self.scope

    def find(self, text: str) -> list[Edit]:
        """The edits this rule makes to one text, left to right, not overlapping."""
        return []

    def prepare(self, texts: list[str]) -> str | None:
        """Look at a whole issue before it runs; a returned message disables the rule there."""
        return None

    def fix(self, text: str) -> str:
        """The text with every edit of this rule applied (how examples are checked)."""
        for edit in reversed(self.find(text)):
            text = text[: edit.start] + edit.after + text[edit.end :]
        return text


@dataclass(slots=True)
class RegexRule(Rule):
    pattern: regex.Pattern | None = None
    replacement: str = ""
    # The same pattern with ^ and $ at line ends: how the engine scans many paragraphs at once.
    scanner: regex.Pattern | None = None

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
    exceptions: list[str] = field(default_factory=list)
    automaton: ahocorasick_rs.AhoCorasick | None = None
    keys: list[str] = field(default_factory=list)

    def compile(self) -> None:
        # Exceptions are searched with the entries: leftmost-longest matching lets an
        # exception that starts at or before a wrong string win over it (自己经营 keeps 己经).
        self.keys = list(self.table) + [e for e in self.exceptions if e not in self.table]
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )

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
        best = process.extractOne(_squeeze(text), self._keys, scorer=fuzz.ratio, score_cutoff=self.threshold)
        return self.entries[best[2]] if best else None

    def find(self, text: str) -> list[Edit]:
        canonical = self.recognise(text)
        if canonical is None or canonical == text:
            return []
        return [Edit(0, len(text), canonical)]


def _squeeze(text: str) -> str:
    return "".join(text.split())


@dataclass(slots=True)
class ScriptRule(Rule):
    """Stray traditional characters in a simplified text, converted word by word with OpenCC."""

    convert: str = "t2s"
    max_share: float = 0.25
    ambiguous: frozenset[str] = frozenset()
    converter: opencc.OpenCC | None = None
    # Character classes of thousands of members: the standard `re` compiles them to a bitmap
    # (about 1 GB/s); the `regex` module scans them at about 3 MB/s.
    changed: re.Pattern | None = None  # characters the conversion changes
    simplified: re.Pattern | None = None  # characters only simplified text uses

    def compile(self) -> None:
        self.converter = opencc.OpenCC(self.convert)
        changing, ambiguous, simplified_only = _script_tables(self.convert)
        self.ambiguous = self.ambiguous | ambiguous
        self.changed = re.compile("[" + re.escape("".join(sorted(changing))) + "]")
        self.simplified = re.compile("[" + re.escape("".join(sorted(simplified_only))) + "]")

    def prepare(self, texts: list[str]) -> str | None:
        traditional = sum(len(self.changed.findall(text)) for text in texts)
        if not traditional:
            return None  # the usual case: nothing to weigh
        simplified = sum(len(self.simplified.findall(text)) for text in texts)
        if traditional > self.max_share * (traditional + simplified):
            return (
                f"{traditional} traditional-only and {simplified} simplified-only characters: "
                f"the text is not overwhelmingly simplified, so {self.id} converts nothing"
            )
        return None

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
                piece = word[first : last + 1]
                unsafe = any(ch in self.ambiguous for ch in piece) or (
                    by_word[first : last + 1] != by_char[first : last + 1]
                )
                edits.append(
                    Edit(run.start() + first, run.start() + last + 1, by_word[first : last + 1], unsafe)
                )
        return edits


_HAN_RUN = regex.compile(r"\p{Han}+")


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
    """Characters the conversion changes; those among them that are also standard simplified
    characters (in GB2312), whose conversion depends on the word; and characters only
    simplified text uses (the reverse conversion changes them)."""
    chars = "".join(chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    converted = opencc.OpenCC(config).convert(chars)
    changing = frozenset(a for a, b in zip(chars, converted) if a != b)
    ambiguous = frozenset(ch for ch in changing if _in_gb2312(ch))
    reverse = opencc.OpenCC("s2t").convert(chars)
    simplified_only = frozenset(a for a, b in zip(chars, reverse) if a != b) - changing
    return changing, ambiguous, simplified_only


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(slots=True)
class PairsRule(Rule):
    """A straight mark used for both ends of a quotation ("…") made into its opening and
    closing forms (“…”). Marks pair up from the start of the text, and only when there are
    an even number of them, so a pair is never made across an unmatched mark."""

    mark: str = '"'
    open: str = "“"
    close: str = "”"
    inside: regex.Pattern | None = None  # what the quoted text must contain
    marks: re.Pattern | None = None

    def find(self, text: str) -> list[Edit]:
        positions = [m.start() for m in self.marks.finditer(text)]
        if not positions or len(positions) % 2:
            return []
        edits = []
        for start, end in zip(positions[::2], positions[1::2]):
            if self.inside.search(text, start + 1, end):
                edits += (Edit(start, start + 1, self.open), Edit(end, end + 1, self.close))
        return edits


@dataclass(slots=True)
class LayoutRule(Rule):
    """A rule about page structure (joins, moves, page furniture). Its logic is in the pipeline;
    its id, level and description are data so it can be listed, explained, selected, ignored."""


_RULE_CLASSES = {
    "regex": RegexRule,
    "table": TableRule,
    "lexicon": LexiconRule,
    "script": ScriptRule,
    "pairs": PairsRule,
    "layout": LayoutRule,
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


def load_file(path: Path) -> list[Rule]:
    """Every rule of one file; raises RuleErrors listing each problem as file:line."""
    shown = str(path)
    text, data = read_toml(path)
    locate = _Locator(text)
    errors: list[RuleError] = []
    unknown = set(data) - {"rule"}
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
    if errors:
        raise RuleErrors(errors)
    return rules


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
    rule = _RULE_CLASSES[kind](
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
        exceptions = entry.get("exceptions", [])
        if not isinstance(exceptions, list) or not all(isinstance(e, str) and e for e in exceptions):
            raise fail("exceptions", f"rule {rule.id}: `exceptions` must be a list of text")
        rule.table = table
        rule.exceptions = exceptions
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
        rule.compile()


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
        return [r for r in self.all_rules if isinstance(r, LexiconRule) and scope in r.scope]


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
    for folder in folders:
        if not folder.is_dir():
            errors.append(RuleError(str(folder), None, "rules folder does not exist"))
            continue
        seen_here: dict[str, Rule] = {}
        for path in rule_files(folder):
            try:
                rules = load_file(path)
            except RuleErrors as failure:
                errors.extend(failure.errors)
                continue
            for rule in rules:
                if rule.id in seen_here:
                    first = seen_here[rule.id]
                    errors.append(
                        RuleError(rule.origin, rule.line, f"rule {rule.id} is already defined at {first.origin}:{first.line}")
                    )
                    continue
                seen_here[rule.id] = rule
                ordered[rule.id] = rule
    return list(ordered.values()), errors


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
