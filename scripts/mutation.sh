#!/usr/bin/env bash
# Mutation testing of kcclean's core: how many small slips in the code (a flipped comparison,
# an off-by-one, a dropped call) make at least one test fail. Slow (hours for the whole core
# on two cores), so it is not part of CI: run it over the modules you changed.
#
#   scripts/mutation.sh                 # every core module ([tool.mutmut] in pyproject.toml) and the rules
#   scripts/mutation.sh output.folder output.report   # only kcclean/output/folder.py and report.py
#   scripts/mutation.sh rules           # the rule files' levels and thresholds (scripts/mutate_rules.py)
#   MUTATION_SAMPLE=40 scripts/mutation.sh layout.roles   # a random sample of 40 mutants per module
#                                       # (seeded: MUTATION_SEED, default 13, picks the same ones again)
#   MUTATION_JOBS=1 scripts/mutation.sh input.decode   # mutants checked at once (default: every core)
#
# Needs the dev extra: .venv/bin/pip install -e ".[dev,test]". Results stay in mutants/;
# `.venv/bin/mutmut results` lists the survivors, `.venv/bin/mutmut show NAME` shows one.
set -euo pipefail
cd "$(dirname "$0")/.."
mutmut=.venv/bin/mutmut
[ -x "$mutmut" ] || { echo "mutation.sh: no $mutmut; install the dev extra: .venv/bin/pip install -e '.[dev,test]'" >&2; exit 2; }
# the tests read the real transcripts beside the repository; mutmut runs them from mutants/
export KCCLEAN_SEEDS="${KCCLEAN_SEEDS:-$PWD/../shared/seeds}"
# Hypothesis tries the same examples for every mutant (the `ci` profile): a kill is not luck
export CI=true
patterns=()
for module in "$@"; do
    if [ "$module" = rules ]; then .venv/bin/python scripts/mutate_rules.py; else patterns+=("kcclean.${module%.py}.*"); fi
done
[ $# -eq 0 ] && .venv/bin/python scripts/mutate_rules.py  # everything: the rules too
[ $# -gt 0 ] && [ ${#patterns[@]} -eq 0 ] && exit 0  # only the rules were asked for
modules=("${patterns[@]}")
if [ -n "${MUTATION_SAMPLE:-}" ] && [ ${#patterns[@]} -gt 0 ]; then
    # mutmut names every mutant when it makes them (`mutmut results --all true`); run a seeded sample per module
    "$mutmut" run kcclean.no_such_mutant >/dev/null 2>&1 || true  # makes the mutants and the test map, checks none
    mapfile -t patterns < <("$mutmut" results --all true 2>/dev/null | .venv/bin/python -c '
import random, sys
names = sorted({line.split(":")[0].strip() for line in sys.stdin if "__mutmut_" in line})
size, seed, modules = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
for module in modules:
    mine = [n for n in names if n.startswith(module.rstrip("*"))]
    print(*sorted(random.Random(seed).sample(mine, min(size, len(mine)))), sep="\n")
' "$MUTATION_SAMPLE" "${MUTATION_SEED:-13}" "${patterns[@]}")
fi
"$mutmut" run --max-children "${MUTATION_JOBS:-$(nproc)}" "${patterns[@]}" || true  # it exits non-zero when mutants survive; the score says how many
if [ -n "${MUTATION_SAMPLE:-}" ]; then
    # only the sample counts: results left from earlier runs are not a random draw
    printf '%s\n' "${patterns[@]}" > mutants/sample.txt
    .venv/bin/python scripts/mutation_score.py --sample mutants/sample.txt "${modules[@]}"
else  # every mutant of the modules asked for that has a result, from this run or an earlier one
    .venv/bin/python scripts/mutation_score.py "${modules[@]}"
fi
