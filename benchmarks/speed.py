"""Speed and memory of kcclean: prints figures, asserts nothing.

    python benchmarks/speed.py                  # 8 MB of transcripts, 5 runs of each
    python benchmarks/speed.py --mb 2 --runs 7
    python benchmarks/speed.py --big            # also peak memory at 64 MB (several minutes)

Absolute MB/s on a shared machine are noisy, so each figure is the median of --runs runs
with the min-max, in wall-clock time and in CPU time (what a busy machine distorts least),
and beside it the same files through two yardsticks measured in the same way: the I/O floor
(reading every file and writing the same bytes out) and autocorrect-py (a CJK copy-writing
formatter, if installed: `pip install autocorrect-py`). `x floor` and `x autocorrect` say
how many times the CPU time of each kcclean is.

1. `clean_text` in one process (the notebook use), the rulebook loaded once; beside it a
   third yardstick, the per-line floor: the least a line-by-line cleaner in Python does
   (a Unit per line, the classifier's cue patterns, the rules' quick scans) and nothing
   else, which bounds how fast any design of this shape can run in the interpreter;
2. the whole pipeline in memory over every file (`clean_files`, one process);
3. `kcclean fix` end to end, a fresh process writing every article file and the report,
   with --jobs 1 and with --jobs N (wall time and CPU time of all its processes, and the
   CPU time of the main process alone: the part no number of workers shares); beside
   it the I/O floor again with as many files as fix writes (one per article), and the
   CPU time of each stage of fix, in one process, and how much of it the kernel spent:
   where the time goes;
4. the rule engine's cost per MB as the input grows (flat = linear), and a literal table
   of 10 entries against one of 10,000 (about equal: one Aho-Corasick pass);
5. peak memory (max RSS) of `kcclean fix --jobs 1` at 1, 8 (and with --big 64) MB, and of one
   page as large as the largest, all on one line with a comma to fix in every clause.

The archive is the bundled transcripts (fixtures/, and ../shared/seeds when present)
copied with a different masthead date per copy, so every copy is an issue of its own.

To tell whether one change made kcclean faster, timings on a shared machine are too noisy:
`benchmarks/instructions.py --against COMMIT` counts instructions instead.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's kcclean, in this process and in the `kcclean fix` runs it starts (`child`):
# an installed one may be another checkout's (an editable install).
sys.path.insert(0, str(ROOT))

import kcclean  # noqa: E402
from kcclean.layout import cues, features  # noqa: E402
from kcclean.model import Role, Source, Trace, Unit  # noqa: E402
from kcclean.pipeline import clean_files, clean_text  # noqa: E402
from kcclean.rules.engine import Slot, repair  # noqa: E402
from kcclean.rules import Rulebook, Settings, TableRule, load_rulebook  # noqa: E402
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def templates() -> list[list[str]]:
    """Groups of transcript texts that form one issue each."""
    groups = [[p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "sample").glob("*.txt"))]]
    for path in sorted((ROOT / "fixtures").rglob("*.txt")):
        if path.parent.name != "sample":
            groups.append([path.read_text(encoding="utf-8")])
    seeds = ROOT.parent / "shared" / "seeds"
    groups += [[p.read_text(encoding="utf-8")] for p in sorted(seeds.glob("*.txt"))] if seeds.is_dir() else []
    return groups


def make_archive(folder: Path, megabytes: float) -> tuple[list[Path], int]:
    groups = templates()
    files, size, copy = [], 0, 0
    folder.mkdir(parents=True)
    while size < megabytes * 1e6:
        for group in groups:
            date = f"{2000 + copy // 300}年{copy // 28 % 12 + 1}月{copy % 28 + 1}日"
            for page, text in enumerate(group):
                path = folder / f"{copy:06d}_{page}.txt"
                data = _DATE.sub(date, text).encode("utf-8")
                path.write_bytes(data)
                files.append(path)
                size += len(data)
            copy += 1
    return files, size


class Runs:
    """Wall-clock and CPU seconds of repeated runs of one thing."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.main: list[float] = []  # of a run with worker processes: the main process's CPU

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)


def timed(work: Callable[[], object], runs: int, out: Path | None = None) -> Runs:
    """Runs of work in this process (CPU time: this process's). `out`, the folder the work
    writes to, is emptied before each run, untimed: every run creates its files anew, as
    fix does (its output goes to a new staging folder), and overwriting a file costs a
    fraction of creating one."""
    result = Runs()
    for _ in range(runs):
        if out is not None:
            emptied(out)
            out.mkdir()
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        result.add(time.perf_counter() - wall, time.process_time() - cpu)
    return result


def emptied(folder: Path) -> None:
    """Remove a folder a run wrote, and wait until the disk has done it: deleting thousands
    of files goes on in the kernel after rmtree returns and would slow the next run."""
    shutil.rmtree(folder, ignore_errors=True)
    os.sync()


