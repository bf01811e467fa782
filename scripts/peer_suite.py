"""Print how much of the peer-style suite (tests/data/peer_suite/) kcclean gets right, by
kind: the repair half, the do-no-harm half and both, and each case it gets wrong.

    .venv/bin/python scripts/peer_suite.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # kcclean_dev, and this checkout's kcclean

from kcclean_dev.peer_suite import score  # noqa: E402

from kcclean.rules import load_rulebook  # noqa: E402


def main() -> None:
    scores = score(load_rulebook())
    print(f"{'kind':12} {'repairs':>10} {'no harm':>10} {'right':>7}")
    for kind, result in scores.items():
        print(
            f"{kind:12} {result.repairs_right:>4}/{result.repairs:<5} {result.harmless_right:>4}/{result.harmless:<5} "
            f"{result.share:>6.0%}"
        )
    for kind, result in scores.items():
        for text in result.wrong:
            print(f"wrong ({kind}): {text!r}")


if __name__ == "__main__":
    main()
