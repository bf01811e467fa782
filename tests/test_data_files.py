"""Files kcclean reads whole, as data: rule files and their tables, review files, kcclean.toml,
layout models. One that is a device (`table_file = "/dev/zero"`), a FIFO or huge is refused
with a message naming it, as a broken rule file is (exit 2): it neither fills the memory nor
blocks the run. Each case runs kcclean in a process of its own, its memory capped and its
time bounded, so that the old behaviour fails the test instead of the machine."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.skipif(not Path("/dev/zero").exists() or not hasattr(os, "mkfifo"), reason="needs /dev/zero and FIFOs")

TABLE_RULE = """\
[[rule]]
id = "house.district"
description = "OCR reads 柯城区 as 柯成区."
kind = "table"
scope = ["body"]
level = "safe"
table_file = "table.tsv"

[[rule.example]]
text = "柯成区"
fixed = "柯城区"

[[rule.example]]
text = "柯城区"
"""


def device(path: Path) -> str:
    path.symlink_to("/dev/zero")
    return "is a device, not a regular file"


def fifo(path: Path) -> str:
    os.mkfifo(path)
    return "is a pipe (FIFO), not a regular file"


def huge(path: Path) -> str:
    with open(path, "wb") as handle:
        handle.truncate(65 * 2**20)  # sparse: no disk used
    return "is larger than 64 MB"


def sample() -> str:
    return str(FIXTURES / "sample")


# Where the file is named: (what it is called in the folder, the command line that reads it)
PLACES = {
    "table_file": ("rules/table.tsv", ["fix", sample(), "--rules", "rules", "--dry-run", "-q"]),
    "review": ("review.toml", ["fix", sample(), "--review", "review.toml", "--dry-run", "-q"]),
    "rules import": ("review.toml", ["rules", "import", "review.toml", "--dir", "my_rules"]),
    "kcclean.toml": ("kcclean.toml", ["fix", sample(), "--dry-run", "-q"]),
    "layout model": ("model.toml", ["fix", sample(), "--layout-model", "model.toml", "--dry-run", "-q"]),
}


def capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


@pytest.mark.parametrize("make", [device, fifo, huge])
@pytest.mark.parametrize("place", PLACES)
def test_a_data_file_that_is_not_a_plain_file_of_sane_size_is_refused_naming_it(tmp_path: Path, place: str, make) -> None:
    name, command = PLACES[place]
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "house.toml").write_text(TABLE_RULE, encoding="utf-8")
    problem = make(tmp_path / name)
    done = subprocess.run(
        [sys.executable, "-m", "kcclean", *command],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=capped,
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert name in done.stderr and problem in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert not (tmp_path / "my_rules").exists()
