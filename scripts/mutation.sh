#!/usr/bin/env bash
# Mutation testing of kcclean's core: how many small slips in the code (a flipped comparison,
# an off-by-one, a dropped call) make at least one test fail. Slow (hours for the whole core
# on two cores), so it is not part of CI: run it over the modules you changed.
#
#   scripts/mutation.sh                 # every core module ([tool.mutmut] in pyproject.toml) and the rules
#   scripts/mutation.sh write report    # only kcclean/write.py and kcclean/report.py
#   scripts/mutation.sh rules           # the rule files' levels and thresholds (scripts/mutate_rules.py)
#
# Needs the dev extra: .venv/bin/pip install -e ".[dev,test]". Results stay in mutants/;
# `.venv/bin/mutmut results` lists the survivors, `.venv/bin/mutmut show NAME` shows one.
set -euo pipefail
cd "$(dirname "$0")/.."
mutmut=.venv/bin/mutmut
[ -x "$mutmut" ] || { echo "mutation.sh: no $mutmut; install the dev extra: .venv/bin/pip install -e '.[dev,test]'" >&2; exit 2; }
# the tests read the real transcripts beside the repository; mutmut runs them from mutants/
export KCCLEAN_SEEDS="${KCCLEAN_SEEDS:-$PWD/../shared/seeds}"
patterns=()
for module in "$@"; do
    if [ "$module" = rules ]; then .venv/bin/python scripts/mutate_rules.py; else patterns+=("kcclean.${module%.py}.*"); fi
done
[ $# -eq 0 ] && .venv/bin/python scripts/mutate_rules.py  # everything: the rules too
[ $# -gt 0 ] && [ ${#patterns[@]} -eq 0 ] && exit 0  # only the rules were asked for
"$mutmut" run "${patterns[@]}" || true  # it exits non-zero when mutants survive; the score says how many
.venv/bin/python - "${patterns[@]}" <<'PY'
"""Print the score: mutants a test caught (failed or timed out) over all that were checked."""
import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

wanted = sys.argv[1:] or ["*"]
counts = Counter()
for meta in Path("mutants").rglob("*.py.meta"):
    for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
        if any(fnmatch.fnmatch(name, pattern) for pattern in wanted):
            counts[status_by_exit_code[code]] += 1
checked = sum(v for k, v in counts.items() if k not in ("not checked", "skipped"))
caught = counts["killed"] + counts["timeout"]
print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
print(f"mutation score: {caught}/{checked} = {caught / checked:.1%}" if checked else "mutation score: no mutant was checked")
PY
