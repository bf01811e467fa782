"""Write the labels file (`X.labels` beside `X.txt`) of fixture pages: what every line is and
which breaks are cuts, the layout model's training data (kcclean_dev/labels.py).

    .venv/bin/python scripts/label_fixtures.py fixtures/cases/byline-own-line   # from kcclean's output
    .venv/bin/python scripts/label_fixtures.py --clean fixtures/corpus/letter    # a clean page, from its expected file

Without --clean a folder's pages are labelled from kcclean's own output, and only when that
output is exactly the folder's expected file; with --clean each line is found in the expected
file. Review the labels before committing them: they are what the model learns.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # kcclean_dev

from kcclean.input import read_source  # noqa: E402
from kcclean.output.snapshot import render  # noqa: E402
from kcclean.pipeline import clean_files, default_rulebook  # noqa: E402
from kcclean_dev.labels import labels_of_clean_page, labels_of_issue, write_labels  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--clean", action="store_true", help="label clean pages from their expected file")
    args = parser.parse_args()
    for folder in args.folders:
        pages = sorted(folder.glob("*.txt"))
        (expected,) = folder.glob("*.expected")
        if args.clean:
            for path in pages:
                write_labels(labels_of_clean_page(read_source(path, path.name), expected.read_text(encoding="utf-8")), path.with_suffix(".labels"))
            continue
        issues = [item for item in clean_files(pages, default_rulebook()) if not isinstance(item, Exception)]
        if render(issues) != expected.read_text(encoding="utf-8"):
            print(f"{folder}: kcclean's output is not its expected file: not labelled", file=sys.stderr)
            continue
        by_file: dict[str, list] = {}
        for issue in issues:
            for page in labels_of_issue(issue, issue.inputs):
                by_file.setdefault(page.name, []).append(page)
        for path in pages:
            parts = by_file[path.name]
            first = parts[0]
            for part in parts[1:]:  # a file holding several issues: its parts in order
                first.labels += part.labels
                first.articles += [a + 1000 * len(parts) if a >= 0 else a for a in part.articles]
                first.joins += part.joins
            first.source = read_source(path, path.name)
            write_labels(first, path.with_suffix(".labels"))
        print(f"{folder}: labelled {len(pages)} page(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
