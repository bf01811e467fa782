"""Reruns of `kcclean fix` against a first run: prints figures, asserts nothing.

    python benchmarks/rerun.py                  # 8 MB of transcripts, 5 runs of each
    python benchmarks/rerun.py --mb 2 --runs 3

What a user of an archive does: run `fix`, review, add a rule, run again. Each run below is
`kcclean fix ARCHIVE --out OUT -q --jobs J` in a fresh process (wall and CPU time of all its
processes), over the archive `benchmarks/speed.py` makes:

- cold: an empty cache, no OUT yet;
- cold --no-cache: the same without the cache (what keeping it costs a first run);
- rerun, nothing changed: the same command again (answered from the last run's record:
  nothing is read, cleaned or written);
- rerun, every input touched: the same after each input's change time is set (its bytes
  and modification time as they were), which the record cannot vouch for: every issue is
  taken from the cache, and OUT is replaced;
- rerun, a new table rule the archive lacks the characters of: again with `--rules DIR`, a
  folder holding one user table rule (囯家 → 国家: no issue holds 囯, so none is repaired again);
- rerun, a new table rule the archive has the characters of: again with the folder holding
  that rule and one more (柯成区 → 柯城区: most issues hold 柯, 成 and 区, but none spells
  柯成区 in any text its repair held, so none is repaired again);
- rerun, a new table rule that changes most issues: again with a third (柯城区 → 柯城: three
  issues in four are repaired again, their layout read from the cache);
- rerun, that rule grown by an entry: the third rule's table given one more entry (城柯区 →
  柯城区), which no issue spells: the rule acts as before wherever it acted, and no issue is
  repaired again.

Each round of runs has an output folder and a cache folder of its own, new: nothing is
deleted before a first run (creating files right after deleting thousands is slower on some
disks, which would flatter the ratios). Each figure is the median of --runs runs with the
min-max; each rerun's ratio is its median wall (CPU) time over the cold run's. Every rerun's output is compared, byte for byte,
with a cold run's made without the cache.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import tempfile
import unicodedata
from pathlib import Path

import kcclean
from speed import ROOT, child, make_archive

sys.path.insert(0, str(ROOT))  # kcclean_dev
from kcclean_dev.rule_files import table_rule  # noqa: E402


def fix(archive: Path, out: Path, jobs: int, *options: str) -> tuple[float, float]:
    command = [sys.executable, "-m", "kcclean", "fix", str(archive), "--out", str(out), "-q", "--jobs", str(jobs), *options]
    return child(command)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def spread(values: list[float]) -> str:
    values = sorted(values)
    return f"{statistics.median(values):6.2f} ({values[0]:.2f}-{values[-1]:.2f})"


def padded(text: str, width: int) -> str:
    """The text left-aligned in `width` columns of a terminal, where a Chinese character takes two."""
    return text + " " * max(0, width - sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=8.0, help="size of the generated archive (8)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (5)")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of every fix (1: the work of one process)")
    args = parser.parse_args()
    compileall.compile_dir(Path(kcclean.__file__).parent, quiet=1)  # as pip installs it: compiled once
    workdir = Path(tempfile.mkdtemp(prefix="kcclean-rerun-"))
    try:
        archive = workdir / "archive"
        files, size = make_archive(archive, args.mb)
        # each folder holds the rules of the one before, and one more
        rules = (("house.country", "囯家", "国家"), ("house.district", "柯成区", "柯城区"), ("house.place-name", "柯城区", "柯城"))
        folders = [workdir / f"rules-{count}" for count in range(1, len(rules) + 1)]
        for count, folder in enumerate(folders, 1):
            folder.mkdir()
            for rule_id, wrong, right in rules[:count]:
                (folder / f"{rule_id}.toml").write_text(table_rule(rule_id, wrong, right), encoding="utf-8")
        grown = workdir / "rules-grown"
        shutil.copytree(folders[-1], grown)
        last = grown / f"{rules[-1][0]}.toml"
        last.write_text(last.read_text(encoding="utf-8").replace("[rule.table]\n", '[rule.table]\n"城柯区" = "柯城区"\n'), encoding="utf-8")
        folders.append(grown)
        print(
            f"{size / 1e6:.1f} MB, {len(files)} files; {args.runs} runs each, --jobs {args.jobs}; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        names = (
            "cold", "cold --no-cache", "rerun, nothing changed", "rerun, every input touched",
            "+1 table rule (囯家: no issue)", "+1 table rule (柯成区: spelled nowhere)", "+1 table rule (柯城区: 3 issues in 4)",
            "that rule +1 entry (城柯区: nowhere)",
        )
        wall: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        outputs: dict[str, dict[str, bytes]] = {}  # of the last run of each
        for number in range(args.runs):
            out = workdir / f"out-{number}"
            os.environ["KCCLEAN_CACHE_DIR"] = str(workdir / f"cache-{number}")  # never the user's own cache
            steps = (
                (names[1], ("--no-cache",)), (names[0], ()), (names[2], ()), (names[3], ()),
                *((name, ("--rules", str(folder))) for name, folder in zip(names[4:], folders)),
            )
            for name, options in steps:
                if name == names[3]:
                    for path in files:
                        status = path.stat()
                        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
                os.sync()
                spent = fix(archive, out.with_name(f"{out.name}-no-cache") if name == names[1] else out, args.jobs, *options)
                wall[name].append(spent[0])
                cpu[name].append(spent[1])
                if name != names[1]:
                    outputs[name] = tree(out)
        identical = []
        for name, options in steps[2:]:
            out = workdir / f"cold-{name}"
            fix(archive, out, args.jobs, "--no-cache", *options)
            identical.append(f"{name}: {'yes' if tree(out) == outputs[name] else 'NO'}")
        print(f"{'seconds: median (min-max)':38} {'wall':>20} {'CPU':>20} {'wall / cold':>12} {'CPU / cold':>11}")
        for name in names:
            ratio_wall = statistics.median(wall[name]) / statistics.median(wall[names[0]])
            ratio_cpu = statistics.median(cpu[name]) / statistics.median(cpu[names[0]])
            print(f"{padded(name, 38)} {spread(wall[name]):>20} {spread(cpu[name]):>20} {ratio_wall:>11.0%} {ratio_cpu:>11.0%}")
        print("output and report byte-identical to a run without the cache: " + "; ".join(identical))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