def spread(size: int, times: list[float]) -> str:
    """Median MB/s and the min-max over the runs."""
    rates = sorted(size / t / 1e6 for t in times)
    return f"{statistics.median(rates):6.2f} ({rates[0]:.2f}-{rates[-1]:.2f})"


def ratio(times: list[float], yardstick: Runs | None) -> str:
    if yardstick is None:
        return "-"
    return f"{statistics.median(times) / statistics.median(yardstick.cpu):.1f}"


class Table:
    """Rows of: what, MB/s of wall time and of CPU time (median, min-max), and CPU time as a
    multiple of the I/O floor's and autocorrect-py's."""

    def __init__(self, size: int, floor: Runs, autocorrect: Runs | None):
        self.size, self.floor, self.autocorrect = size, floor, autocorrect
        print(f"{'MB/s: median (min-max)':38} {'wall':>20} {'CPU':>20} {'x floor':>8} {'x autocorrect':>14}")

    def row(self, name: str, runs: Runs) -> None:
        print(
            f"{name:38} {spread(self.size, runs.wall):>20} {spread(self.size, runs.cpu):>20} "
            f"{ratio(runs.cpu, self.floor):>8} {ratio(runs.cpu, self.autocorrect):>14}"
        )


def io_floor(files: list[Path], out: Path) -> None:
    for path in files:
        (out / path.name).write_bytes(path.read_bytes())


