"""Shared test helpers: where fixtures and the real seeds are, and one rulebook per session."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from kcclean.cli import app
from kcclean.rules import Rulebook, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The real transcripts live beside the repository, not in it; tests over them skip without them.
# The module of `kcclean fix`, to patch its steps (`kcclean.cli.fix` is the command itself)
FIX = importlib.import_module("kcclean.cli.fix")
SEEDS = Path(os.environ.get("KCCLEAN_SEEDS", ROOT.parent / "shared" / "seeds"))

# Hypothesis profiles. CI tries the same examples on every run (derandomize), so a submission
# never passes or fails by chance; a developer's run explores new ones and remembers failures
# in .hypothesis/; `soak` is the long randomized run of benchmarks/soak.py (fresh randomness,
# no remembered examples; `--hypothesis-profile=NAME` picks a profile). Tests set their own
# example budgets; these are for the rest.
settings.register_profile("ci", derandomize=True, database=None, max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("soak", database=None, deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def seed_inputs() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def fixture_cases() -> list[Path]:
    """Folders holding *.txt inputs and exactly one *.expected file."""
    return sorted(p.parent for p in FIXTURES.rglob("*.expected") if p.parent.name != "seeds")


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of each test's own (processes it starts inherit it): no test uses
    results another kept, nor the user's own cache."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("KCCLEAN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


def replay(spans: list, texts: dict[str, str], changes: list[dict]) -> str:
    """A part of an article rebuilt from report.json alone: its input spans with each applied
    text change inside them put in, in input order, leaving out the changes another applied
    change `covers` (it changed their text again and says what their spans became)."""
    covered = {k for c in changes if c["applied"] for k in c["covers"]}
    out = []
    for source, start, end in spans:
        inside = [
            c
            for c in changes
            if c["source"] == source
            and c["applied"]
            and c["kind"] in ("edit", "join")
            and c["id"] not in covered
            and start <= c["start"]
            and c["end"] <= end
        ]
        pos = start
        for change in sorted(inside, key=lambda c: (c["start"], c["end"])):
            assert change["start"] >= pos, f"changes overlap at {source}:{change['start']}"
            out.append(texts[source][pos : change["start"]] + change["after"])
            pos = change["end"]
        out.append(texts[source][pos:end])
    return "".join(out)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working folder for a command-line test (used by every test of a module that
    runs the CLI: `pytestmark = pytest.mark.usefixtures("workdir")`)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KCCLEAN_DEBUG", raising=False)
    return tmp_path


def run(*args: object):
    """Run `kcclean ARGS` in-process. Whatever happens, a user never sees a traceback and
    no exception other than an exit escapes the command."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def tree(folder: str | Path) -> dict[str, bytes]:
    """Every file under a folder (hidden ones included) with its content."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def hidden(folder: str | Path) -> list[str]:
    """Entries of a folder whose names start with '.': leftovers of a staging folder."""
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith("."))


def first_article(out: str = "out") -> Path:
    return min(Path(out).rglob("*.md"))
