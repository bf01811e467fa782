"""Rule files written by tests and benchmarks: what a user adds between two runs."""

from __future__ import annotations


def table_rule(rule_id: str, wrong: str, right: str) -> str:
    """A rule file of one literal table rule (an OCR misreading of the kind a reviewer adds),
    with the two examples `kcclean rules test` asks of it."""
    return f"""\
[[rule]]
id = "{rule_id}"
description = "OCR reads {right} as {wrong}."
kind = "table"
scope = ["body", "caption", "headline"]

[rule.table]
"{wrong}" = "{right}"

[[rule.example]]
text = "{wrong}召开会议"
fixed = "{right}召开会议"

[[rule.example]]
text = "{right}召开会议"
"""
