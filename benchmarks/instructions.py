"""CPU instructions kcclean executes per pass over the bundled transcripts, counted by
valgrind: the same on a busy machine as on an idle one, so a change of a few percent shows.

    python benchmarks/instructions.py                      # this checkout
    python benchmarks/instructions.py --against HEAD~3     # and another commit, side by side

On a shared machine timings of the same run vary by 20% or more from one minute to the
next (`speed.py` prints medians and ranges for that reason), which hides the effect of most
single changes. Instruction counts do not vary so: two counts of one commit differ by under
1%. They are not time (a cache miss costs more than an add), so `speed.py` stays the
measure of speed, and this the measure of a change.

What is counted: the whole pipeline in one process, as `kcclean fix --jobs 1` runs it, without
the disk: every file read, classified, repaired and split into articles (`clean_files`), each
article rendered as its Markdown file and index line, and the report built and written to
memory. The process runs it once and three times; the difference, halved, is one pass
(loading the rules and the word list is left out). Needs `valgrind` (apt install valgrind);
a run takes a few minutes, two commits run side by side on two cores.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALGRIND = shutil.which("valgrind")

# Run in the measured checkout (its kcclean first on the path): `passes` passes of fix's work.
_PASSES = """
import io, sys
from pathlib import Path
from kcclean.pipeline import clean_files, default_rulebook
from kcclean.output.report import Report
from kcclean.output.folder import article_markdown

files = sorted(Path(sys.argv[1]).glob("*.txt"))
rulebook = default_rulebook()
for _ in range(int(sys.argv[2])):
    report = Report(rulebook)
    for issue in clean_files(files, rulebook):
        for number, article in enumerate(issue.articles, 1):
            article.path = f"{issue.key}/{number:02d}.md"
            article_markdown(article, article.to_json()).encode("utf-8")
        report.add_issue(issue)
    report.write_json(io.StringIO())
    report.write_html(io.StringIO())
"""


def instructions(checkout: Path, archive: Path, passes: int) -> int:
    command = [VALGRIND, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", _PASSES, str(archive), str(passes)]
    # the checkout's kcclean first on the path; a fixed hash seed, so sets iterate alike
    environment = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, cwd=checkout, env=environment, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"valgrind failed in {checkout}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_pass(checkout: Path, archive: Path, pool: ThreadPoolExecutor):
    # Compiled first: a run that finds no .pyc compiles the modules and writes them, so the
    # run started after it would skip work the other one did, and the difference be wrong.
    compileall.compile_dir(checkout / "kcclean", quiet=1)
    once, thrice = pool.submit(instructions, checkout, archive, 1), pool.submit(instructions, checkout, archive, 3)
    return lambda: (thrice.result() - once.result()) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", metavar="COMMIT", help="also count this commit (checked out in a temporary worktree)")
    parser.add_argument("--mb", type=float, default=0.25, help="size of the archive a pass cleans (0.25)")
    args = parser.parse_args()
    if VALGRIND is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from speed import make_archive

    workdir = Path(tempfile.mkdtemp(prefix="kcclean-instructions-"))
    try:
        archive = workdir / "archive"
        _, size = make_archive(archive, args.mb)
        checkouts = {"this checkout": ROOT}
        if args.against:
            other = workdir / "against"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(other), args.against], check=True)
            checkouts[args.against] = other
        with ThreadPoolExecutor(2) as pool:
            counts = {name: per_pass(path, archive, pool) for name, path in checkouts.items()}
            results = {name: count() for name, count in counts.items()}
        print(f"one pass over {size / 1e6:.2f} MB (fix's work in one process, no disk):")
        for name, count in results.items():
            print(f"  {name:20} {count / 1e6:8.1f} M instructions   {count / size:7.0f} per byte")
        if args.against:
            ratio = results[args.against] / results["this checkout"]
            print(f"  {args.against} executes {ratio:.3f}x the instructions of this checkout")
    finally:
        if args.against:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(workdir / "against")], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
