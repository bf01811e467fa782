"""The layout model: every layout decision weighed from the features of `features.py` with
weights fitted from labelled pages (`fitting.py`, `scripts/fit_layout.py`), read from a data
file (`kcclean/data/layout-model.toml`, or a user's own: `--layout-model`).

- The role of each line is a linear-chain model over the lines of a page (a CRF, as document
  structure tools such as GROBID use): each label scores the line's features, each pair of
  labels scores their succession, and the best sequence of labels wins (Viterbi). A `head`
  starts an article; `head+` goes on with its headline.
- Each break between two pieces of a paragraph is a logistic model: the probability that the
  text was cut there. Above `apply_at` the pieces are joined; above `suggest_at` the join is
  only suggested: a close decision stays a suggestion.
- Which article a page jump's continuation goes on is a choice among the articles that jump
  to its page and none of them (a multinomial logit, `LayoutModel.choose`), with the same
  thresholds.

A fact that settles a case outright (a line that is only a continuation marker, kcclean's own
article file marking its headlines with #) is a named constraint: it limits the labels a line
may take and shows in the evidence like a feature. Successions no page has (`NEVER_FOLLOWS`)
are ruled out of the sequence, and a line's reason says so where they decided it. The
runtime needs no machine-learning library: a model is a table of weights.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..datafile import read_data_file
from ..errors import InputError
from .features import Constraint, Features

LABELS = ("masthead", "banner", "head", "head+", "subhead", "byline", "credit", "body")
# Successions no page has: an article does not start right after a line of a headline (that
# headline would have no article under it: it is a banner, or the new line goes on with it),
# and a further line of a headline follows a line of it. Constraints on the sequence, not
# weights: the fit and the runtime both rule them out.
NEVER_FOLLOWS = frozenset(
    {("head", "head"), ("head+", "head")} | {(label, "head+") for label in LABELS if label not in ("head", "head+")}
)
_RULED_OUT = -1e9
FORMAT = 1
_SHOWN = 5  # features named in a decision's evidence, strongest first


@dataclass(slots=True)
class Role:
    """The label a line got, and what `explain` needs to say why (asked only of the lines
    that are no plain text: most lines are, and most never need it)."""

    label: str
    constraint: str | None
    model: LayoutModel
    features: Features
    scores: dict[str, float]  # each allowed label's score from the line's own features
    previous: str | None  # the labels of the lines around it
    following: str | None

    def _placed(self, candidate: str, transitions: dict[tuple[str, str], float] | None = None) -> float:
        """The candidate's score in its place between the lines around it (by default with the
        successions no page has ruled out; an explanation weighs the fitted ones alone)."""
        transitions = self.model._succession if transitions is None else transitions
        return (
            self.scores[candidate]
            + (transitions.get((self.previous, candidate), 0.0) if self.previous else 0.0)
            + (transitions.get((candidate, self.following), 0.0) if self.following else 0.0)
        )

    def rather(self, *candidates: str) -> str:
        """Which of these labels the line would take in its place, were it none of the others."""
        return max((c for c in candidates if c in self.scores), key=self._placed, default=self.label)

    def explain(self, label: str | None = None, rivals: tuple[str, ...] = LABELS) -> str:
        """The features that told the label (the line's own, unless another is named) from
        the runner-up among `rivals` (the one that would score best in its place between the
        lines around it), strongest first."""
        label = label or self.label
        vectors, transitions = self.model._vectors, self.model.transitions
        others = [other for other in self.scores if other != label and other in rivals]

        def placed(candidate: str) -> float:
            return self._placed(candidate, transitions)

        runner = max(others, key=placed) if others else None
        evidence = []
        details = self.features.details
        mine, theirs = LABELS.index(label), LABELS.index(runner) if runner else None
        for name, value in self.features.values.items():
            weights = vectors.get(name)
            if weights is None:
                continue  # a feature the model has no weight for tells nothing
            contribution = round((weights[mine] - (weights[theirs] if runner else 0.0)) * value, 2)
            if contribution:
                evidence.append((name, contribution, details.get(name, "")))
        for neighbour, pair, say in (
            (self.previous, lambda x: (self.previous, x), "after a {} line"),
            (self.following, lambda x: (x, self.following), "before a {} line"),
        ):
            if neighbour is not None:
                contribution = transitions.get(pair(label), 0.0) - (transitions.get(pair(runner), 0.0) if runner else 0.0)
                if round(contribution, 2):
                    evidence.append((say.format(neighbour), round(contribution, 2), ""))
        evidence.sort(key=lambda item: -abs(item[1]))
        parts = _named(evidence[:_SHOWN])
        if self.constraint:
            parts.insert(0, f"{self.constraint} (settles it)")
        margin = placed(label) - placed(runner) if runner else 0.0
        if runner is None:
            rest = ""
        elif margin >= 0 or self._placed(runner) > _RULED_OUT / 2:
            rest = f"; {runner} by {margin:.2f} less"
        else:  # a rival the fitted weights prefer, ruled out by the lines around it (NEVER_FOLLOWS)
            rest = f"; {runner} by {-margin:.2f} more, but {_never_said(self.previous, runner, self.following)}"
        return f"{'; '.join(parts)} = {self.scores[label]:+.2f}{rest}"


@dataclass(frozen=True, slots=True)
class Odds:
    """A yes-or-no decision weighed (is a break a cut, does a continuation go on an article):
    its probability, and the features that weighed most."""

    probability: float
    evidence: list[tuple[str, float, str]]

    def explain(self) -> str:
        """A break's weighing in words."""
        return f"{self.named()}; a cut with probability {self.probability:.2f}"

    def named(self) -> str:
        """The features that weighed most, with their contributions."""
        return "; ".join(_named(self.evidence))


def _never_said(previous: str | None, label: str, following: str | None) -> str:
    """Why the lines around a line rule a label out, in words."""
    if (previous, label) in NEVER_FOLLOWS:
        return f"no page has a {label} line after a {previous} line"
    return f"no page has a {following} line after a {label} line"


def _named(evidence: list[tuple[str, float, str]]) -> list[str]:
    return [f"{name}: {detail} ({weight:+.2f})" if detail else f"{name} ({weight:+.2f})" for name, weight, detail in evidence]


@dataclass(slots=True)
class LayoutModel:
    """Fitted weights: per feature and label for the roles of lines, per pair of labels for
    their succession, per feature for breaks and for the choice of the article a page jump's
    continuation goes on (a model file without the last, written before that choice was
    weighed, takes the built-in model's)."""

    state: dict[str, dict[str, float]]
    transitions: dict[tuple[str, str], float]
    breaks: dict[str, float]
    bias: float = 0.0
    apply_at: float = 0.5
    suggest_at: float = 0.2
    origin: str = "built-in"
    trained_on: str = ""
    jumps: dict[str, float] = field(default_factory=dict)
    jump_bias: float = 0.0
    # the transitions with the successions no page has ruled out
    _succession: dict[tuple[str, str], float] = field(init=False, repr=False, compare=False)
    # per label, the weight of its succession to each label before it, in the order of LABELS
    _into_all: dict[str, list[float]] = field(init=False, repr=False, compare=False)
    # per feature, its weights in the order of LABELS: a line's scores are a few vector sums
    _vectors: dict[str, list[float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._vectors = {name: [weights.get(label, 0.0) for label in LABELS] for name, weights in self.state.items()}
        self._succession = {**self.transitions, **dict.fromkeys(NEVER_FOLLOWS, _RULED_OUT)}
        self._into_all = {label: [self._succession.get((before, label), 0.0) for before in LABELS] for label in LABELS}

    def roles(self, features: list[Features], constraints: list[Constraint | None]) -> list[Role]:
        """The best labels for a page's lines (Viterbi), each able to explain itself."""
        if not features:
            return []
        scores = [self._scores(f, c) for f, c in zip(features, constraints)]
        best = [dict(scores[0])]
        back: list[dict[str, str]] = [{}]
        for own_scores in scores[1:]:
            before_scores = best[-1]
            labels, values = list(before_scores), list(before_scores.values())  # in the order of LABELS
            # most lines may take any label: their transitions are a vector per label, made once
            into = self._into_all if len(labels) == len(LABELS) else None
            here, came = {}, {}
            for label, own in own_scores.items():
                weights = into[label] if into else [self._succession.get((before, label), 0.0) for before in labels]
                reached = [value + weight for value, weight in zip(values, weights)]
                top_value = max(reached)  # the first of equals, as LABELS orders them
                here[label], came[label] = top_value + own, labels[reached.index(top_value)]
            best.append(here)
            back.append(came)
        label = max(best[-1], key=best[-1].get)
        path = [label]
        for k in range(len(scores) - 1, 0, -1):
            label = back[k][label]
            path.append(label)
        path.reverse()
        neighbours = zip([None, *path[:-1]], path[1:] + [None])
        return [
            Role(path[k], constraints[k].name if constraints[k] else None, self, features[k], scores[k], *around)
            for k, around in enumerate(neighbours)
        ]

    def _scores(self, features: Features, constraint: Constraint | None) -> dict[str, float]:
        totals = [0.0] * len(LABELS)
        vector, add = self._vectors.get, operator.add  # looked up once: a line has some forty features
        for name, value in features.values.items():
            weights = vector(name)
            if weights is not None:
                totals = list(map(add, totals, weights)) if value == 1.0 else [t + w * value for t, w in zip(totals, weights)]
        if constraint is None:
            return dict(zip(LABELS, totals))
        return {label: total for label, total in zip(LABELS, totals) if label in constraint.labels}

    def join(self, features: Features) -> Odds:
        """How likely the break is a cut, and the features that weighed most."""
        return _choice(self.breaks, self.bias, [features])[0]

    def choose(self, candidates: list[Features]) -> list[Odds]:
        """How likely a continuation goes on each article that jumps to its page, weighed
        together and against none of them: two articles it fits alike share the odds, and
        neither is sure."""
        return _choice(self.jumps, self.jump_bias, candidates)


def _choice(weights: dict[str, float], bias: float, candidates: list[Features]) -> list[Odds]:
    """A choice among candidates and none of them (a multinomial logit: each candidate scores
    its features, none scores 0), as the fit models it; a yes-or-no decision is a choice of
    one candidate, the logistic model."""
    weighed = [_weighed(weights, bias, features) for features in candidates]
    top = max([0.0, *(total for total, _ in weighed)])  # scores shifted so that none overflows
    shares = [math.exp(total - top) for total, _ in weighed]
    whole = math.exp(-top) + sum(shares)
    return [Odds(share / whole, evidence) for share, (_, evidence) in zip(shares, weighed)]


def _weighed(weights: dict[str, float], bias: float, features: Features) -> tuple[float, list[tuple[str, float, str]]]:
    """A linear score of the features, and those that weighed most."""
    total = bias
    evidence = []
    for name, value in features.values.items():
        weight = weights.get(name, 0.0) * value
        total += weight
        if round(weight, 2):
            evidence.append((name, round(weight, 2), features.details.get(name, "")))
    evidence.sort(key=lambda item: -abs(item[1]))
    return total, evidence[:_SHOWN]


def read_model(text: str, origin: str) -> LayoutModel:
    """A model from its TOML text; a broken file is an input error naming it."""
    try:
        data = tomllib.loads(text)
        head = data["model"]
        if head.get("format") != FORMAT:
            raise ValueError(f"format {head.get('format')!r}: this kcclean reads format {FORMAT}")
        labels = tuple(head["labels"])
        if labels != LABELS:
            raise ValueError(f"labels {list(labels)}: this kcclean's are {list(LABELS)}")
        transitions = {}
        for pair, weight in data["roles"]["transitions"].items():
            before, after = pair.split(" > ")
            transitions[(before, after)] = float(weight)
        state = {name: {label: float(w) for label, w in weights.items()} for name, weights in data["roles"]["features"].items()}
        breaks = data["breaks"]
        jumps = data.get("jumps")
        if jumps is None:  # a model fitted before page jumps were weighed
            shipped = builtin_model()
            jump_weights, jump_bias = shipped.jumps, shipped.jump_bias
        else:
            jump_weights, jump_bias = {name: float(w) for name, w in jumps["features"].items()}, float(jumps["bias"])
        return LayoutModel(
            state,
            transitions,
            {name: float(w) for name, w in breaks["features"].items()},
            float(breaks["bias"]),
            float(breaks["apply_at"]),
            float(breaks["suggest_at"]),
            origin,
            str(head.get("trained_on", "")),
            jump_weights,
            jump_bias,
        )
    except (tomllib.TOMLDecodeError, KeyError, ValueError, TypeError, AttributeError) as error:
        problem = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise InputError(origin, f"not a kcclean layout model: {problem}") from None


def write_model(model: LayoutModel) -> str:
    """A model as TOML, keys sorted and weights rounded: the same model gives the same bytes."""
    out = [
        "# A kcclean layout model: weights fitted from labelled pages. Written by kcclean layout fit or",
        "# scripts/fit_layout.py; read with --layout-model FILE or layout_model in kcclean.toml.",
        "",
        "[model]",
        f"format = {FORMAT}",
        f"labels = [{', '.join(_quoted(label) for label in LABELS)}]",
        f"trained_on = {_quoted(model.trained_on)}",
        "",
        "[roles.transitions]",
    ]
    out += [f"{_quoted(f'{a} > {b}')} = {_number(w)}" for (a, b), w in sorted(model.transitions.items())]
    out += ["", "[roles.features]"]
    for name in sorted(model.state):
        weights = ", ".join(f"{_quoted(label)} = {_number(w)}" for label, w in sorted(model.state[name].items()))
        out.append(f"{_quoted(name)} = {{ {weights} }}")
    out += ["", "[breaks]", f"bias = {_number(model.bias)}", f"apply_at = {_number(model.apply_at)}", f"suggest_at = {_number(model.suggest_at)}", "", "[breaks.features]"]
    out += [f"{_quoted(name)} = {_number(w)}" for name, w in sorted(model.breaks.items())]
    out += ["", "[jumps]", f"bias = {_number(model.jump_bias)}", "", "[jumps.features]"]
    out += [f"{_quoted(name)} = {_number(w)}" for name, w in sorted(model.jumps.items())]
    return "\n".join(out) + "\n"


def _quoted(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but for DEL, which TOML wants escaped
    too; a folder name's bytes that are not UTF-8 are written as \\xNN."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}.0"


@functools.cache
def builtin_model() -> LayoutModel:
    text = resources.files("kcclean").joinpath("data/layout-model.toml").read_text(encoding="utf-8")
    return read_model(text, "built-in layout model")


def load_model(path: Path | None) -> LayoutModel:
    """A user's layout model (`--layout-model`), or the built-in one."""
    if path is None:
        return builtin_model()
    try:
        text = read_data_file(path)  # a regular file of bounded size: never a pipe or a device
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot read the layout model: {error}") from None
    return read_model(text, str(path))
