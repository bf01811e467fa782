"""Print the mutation score that scripts/mutation.sh measured, per module and over the core.

A mutant is caught when a test failed or timed out under it (mutmut's "killed" and "timeout").
When only a sample was checked (MUTATION_SAMPLE), each module is a stratum: the core's score is
the modules' scores weighted by how many mutants each module has, with a 95 % interval, so a
large module checked through 40 mutants counts for what it is, not for 40.

    .venv/bin/python scripts/mutation_score.py 'kcclean.input.decode.*' 'kcclean.output.folder.*'
    .venv/bin/python scripts/mutation_score.py --sample mutants/sample.txt 'kcclean.input.decode.*'

With --sample (a file of mutant names, one a line: what mutation.sh checked), only those count
as checked: results left from other runs would make the sample no longer random.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

UNCHECKED = ("not checked", "skipped")


def tally(patterns: list[str], sample: set[str] | None = None) -> dict[str, Counter]:
    """Statuses per module, counting every mutant the patterns name, checked or not (outside
    the sample, if one is given, as not checked)."""
    counts: dict[str, Counter] = {}
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            if any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
                module = name.split(".x_")[0].split(".xǁ")[0]
                status = status_by_exit_code[code] if sample is None or name in sample else "not checked"
                counts.setdefault(module, Counter())[status] += 1
    return counts


def checked_and_caught(counted: Counter) -> tuple[int, int]:
    checked = sum(v for k, v in counted.items() if k not in UNCHECKED)
    return checked, counted["killed"] + counted["timeout"]


def describe(counted: Counter) -> str:
    checked, caught = checked_and_caught(counted)
    total = sum(counted.values())
    details = ", ".join(f"{k} {v}" for k, v in sorted(counted.items()) if k not in UNCHECKED)
    share = f"{caught / checked:.1%}" if checked else "–"
    return f"{caught}/{checked} caught = {share} of {checked} checked out of {total} ({details})"


def core_estimate(counts: dict[str, Counter]) -> tuple[float, float, float] | None:
    """Stratified estimate of the share caught over every mutant, with a 95 % interval.

    The variance uses (caught + 1) / (checked + 2) so that a module with every checked mutant
    caught still widens the interval, and the finite-population correction because a module's
    sample is drawn without replacement."""
    strata = [(sum(c.values()), *checked_and_caught(c)) for c in counts.values()]
    strata = [(total, checked, caught) for total, checked, caught in strata if checked]
    if not strata:
        return None
    population = sum(total for total, _, _ in strata)
    estimate = variance = 0.0
    for total, checked, caught in strata:
        weight = total / population
        estimate += weight * caught / checked
        smoothed = (caught + 1) / (checked + 2)
        correction = (total - checked) / (total - 1) if total > 1 else 0.0
        variance += weight**2 * smoothed * (1 - smoothed) / checked * correction
    margin = 1.96 * math.sqrt(variance)
    return estimate, max(0.0, estimate - margin), min(1.0, estimate + margin)


def main(arguments: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("patterns", nargs="*", default=["*"], help="mutant names, with * (default: every mutant)")
    parser.add_argument("--sample", type=Path, help="a file of the mutant names checked, one a line")
    options = parser.parse_args(arguments)
    sample = set(options.sample.read_text(encoding="utf-8").split()) if options.sample else None
    counts = tally(options.patterns, sample)
    for module, counted in sorted(counts.items()):
        print(f"{module}: {describe(counted)}")
    print(f"all checked: {describe(sum(counts.values(), Counter()))}")
    estimate = core_estimate(counts)
    if estimate:
        share, low, high = estimate
        print(f"mutation score, weighted by module size: {share:.1%} (95% interval {low:.1%}–{high:.1%})")


if __name__ == "__main__":
    main(sys.argv[1:])
