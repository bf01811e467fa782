"""report.json's warnings, from a run that has some: test_report.py's fixtures have none, so
its field check can only compare the documented fields with themselves there."""

from __future__ import annotations

from pathlib import Path

from test_report import FIELDS, report_of


def test_a_skipped_file_is_a_warning_with_the_documented_fields(tmp_path: Path, rulebook) -> None:
    (tmp_path / "a.txt").write_text("柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开疫情防控工作会议。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    data = report_of(sorted(tmp_path.glob("*.txt")), rulebook)
    (warning,) = data["warnings"]
    assert set(warning) == FIELDS["warnings"]
    assert (warning["source"], warning["article"]) == ("b.txt", None)
    assert "b.txt" in warning["message"] and "empty" in warning["message"]
    assert data["summary"]["warnings"] == 1 and data["summary"]["skipped"] == 1
