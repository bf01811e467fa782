"""Print the table of built-in rules of docs/rules.md (between its `rules-table` markers), or
with `--write` put it there. One row per rule, in the order rules run: what it fixes, where, and
whether a default run applies it (safe) or only suggests it (unsafe), with the reason, which
is the rule's own description.

    python scripts/rules_table.py --write
"""

import sys
from pathlib import Path

from kcclean.rules import BUILTIN_RULES, LayoutRule, ProtectRule, Rulebook, ScriptRule, Settings, load_rules

PAGE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
START, END = "<!-- rules-table: start -->", "<!-- rules-table: end -->"
_LEVEL = {"safe": "applied", "unsafe": "suggested"}


def table() -> str:
    rules = load_rules([BUILTIN_RULES]).rules
    rows = ["| rule | by default | where | what and why |", "|---|---|---|---|"]
    for rule in Rulebook(rules, Settings()).all_rules:
        if isinstance(rule, LayoutRule):
            continue
        where = ", ".join(sorted(rule.scope))
        why = rule.description.replace("|", "\\|")
        level = _LEVEL[rule.level]
        if isinstance(rule, ScriptRule) and rule.level == "safe":
            level = "applied where certain, else suggested"  # it weighs each word
        if isinstance(rule, ProtectRule):
            level = "protects"  # it changes nothing: it keeps the other rules out
        rows.append(f"| `{rule.id}` | {level} | {where} | {why} |")
    return "\n".join(rows) + "\n"


def current_table(text: str) -> str:
    return text[text.index(START) + len(START) : text.index(END)].strip("\n") + "\n"


def main(argv: list[str]) -> None:
    if "--write" not in argv:
        sys.stdout.write(table())
        return
    text = PAGE.read_text(encoding="utf-8")
    head, tail = text[: text.index(START) + len(START)], text[text.index(END) :]
    PAGE.write_text(f"{head}\n{table()}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
