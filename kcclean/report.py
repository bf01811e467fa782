"""The diff report: every change of a run with its rule, location, context and evidence.

`report.json` holds everything; `report.html` is one self-contained page that renders the
same data (no network, opens from disk).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from importlib import resources

from . import __version__
from .errors import KccleanError
from .model import Change, Issue
from .rulebook import Rulebook


class Report:
    """Collects a run issue by issue, so a long run never holds every article at once."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self.files: list[dict] = []
        self.changes: list[dict] = []
        self.warnings: list[dict] = []
        self.counts: Counter[str] = Counter()
        self.suggested: Counter[str] = Counter()
        self.articles = 0
        self.issues = 0

    def add_issue(self, issue: Issue) -> None:
        self.issues += 1
        self.articles += len(issue.articles)
        by_source: dict[str, list[dict]] = {name: [] for name in issue.sources}
        for article in issue.articles:
            by_source[article.source].append(
                {
                    "id": article.id,
                    "headline": article.headline,
                    "byline": article.byline,
                    "body": article.body,
                    "kind": article.kind,
                    "path": article.path,
                    "changes": article.changes,
                    "truncated": article.truncated,
                    "continued_to": article.continued_to,
                    "continued_from": article.continued_from,
                    "sources": article.sources,
                    "origin": [list(o) for o in article.origin],
                }
            )
            for message in article.warnings:
                self.warnings.append({"source": article.source, "article": article.id, "message": message})
        for message in issue.warnings:
            self.warnings.append({"source": issue.sources[0], "article": None, "message": message})
        for change in issue.changes:
            self.changes.append(change_json(change))
            if change.applied:
                self.counts[change.rule] += 1
            else:
                self.suggested[change.rule] += 1
        for name in issue.sources:
            mine = [c for c in issue.changes if c.source == name]
            self.files.append(
                {
                    "source": name,
                    "encoding": issue.encodings.get(name),
                    "issue": issue.key,
                    "articles": by_source[name],
                    "fixes": sum(1 for c in mine if c.is_fix),
                    "suggestions": sum(1 for c in mine if not c.applied),
                    "error": None,
                    "text": issue.texts.get(name, ""),
                }
            )

    def add_skipped(self, error: KccleanError) -> None:
        source = getattr(error, "path", None) or "?"
        self.files.append(
            {
                "source": source,
                "encoding": None,
                "issue": None,
                "articles": [],
                "fixes": 0,
                "suggestions": 0,
                "error": str(error),
                "text": "",
            }
        )
        self.warnings.append({"source": source, "article": None, "message": f"skipped: {error}"})

    def summary(self) -> dict:
        return {
            "files": len(self.files),
            "skipped": sum(1 for f in self.files if f["error"]),
            "issues": self.issues,
            "articles": self.articles,
            "fixes": sum(1 for c in self.changes if c["applied"] and c["kind"] != "record"),
            "recorded": sum(1 for c in self.changes if c["kind"] == "record"),
            "suggestions": sum(1 for c in self.changes if not c["applied"]),
            "warnings": len(self.warnings),
        }

    def to_json(self) -> dict:
        rules = {}
        for rule_id in sorted(set(self.counts) | set(self.suggested)):
            rule = self.rulebook.by_id.get(rule_id)
            rules[rule_id] = {
                "description": rule.description if rule else "",
                "kind": rule.kind if rule else "",
                "level": rule.level if rule else "safe",
                "origin": rule.origin if rule else "",
                "applied": self.counts[rule_id],
                "suggested": self.suggested[rule_id],
            }
        return {
            "kcclean": __version__,
            "summary": self.summary(),
            "rules": rules,
            "files": self.files,
            "changes": self.changes,
            "warnings": self.warnings,
        }

    def to_html(self) -> str:
        template = resources.files("kcclean").joinpath("report.html").read_text(encoding="utf-8")
        data = json.dumps(self.to_json(), ensure_ascii=False).replace("</", "<\\/")
        return template.replace("/*REPORT_DATA*/null", data)


def change_json(change: Change) -> dict:
    data = asdict(change)
    data["fix"] = change.is_fix
    return data