def io_floor_split(files: list[Path], out: Path, count: int) -> None:
    """The I/O floor with as many files as `kcclean fix` writes: the same bytes cut into
    `count` files, one folder per input file (fix writes one per issue). Creating a file
    costs far more than writing its bytes on some file systems."""
    for number, path in enumerate(files):
        parts = max(1, count // len(files) + (number < count % len(files)))
        data = path.read_bytes()
        folder = out / str(number)
        folder.mkdir()
        step = -(-len(data) // parts)
        for part in range(parts):
            (folder / f"{part}.md").write_bytes(data[part * step : (part + 1) * step])


def stage_costs(files: list[Path], rulebook: Rulebook, out: Path, size: int, runs: int) -> None:
    """CPU seconds per MB of each stage of `kcclean fix --jobs 1`, run in this process, and
    how much of each the kernel spent (creating files): where the time goes."""
    from kcclean.output.report import Report
    from kcclean.output.folder import OutputFolder

    stages = ("read, classify, repair (clean_files)", "article files and indexes", "report")
    costs: dict[str, list[float]] = {stage: [] for stage in stages}
    kernel: dict[str, list[float]] = {stage: [] for stage in stages}
    for _ in range(runs):
        emptied(out)
        spent = dict.fromkeys(stages, (0.0, 0.0))

        def charge(stage: str, start: os.times_result) -> os.times_result:
            now = os.times()
            user, system = spent[stage]
            spent[stage] = (user + now.user - start.user, system + now.system - start.system)
            return now

        report = Report(rulebook)
        issues = clean_files(files, rulebook)
        with OutputFolder(out, False) as folder:
            while True:
                start = os.times()
                issue = next(issues, None)
                cleaned = charge(stages[0], start)
                if issue is None:
                    break
                folder.add(issue)
                written = charge(stages[1], cleaned)
                report.add_issue(issue)
                charge(stages[2], written)
            start = os.times()
            with folder.open("report.json") as handle:
                report.write_json(handle)
            with folder.open("report.html") as handle:
                report.write_html(handle)
            folder.finish()
            charge(stages[2], start)
        for stage, (user, system) in spent.items():
            costs[stage].append((user + system) / (size / 1e6))
            kernel[stage].append(system / (size / 1e6))
    total = sum(statistics.median(c) for c in costs.values())
    print("kcclean fix --jobs 1 by stage, in one process: CPU s per MB, median (min-max), share, in the kernel:")
    for stage in stages:
        values = sorted(costs[stage])
        median = statistics.median(values)
        print(f"  {stage:38} {median:5.2f} ({values[0]:.2f}-{values[-1]:.2f})   {median / total:4.0%}   {statistics.median(kernel[stage]):5.2f}")


# Some of the cue patterns kcclean's layout features try on every line of a page.
_LINE_CUES = (
    features.LABEL, features.DATELINE, features.ENUMERATED, cues.CREDIT, cues.CREDIT_LINE, cues.SOURCE_LINE, cues._BYLINE, cues.LEAD,
)


def line_floor(texts: list[str], rulebook: Rulebook) -> None:
    """The least a line-by-line cleaner written in Python does, as a yardstick for
    `clean_text`: each text's line starts found, a Unit with its trace for every line, the
    classifier's cue patterns tried on it, and each text rule's quick scan of the joined
    lines. No decision is weighed, no paragraph joined, no article built."""
    rules = rulebook.text_rules
    for text in texts:
        units = units_of(text)
        for unit in units:
            any(cue.match(unit.text) for cue in _LINE_CUES)
        joined = "\n".join(unit.text for unit in units)
        for rule in rules:
            rule.may_change(joined)


def autocorrect_run(files: list[Path], out: Path) -> None:
    import autocorrect_py

    for path in files:
        text = path.read_text(encoding="utf-8")
        (out / path.name).write_text(autocorrect_py.format(text), encoding="utf-8")


def autocorrect_available() -> bool:
    try:
        import autocorrect_py  # noqa: F401
    except ImportError:
        return False
    return True


def child(command: list[str]) -> tuple[float, float]:
    """Run a command: (wall seconds, CPU seconds of it and its processes)."""
    start = time.perf_counter()
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    process.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def fix_command(folder: Path, out: Path, jobs: int) -> list[str]:
    # --no-cache: every run is a first run (benchmarks/rerun.py measures reruns)
    return [sys.executable, "-m", "kcclean", "fix", str(folder), "--out", str(out), "-q", "--jobs", str(jobs), "--no-cache"]


def fix_runs(folder: Path, out: Path, jobs: int, runs: int) -> Runs:
    """Runs of `kcclean fix`; `main` holds the CPU seconds of its main process alone."""
    result = Runs()
    for _ in range(runs):
        emptied(out)
        wall, cpu, _, own = measured_fix(folder, out, jobs)
        result.add(wall, cpu)
        result.main.append(own)
    return result


def units_of(text: str) -> list[Unit]:
    """A body unit, with its trace, for each line of the text that is not empty."""
    source = Source.of("bench", text)
    units, offset = [], 0
    for line in text.split("\n"):
        if line:
            units.append(Unit(line, Trace.of(source, offset, len(line)), 1, True, 0, role=Role.BODY))
        offset += len(line) + 1
    return units


def slots_of(text: str) -> list[Slot]:
    return [Slot(unit, "body", []) for unit in units_of(text)]


def engine_scaling(text: str, rulebook: Rulebook) -> None:
    print("rule engine alone, ms per MB as the input grows (flat = linear):")
    for factor in (1, 2, 4, 8):
        megabytes = len((text * factor).encode("utf-8")) / 1e6
        print(f"  {megabytes:6.1f} MB   {repair_cost(text * factor, rulebook):7.1f} ms/MB")


def repair_cost(text: str, rulebook: Rulebook) -> float:
    """Milliseconds per megabyte of the rule engine on one paragraph per line."""
    slots = slots_of(text)
    start = time.perf_counter()
    repair(slots, rulebook)
    return (time.perf_counter() - start) / (len(text.encode("utf-8")) / 1e6) * 1000


def table_scaling(text: str) -> None:
    print("literal table, ms per MB by number of entries (about equal = one pass):")
    rng = random.Random(7)
    # Rare characters (CJK extension A): like a real confusion table, the entries almost never
    # occur, so this measures the scan itself rather than the edits it makes.
    alphabet = [chr(c) for c in range(0x3400, 0x4DB6)]
    for entries in (10, 10_000):
        table = {"".join(rng.choice(alphabet) for _ in range(rng.randint(2, 4))): "□" for _ in range(entries)}
        rule = TableRule(
            id="bench.table", description="benchmark", kind="table", scope=frozenset({"body"}),
            level="safe", priority=0, origin="bench", line=1, table=table,
        )
        rule.compile()
        print(f"  {len(table):6d} entries   {repair_cost(text, Rulebook([rule], Settings())):7.1f} ms/MB")


# Peak memory and the main process's own CPU time are read by the measured process itself
# as it exits: the VmHWM of /proc (Linux) starts afresh at exec, while the max RSS the parent
# gets from wait4 starts at the parent's own peak (Linux carries it over a fork), here that of
# the runs before; and the CPU time wait4 gives includes the worker processes'.
_SELF_REPORTER = """
import atexit, os, runpy, sys
def report():
    own = os.times()
    with open('/proc/self/status') as status, open(os.environ['KCCLEAN_BENCH_RECORD'], 'w') as out:
        out.write(next(l.split()[1] for l in status if l.startswith('VmHWM:')) + f' {own.user + own.system}')
atexit.register(report)
sys.argv = ['kcclean', *sys.argv[1:]]
runpy.run_module('kcclean', run_name='__main__')
"""


def measured_fix(folder: Path, out: Path, jobs: int) -> tuple[float, float, float, float]:
    """One `kcclean fix` run: wall seconds, CPU seconds of all its processes, peak RSS of the
    main process in MB, and CPU seconds of the main process alone."""
    record = out.parent / f"{out.name}.record"
    os.environ["KCCLEAN_BENCH_RECORD"] = str(record)
    wall, cpu = child([sys.executable, "-c", _SELF_REPORTER, *fix_command(folder, out, jobs)[3:]])
    peak, own = record.read_text().split()
    record.unlink()
    return wall, cpu, int(peak) / 1024, float(own)


def peak_memory(workdir: Path, sizes: list[float]) -> None:
    print("peak memory of `kcclean fix --jobs 1` (VmHWM; the report is part of it):")
    first = None
    for megabytes in sizes:
        folder = workdir / f"memory-{megabytes:g}"
        _, size = make_archive(folder, megabytes)
        peak = measured_fix(folder, workdir / "memory-out", 1)[2]
        first = first or peak
        print(f"  {size / 1e6:6.1f} MB of input   {peak:6.0f} MB   ({peak / first:.2f}x the first)")
        shutil.rmtree(folder)
        shutil.rmtree(workdir / "memory-out", ignore_errors=True)
    # the largest issue a careless archive holds: a page of one line, each comma to fix
    # (memory grows with the changes of one issue, which are all held until it is written)
    folder = workdir / "memory-one-line"
    folder.mkdir()
    sentence = "柯城区召开会议,部署乡村振兴工作,要求各地抓好落实。"
    size = int(sizes[-1] * 1e6)
    page = "柯城召开会议\n\n本报讯（记者 王思）" + sentence * (size // len(sentence.encode())) + "\n"
    (folder / "one-line.txt").write_text(page, encoding="utf-8")
    peak = measured_fix(folder, workdir / "memory-out", 1)[2]
    print(f"  {len(page.encode()) / 1e6:6.1f} MB on one line, {page.count(','):,} commas to fix   {peak:6.0f} MB   ({peak / first:.2f}x the first)")
    shutil.rmtree(folder)
    shutil.rmtree(workdir / "memory-out", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=8.0, help="size of the generated archive (8)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (5)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for the parallel fix (the cores)")
    parser.add_argument("--big", action="store_true", help="also measure peak memory at 64 MB")
    args = parser.parse_args()
    rulebook = load_rulebook()
    # As installed by pip, kcclean's modules are compiled once: without this (an editable
    # install under PYTHONDONTWRITEBYTECODE) every `kcclean fix` below would compile them anew.
    compileall.compile_dir(Path(kcclean.__file__).parent, quiet=1)
    workdir = Path(tempfile.mkdtemp(prefix="kcclean-bench-"))
    try:
        folder = workdir / "archive"
        files, size = make_archive(folder, args.mb)
        print(
            f"{size / 1e6:.1f} MB, {len(files)} files; {args.runs} runs each; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        floor = timed(lambda: io_floor(files, workdir / "floor"), args.runs, workdir / "floor")
        corrected = None
        if autocorrect_available():
            corrected = timed(lambda: autocorrect_run(files, workdir / "autocorrect"), args.runs, workdir / "autocorrect")
        table = Table(size, floor, corrected)
        table.row("I/O floor (read + write)", floor)
        if corrected:
            table.row("autocorrect-py (read, format, write)", corrected)
        texts = [path.read_text(encoding="utf-8") for path in files]
        clean_text(texts[0])  # the rulebook and the word list, loaded once
        table.row("per-line floor in Python (see line_floor)", timed(lambda: line_floor(texts, rulebook), args.runs))
        table.row("clean_text, in memory", timed(lambda: [clean_text(t) for t in texts], args.runs))
        table.row("whole pipeline, in memory", timed(lambda: list(clean_files(files, rulebook)), args.runs))
        out = workdir / "out"
        table.row("kcclean fix --jobs 1 (a process)", fix_runs(folder, out, 1, args.runs))
        if args.jobs > 1:
            parallel = fix_runs(folder, out, args.jobs, args.runs)
            table.row(f"kcclean fix --jobs {args.jobs} (CPU: all)", parallel)
            main_cpu = statistics.median(parallel.main) / (size / 1e6)
            print(
                f"  its main process alone: {main_cpu:.2f} CPU s per MB (median), so a run with any "
                f"number of workers stays under {1 / main_cpu:.2f} MB/s"
            )
        articles = sum(1 for _ in out.rglob("*.md"))
        table.row(f"I/O floor, {articles} files as fix writes", timed(lambda: io_floor_split(files, workdir / "floor-articles", articles), args.runs, workdir / "floor-articles"))
        stage_costs(files, rulebook, workdir / "stages", size, args.runs)
        corpus = "\n".join("\n".join(group) for group in templates())
        engine_scaling(corpus * max(1, int(1e6 // len(corpus.encode("utf-8")))), rulebook)
        table_scaling(corpus * max(1, int(2e6 // len(corpus.encode("utf-8")))))
        peak_memory(workdir, [1, 8, 64] if args.big else [1, 8])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
