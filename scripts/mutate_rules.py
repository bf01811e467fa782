"""Mutation testing of the rule files' levels and thresholds (mutmut mutates only Python).

Each mutant is one edit a slip could make in rules/*.toml: a level flipped (safe ↔ unsafe), a
threshold lowered by 10 or a priority dropped. For each, the rule tests run in a copy of the
repository; a mutant that no test notices survives. Prints the survivors and the score.

    .venv/bin/python scripts/mutate_rules.py        (or: scripts/mutation.sh rules)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_rules_snapshot.py", "tests/test_rule_coverage.py", "tests/test_rules.py"]
SLIPS = [
    (re.compile(r'^level = "(safe|unsafe)"$', re.M), lambda m: f'level = "{"unsafe" if m[1] == "safe" else "safe"}"'),
    (re.compile(r"^threshold = (\d+)$", re.M), lambda m: f"threshold = {int(m[1]) - 10}"),
    (re.compile(r"^priority = (-?\d+)$", re.M), lambda m: "priority = 0"),
]


def mutants() -> list[tuple[str, int, str]]:
    """(rule file, line, mutated text of that file) for every slip in every rule file."""
    found = []
    for path in sorted((ROOT / "rules").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        for pattern, slip in SLIPS:
            for match in pattern.finditer(text):
                mutated = text[: match.start()] + slip(match) + text[match.end() :]
                found.append((path.name, text.count("\n", 0, match.start()) + 1, mutated))
    return found


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        for name in ("kcclean", "rules", "tests", "fixtures", "README.md", "pyproject.toml"):
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / name)
        survivors, all_mutants = [], mutants()
        for number, (name, line, mutated) in enumerate(all_mutants, 1):
            rule_file = copy / "rules" / name
            original = rule_file.read_text(encoding="utf-8")
            rule_file.write_text(mutated, encoding="utf-8")
            # `python -m` puts the copy first on sys.path, so its kcclean and rules are used
            run = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TESTS], cwd=copy, capture_output=True)
            rule_file.write_text(original, encoding="utf-8")
            caught = run.returncode != 0
            print(f"{number:>3}/{len(all_mutants)}  {name}:{line}  {'killed' if caught else 'SURVIVED'}", flush=True)
            if not caught:
                survivors.append(f"{name}:{line}")
    killed = len(all_mutants) - len(survivors)
    print(f"rule mutation score: {killed}/{len(all_mutants)} = {killed / len(all_mutants):.1%}")
    for survivor in survivors:
        print("survived:", survivor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
