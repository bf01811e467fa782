"""The layout decision model: every open layout decision weighed from named features.

A decision (is this line a headline? was this paragraph cut?) adds up the weights of the
features that hold for it; the sum against the decision's thresholds settles it, and the
features that held are its evidence, shown in the report. Facts that settle a question
outright (a line with a sentence end inside it is no headline) are not features: the
stages check them first, as vetoes, and weigh only what is left open.

The weights live here, in one table per decision, so that a change of judgement is one
line, visible in review, and the generator's runs (benchmarks/quality.py) tell which
feature misleads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Is a short line that stands on its own a headline (else a subhead or body text)?
HEADLINE = {
    "markdown heading": 10.0,
    "top of the page": 3.0,
    "under a headline line": 2.0,
    "a —— subtitle": 2.0,
    "after a finished text": 1.5,
    "after a displaced beginning": 1.5,  # a lead stood after other text: its tail ends here
    "after a cut sentence": -3.0,
    "a lead or byline follows": 6.0,
    "a 上接 marker follows": 4.0,
    "a photo credit follows": 2.5,
    "a lead further on": 2.5,
    "only headline-like lines follow": 2.0,
    "an article opening follows": 1.5,
    "its words open the next text": 1.5,
    "its words echo the article before": -1.5,
    "headline lines follow": 1.5,
    "as short as a subhead": -1.0,
}
HEADLINE_AT = 3.0

# Was the text cut between two paragraphs (join them), or did the first one end there?
JOIN = {
    "the line fills the column": 4.0,
    "a full line may go on": 2.5,
    "a clause cannot end there": 4.0,
    "a quote or bracket is still open": 3.0,
    "a word runs across": 3.0,
    "a number runs across": 3.0,
    "OCR repeated the column's end": 4.0,
    "the next part starts mid-sentence": 4.0,
    "a long paragraph stops mid-clause": 2.0,
    "a phrase printed elsewhere runs across": 3.0,
    "the page cuts paragraphs at column breaks": 1.5,
    "the pair occurs elsewhere in the issue": 0.5,
    "no sentence end": 0.5,
    "the next part opens a paragraph": -2.0,
    "the next line is indented": -3.0,
    "the line stops short of the column": -2.0,
    "the first part may end with a quote": -1.0,
    "the first part is short": -2.5,
}
JOIN_AT = 2.0  # joined
JOIN_SUGGESTED_AT = 0.5  # reported as a suggestion; below it the break is kept silently


@dataclass(slots=True)
class Weighing:
    """The features that held for one decision, and their sum."""

    table: dict[str, float]
    held: list[tuple[str, str]] = field(default_factory=list)  # (feature, detail)

    def add(self, feature: str, detail: str = "") -> None:
        if feature not in self.table:
            raise KeyError(f"no weight for the feature {feature!r}")
        self.held.append((feature, detail))

    @property
    def score(self) -> float:
        return sum(self.table[feature] for feature, _ in self.held)

    def evidence(self) -> str:
        """The features that held, strongest first, with their weights and the total."""
        table = self.table
        ranked = sorted(self.held, key=lambda held: -abs(table[held[0]]))
        parts = [f"{feature}: {detail} ({table[feature]:+g})" if detail else f"{feature} ({table[feature]:+g})" for feature, detail in ranked]
        return f"{'; '.join(parts)} = {self.score:+g}"
