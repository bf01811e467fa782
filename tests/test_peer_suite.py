"""The peer-style suite (tests/data/peer_suite/, kcclean_dev/peer_suite.py): by kind, at least
95% of the cases right, and each kind has cases of both halves, repairs and do no harm.
`python scripts/peer_suite.py` prints the figures and the cases missed."""

from __future__ import annotations

import pytest

from kcclean_dev.peer_suite import cases, is_repair, score

TARGET = 0.95
KINDS = sorted(cases())


def test_every_kind_has_a_repair_half_and_a_do_no_harm_half() -> None:
    for kind, kind_cases in cases().items():
        repairs = sum(map(is_repair, kind_cases))
        assert 0 < repairs < len(kind_cases), kind


@pytest.fixture(scope="module")
def scores(rulebook):
    return score(rulebook)


@pytest.mark.parametrize("kind", KINDS)
def test_kcclean_gets_the_kind_right(kind: str, scores) -> None:
    result = scores[kind]
    assert result.share >= TARGET, result.wrong
