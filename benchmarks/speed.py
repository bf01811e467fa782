"""Speed and memory of kcclean: prints figures, asserts nothing.

    python benchmarks/speed.py            # about 8 MB of transcripts
    python benchmarks/speed.py --mb 32

Figures:
1. the whole pipeline (read, blocks, classify, articles, repair) in MB/s on one core, and
   each stage's share; then `kcclean fix` end to end (writing articles and the report);
2. the rule engine's cost per MB at growing input sizes (it should stay flat: linear cost);
3. a literal table of 10 entries against one of 10,000 (per MB: about the same);
4. peak memory.

The archive is the bundled transcripts (fixtures/, and ../shared/seeds when present)
copied with a different masthead date per copy, so every copy is an issue of its own.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kcclean.articles import assemble
from kcclean.model import Role, Source, Trace, Unit
from kcclean.pipeline import build_issue, clean_files, load_page
from kcclean.read import read_source
from kcclean.repair import Slot, repair
from kcclean.rulebook import Rulebook, Settings, TableRule, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
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


def rate(size: int, seconds: float) -> str:
    return f"{size / seconds / 1e6:6.2f} MB/s"


def pipeline(files: list[Path], size: int, rulebook: Rulebook) -> None:
    start = time.perf_counter()
    articles = sum(len(issue.articles) for issue in clean_files(files, rulebook))
    total = time.perf_counter() - start
    print(f"whole pipeline      {rate(size, total)}   ({size / 1e6:.1f} MB, {len(files)} files, {articles} articles, {total:.2f} s)")

    start = time.perf_counter()
    pages = [load_page(read_source(path), rulebook) for path in files]
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    for page in pages:
        assemble([page], rulebook)
    assembled = time.perf_counter() - start
    pages = [load_page(read_source(path), rulebook) for path in files]
    start = time.perf_counter()
    for page in pages:
        build_issue([page], rulebook)  # assembles again, then repairs
    built = time.perf_counter() - start
    stages = loaded + built
    print(
        f"  shares: read+blocks+classify {loaded / stages:4.0%}   articles {assembled / stages:4.0%}"
        f"   repair and article objects {(built - assembled) / stages:4.0%}"
    )


def end_to_end(folder: Path, size: int) -> None:
    out = folder.parent / "out"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kcclean", "fix", str(folder), "--out", str(out), "-q"], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    print(f"kcclean fix (writes) {rate(size, seconds)}   (with process start, article files and report)")


def slots_of(text: str) -> list[Slot]:
    source = Source.of("bench", text)
    slots, offset = [], 0
    for line in text.split("\n"):
        if line:
            unit = Unit(line, Trace.of(source, offset), 1, True, 0, role=Role.BODY)
            slots.append(Slot(unit, "body", []))
        offset += len(line) + 1
    return slots


def repair_cost(text: str, rulebook: Rulebook) -> tuple[float, float]:
    """(megabytes, milliseconds per megabyte) of the rule engine on one paragraph per line."""
    slots = slots_of(text)
    start = time.perf_counter()
    repair(slots, rulebook)
    seconds = time.perf_counter() - start
    megabytes = len(text.encode("utf-8")) / 1e6
    return megabytes, seconds / megabytes * 1000


def engine_scaling(text: str, rulebook: Rulebook) -> None:
    print("rule engine cost per MB as the input grows (flat = linear):")
    for factor in (1, 2, 4, 8):
        megabytes, cost = repair_cost(text * factor, rulebook)
        print(f"  {megabytes:6.1f} MB   {cost:7.1f} ms/MB")


def table_scaling(text: str) -> None:
    print("literal table cost per MB by number of entries (about equal = one pass):")
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
        _, cost = repair_cost(text, Rulebook([rule], Settings()))
        print(f"  {len(table):6d} entries   {cost:7.1f} ms/MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=8.0, help="size of the generated archive")
    args = parser.parse_args()
    rulebook = load_rulebook()
    workdir = Path(tempfile.mkdtemp(prefix="kcclean-bench-"))
    try:
        folder = workdir / "archive"
        folder.mkdir()
        files, size = make_archive(folder, args.mb)
        pipeline(files, size, rulebook)
        end_to_end(folder, size)
        corpus = "\n".join("\n".join(group) for group in templates())
        engine_scaling(corpus * max(1, int(1e6 // len(corpus.encode("utf-8")))), rulebook)
        table_scaling(corpus * max(1, int(2e6 // len(corpus.encode("utf-8")))))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory          {peak:.0f} MB (this process, all of the above)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
