"""Run the property tests many times with fresh randomness and print every failure.

CI runs the Hypothesis tests derandomized (the `ci` profile in tests/conftest.py), so it tries
the same examples on every run and never fails by chance. This is the long randomized run that
finds new counterexamples: each run gets a new seed and no memory of earlier examples (the
`soak` profile). Put each counterexample it prints into the test as an `@example(...)`.

    .venv/bin/python benchmarks/soak.py --runs 200            # about 1 run per minute per job
    .venv/bin/python benchmarks/soak.py --runs 20 --jobs 2 -k idempotent
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(seed: int, select: str | None) -> tuple[int, bool, str, float]:
    """One pytest run of the Hypothesis tests (the plugin marks them `hypothesis`)."""
    command = [sys.executable, "-m", "pytest", "tests", "-m", "hypothesis", "-q", "-p", "no:cacheprovider"]
    command += ["--hypothesis-profile=soak", f"--hypothesis-seed={seed}"]
    if select:
        command += ["-k", select]
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    return seed, done.returncode == 0, done.stdout + done.stderr, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="how many randomized runs (default 200)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at the same time (default 1)")
    parser.add_argument("-k", dest="select", help="only the tests whose names match (pytest -k)")
    arguments = parser.parse_args()

    seeds = [random.SystemRandom().randrange(2**32) for _ in range(arguments.runs)]
    failed = 0
    durations = []
    with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
        for number, (seed, passed, output, seconds) in enumerate(
            pool.map(lambda s: run_once(s, arguments.select), seeds), start=1
        ):
            durations.append(seconds)
            print(f"run {number:>4}/{arguments.runs}  seed {seed:>10}  {'pass' if passed else 'FAIL'}  {seconds:6.1f} s", flush=True)
            if not passed:
                failed += 1
                print(output, flush=True)
    durations.sort()
    print(
        f"{arguments.runs - failed} of {arguments.runs} runs passed; seconds per run: median "
        f"{durations[len(durations) // 2]:.1f}, min {durations[0]:.1f}, max {durations[-1]:.1f}"
    )
    if failed:
        print("reproduce a failure: .venv/bin/python -m pytest tests -m hypothesis --hypothesis-profile=soak --hypothesis-seed=SEED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
