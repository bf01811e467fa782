"""Shared test helpers: where fixtures and the real seeds are, and one rulebook per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kcclean.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The real transcripts live beside the repository, not in it; tests over them skip without them.
SEEDS = Path(os.environ.get("KCCLEAN_SEEDS", ROOT.parent / "shared" / "seeds"))


def seed_inputs() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def fixture_cases() -> list[Path]:
    """Folders holding *.txt inputs and exactly one *.expected file."""
    return sorted(p.parent for p in FIXTURES.rglob("*.expected") if p.parent.name != "seeds")


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()
