"""The rules: what kinds there are (one module each), how rule files are read, the rulebook
of a run (settings, selection, applied or suggested), and the engine that runs the text
rules over an issue. A rule is data; adding one never needs Python."""

from .base import Edit, Example, Rule
from .confusion import ConfusionRule
from .layout import BREAK_DECISIONS, LINE_DECISIONS, MOVE_DECISIONS, LayoutDecision, LayoutRule, LayoutRuleId
from .lexicon import LexiconRule
from .loader import (
    BUILTIN_RULES,
    KINDS,
    is_builtin,
    load_file,
    load_rules,
    portable_origin,
    read_toml,
)
from .mojibake import MojibakeRule
from .pairs import PairsRule
from .pattern import RegexRule
from .protect import ProtectRule
from .rulebook import Rulebook, Settings, Verdict, load_rulebook, matches, with_review
from .script import ScriptRule
from .table import TableRule

__all__ = [
    "BREAK_DECISIONS", "BUILTIN_RULES", "KINDS", "LINE_DECISIONS", "MOVE_DECISIONS", "ConfusionRule", "Edit", "Example",
    "LayoutDecision", "LayoutRule", "LayoutRuleId", "LexiconRule", "MojibakeRule", "PairsRule", "ProtectRule", "RegexRule",
    "Rule", "Rulebook", "ScriptRule", "Settings", "TableRule", "Verdict", "is_builtin",
    "load_file", "load_rulebook", "load_rules", "matches", "portable_origin", "read_toml", "with_review",
]
