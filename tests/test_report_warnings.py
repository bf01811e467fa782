"""report.json's warnings, from a run that has some: test_report.py's fixtures have none, so
its field check can only compare the documented fields with themselves there."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from test_report import FIELDS, report_of

from kcclean.errors import InputError
from kcclean.output.report import Report


def test_a_skipped_file_is_a_warning_with_the_documented_fields(tmp_path: Path, rulebook) -> None:
    (tmp_path / "a.txt").write_text("柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开疫情防控工作会议。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    data = report_of(sorted(tmp_path.glob("*.txt")), rulebook)
    (warning,) = data["warnings"]
    assert set(warning) == FIELDS["warnings"]
    assert (warning["source"], warning["article"]) == ("b.txt", None)
    assert "b.txt" in warning["message"] and "empty" in warning["message"]
    assert data["summary"]["warnings"] == 1 and data["summary"]["skipped"] == 1


def test_an_issue_that_failed_skips_each_of_its_pages_in_the_report_and_its_page(rulebook) -> None:
    report = Report(rulebook)
    report.add_skipped(InputError("2023-05-10_p1.txt, 2023-05-10_p2.txt", "internal error: ValueError"))
    data = report.to_json()
    assert [(f["source"], f["error"]) for f in data["files"]] == [
        ("2023-05-10_p1.txt", "2023-05-10_p1.txt, 2023-05-10_p2.txt: internal error: ValueError"),
        ("2023-05-10_p2.txt", "2023-05-10_p1.txt, 2023-05-10_p2.txt: internal error: ValueError"),
    ]
    assert data["summary"]["skipped"] == 2
    page = io.StringIO()
    report.write_html(page)
    index = json.loads(re.search(r'<script id="kc-index" type="application/json">(.*?)</script>', page.getvalue()).group(1))
    rows = [(row["source"], bool(row["error"])) for issue in index["issues"] for row in issue["files"]]
    assert rows == [("2023-05-10_p1.txt", True), ("2023-05-10_p2.txt", True)]
