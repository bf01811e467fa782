"""Fitting the layout model's weights from labelled pages (`kcclean layout fit`,
`scripts/fit_layout.py`): a linear-chain CRF for the roles of lines, a logistic model for
breaks and a multinomial logit for the article a page jump's continuation goes on, all
regularised towards a base model (zero, or the shipped weights when a user fits their own
paper), fitted with L-BFGS. Deterministic: the same pages give the same weights.

Needs numpy and scipy (`pip install 'kcclean[fit]'`); the runtime that reads the weights
does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import KccleanError
from ..model import Page, Role
from ..rules import Rulebook
from .cuts import IssueText
from .decisions import LABELS, NEVER_FOLLOWS, LayoutModel
from .features import Constraint, Features, constraints, line_features
from .issues import page_facts
from .joins import weigh_break
from .labelling import LabelledPage
from .lines import split_units
from .pages import Choice, JumpEnd, JumpPart, jump_choices
from .roles import page_cuts, take_markers

# Regularisation: how strongly the weights are held to the base model (L2), for roles and for
# the yes-or-no decisions (breaks, page jumps); a weight whose size stays below `_PRUNE` is left
# out of the model file.
ROLE_PRIOR = 1.0
ODDS_PRIOR = 1.0
_PRUNE = 0.005
# A break is joined for sure from this probability of a cut, and suggested from `SUGGEST_AT`:
# a wrong join costs four times a missed one (it merges two paragraphs and only the report
# shows it, while a missed join is listed as a suggestion), so a join is made where
# p × 1 > (1 − p) × 4.
WRONG_JOIN_COST = 4
APPLY_AT = WRONG_JOIN_COST / (1 + WRONG_JOIN_COST)
SUGGEST_AT = 0.2
_ITERATIONS = 400
_GROUP = 128  # sequences padded together in the forward-backward pass


@dataclass(slots=True)
class Prepared:
    """A labelled page as the model sees it: features, constraints and labels per line, and
    each labelled break's features."""

    page: LabelledPage
    features: list[Features]
    constraints: list[Constraint | None]
    labels: list[str]
    breaks: list[tuple[Features, bool]] = field(default_factory=list)
    # the page's article parts as the page-jump decision reads them, and the labelled
    # choices of its issue (`add_jumps`), kept with one page of the issue
    parts: list[JumpPart] = field(default_factory=list)
    jumps: list[Choice] = field(default_factory=list)


def _need_numpy():
    try:
        import numpy
        import scipy.optimize  # noqa: F401
        import scipy.sparse  # noqa: F401
    except ImportError:
        raise KccleanError("fitting a layout model needs numpy and scipy: pip install 'kcclean[fit]'") from None
    return numpy


def prepare(page: LabelledPage, rulebook: Rulebook) -> Prepared:
    """The features the runtime would compute for a labelled page, with its labels."""
    split = split_units(page.source)
    if len(split.units) != len(page.labels):
        raise KccleanError(f"{page.name}: {len(page.labels)} labels for {len(split.units)} lines")
    take_markers(split)
    features = line_features(split, rulebook)
    # a label a constraint rules out is the labeller's word against the rule's: the label is
    # kept and the line weighed on its features (the fit must not be asked the impossible)
    settled = [c if c is None or label in c.labels else None for c, label in zip(constraints(split, features, {}), page.labels)]
    prepared = Prepared(page, features, settled, list(page.labels))
    prepared.parts = _jump_parts(split, page)
    prepared.breaks = list(_breaks(split, page))
    return prepared


def add_jumps(issue: list[Prepared]) -> None:
    """The labelled page-jump choices of an issue's pages (in reading order), kept with its first."""
    if issue:
        issue[0].jumps = jump_choices(part for page in issue for part in page.parts)


def _jump_parts(page: Page, labelled: LabelledPage) -> list[JumpPart]:
    """Each article's part of the page, in the order the parts start, as the page-jump
    decision reads it: its headline, its first and last paragraphs (pieces the labels join
    put together), the page's number and the pages it jumps to (下转) and goes on from (上接).
    A marker alone on its line goes with the part before it (下转) or after it (上接); a
    continuation's jump headline, labelled with no article, is the headline right above it."""
    labels, articles, joins = labelled.labels, labelled.articles, labelled.joins
    for unit, label in zip(page.units, labels):
        if label == "masthead" and unit.role is not Role.MARKER:
            unit.role = Role.MASTHEAD  # what page_facts reads the page's number from
    number = page_facts(page)[2]
    order: list[int] = []
    headline: dict[int, list[str]] = {}
    paragraphs: dict[int, list[str]] = {}
    jumps_to: dict[int, int] = {}
    goes_on_from: dict[int, int] = {}
    above: list[str] = []  # headline lines of no article just passed
    pending_from = None  # a 上接 marker alone on its line, for the part after it
    last = -1
    for unit, label, article, join in zip(page.units, labels, articles, joins):
        if unit.role is Role.MARKER:
            if unit.continued_to and last >= 0:
                jumps_to[last] = unit.continued_to
            pending_from = unit.continued_from or pending_from
            continue
        if article < 0:
            above = above + [unit.text] if label in ("head", "head+") else []
            continue
        if article not in headline:
            order.append(article)
            headline[article], paragraphs[article] = list(above), []
        above = []
        if label in ("head", "head+"):
            headline[article].append(unit.text)
        elif label != "byline":
            text = paragraphs[article]
            if join and text:
                text[-1] += unit.text
            else:
                text.append(unit.text)
        if unit.continued_to:
            jumps_to[article] = unit.continued_to
        if unit.continued_from or pending_from:
            goes_on_from.setdefault(article, unit.continued_from or pending_from)
            pending_from = None
        last = article
    return [
        JumpPart(
            a,
            JumpEnd("".join(headline[a]), paragraphs[a][0] if paragraphs[a] else "", paragraphs[a][-1] if paragraphs[a] else ""),
            number,
            jumps_to.get(a),
            goes_on_from.get(a),
        )
        for a in order
    ]


def _breaks(page: Page, labelled: LabelledPage) -> Iterable[tuple[Features, bool]]:
    """Each labelled break with the features the runtime weighs it on, the paragraph so far
    rebuilt from the labels. Breaks a constraint settles are left out."""
    units = page.units
    for unit, label in zip(units, labelled.labels):  # the roles the runtime gives these labels
        unit.role = Role.BODY if label == "body" else Role.CREDIT
    text = IssueText("\n".join(u.text for u in units))
    page.cuts, page.open_ends = page_cuts(page)
    paragraph: list = []
    for k, (unit, join) in enumerate(zip(units, labelled.joins)):
        if join is None:
            paragraph = [unit] if labelled.labels[k] == "body" else []
            continue
        if paragraph and (weighed := weigh_break(paragraph, unit, page, text)) is not None:
            yield weighed, join
        paragraph = paragraph + [unit] if join else [unit]


# --- fitting ---------------------------------------------------------------------------


def fit(
    prepared: list[Prepared], base: LayoutModel | None = None, trained_on: str = "", start: LayoutModel | None = None
) -> LayoutModel:
    """Weights for roles and breaks fitted to the prepared pages, held to `base`. The search
    starts from `start` (default: `base`): both fits are convex, so a start near the optimum
    (the full model, when a held-out fit leaves a few pages out) only makes it faster."""
    numpy = _need_numpy()
    start = start or base
    state, transitions = _fit_roles(numpy, prepared, base, start)
    cuts = [([features], 0 if cut else None) for p in prepared for features, cut in p.breaks]
    breaks, bias = _fit_choices(numpy, cuts, *_odds_of(base, "breaks"), *_odds_of(start, "breaks"))
    jumps, jump_bias = _fit_choices(numpy, [choice for p in prepared for choice in p.jumps], *_odds_of(base, "jumps"), *_odds_of(start, "jumps"))
    return LayoutModel(
        state,
        transitions,
        breaks,
        bias,
        base.apply_at if base else APPLY_AT,
        base.suggest_at if base else SUGGEST_AT,
        "fitted",
        trained_on,
        jumps,
        jump_bias,
    )


def _odds_of(model: LayoutModel | None, decision: str) -> tuple[dict[str, float], float]:
    """A model's weights and bias for breaks or for page jumps (none: zero)."""
    if model is None:
        return {}, 0.0
    return (model.breaks, model.bias) if decision == "breaks" else (model.jumps, model.jump_bias)


def _role_weights(numpy, model: LayoutModel | None, column: dict[str, int], label_at: dict[str, int]):
    """A model's line weights as a (feature, label) matrix and its transitions as a (label,
    label) matrix, over the fit's features (others left out)."""
    weights = numpy.zeros((len(column), len(label_at)))
    transitions = numpy.zeros((len(label_at), len(label_at)))
    if model is not None:
        for name, by_label in model.state.items():
            if name in column:
                for label, weight in by_label.items():
                    weights[column[name], label_at[label]] = weight
        for (a, b), weight in model.transitions.items():
            transitions[label_at[a], label_at[b]] = weight
    return weights, transitions


def _fit_roles(numpy, prepared: list[Prepared], base: LayoutModel | None, initial: LayoutModel | None):
    import scipy.optimize
    import scipy.sparse

    sequences = [p for p in prepared if p.labels]
    names = sorted({name for p in sequences for f in p.features for name in f.values} | set(base.state if base else ()))
    column = {name: k for k, name in enumerate(names)}
    label_at = {label: k for k, label in enumerate(LABELS)}
    size = len(LABELS)
    rows, cols, values, gold, masks, lengths = [], [], [], [], [], []
    line = 0
    for p in sequences:
        for features, constraint, label in zip(p.features, p.constraints, p.labels):
            for name, value in features.values.items():
                rows.append(line)
                cols.append(column[name])
                values.append(value)
            gold.append(label_at[label])
            masks.append([constraint is not None and lab not in constraint.labels for lab in LABELS])
            line += 1
        lengths.append(len(p.labels))
    matrix = scipy.sparse.csr_matrix((values, (rows, cols)), shape=(line, len(names)))
    gold_array = numpy.array(gold)
    blocked = numpy.array(masks, dtype=bool)
    w0, t0 = _role_weights(numpy, base, column, label_at)
    starts = numpy.concatenate([[0], numpy.cumsum(lengths)[:-1]])
    order = numpy.argsort(lengths, kind="stable")
    groups = [order[k : k + _GROUP] for k in range(0, len(order), _GROUP)]
    ruled_out = numpy.zeros((size, size))
    for before, after in NEVER_FOLLOWS:
        ruled_out[label_at[before], label_at[after]] = -1e6
    gold_transitions = numpy.zeros((size, size))
    for start, length in zip(starts, lengths):
        labels = gold_array[start : start + length]
        numpy.add.at(gold_transitions, (labels[:-1], labels[1:]), 1)

    def objective(vector):
        weights = vector[: len(names) * size].reshape(len(names), size)
        trans = vector[len(names) * size :].reshape(size, size)
        emissions = matrix @ weights
        emissions = numpy.where(blocked, -1e6, emissions)
        loss = -emissions[numpy.arange(line), gold_array].sum() - (trans * gold_transitions).sum()
        grad_emissions = numpy.zeros_like(emissions)
        grad_emissions[numpy.arange(line), gold_array] -= 1
        grad_trans = -gold_transitions.copy()
        for group in groups:
            loss += _forward_backward(numpy, emissions, trans + ruled_out, starts[group], numpy.array(lengths)[group], grad_emissions, grad_trans)
        grad_weights = matrix.T @ grad_emissions
        loss += ROLE_PRIOR / 2 * (((weights - w0) ** 2).sum() + ((trans - t0) ** 2).sum())
        grad_weights += ROLE_PRIOR * (weights - w0)
        grad_trans += ROLE_PRIOR * (trans - t0)
        return loss, numpy.concatenate([numpy.asarray(grad_weights).ravel(), grad_trans.ravel()])

    first = numpy.concatenate([array.ravel() for array in _role_weights(numpy, initial, column, label_at)])
    result = scipy.optimize.minimize(objective, first, jac=True, method="L-BFGS-B", options={"maxiter": _ITERATIONS})
    weights = result.x[: len(names) * size].reshape(len(names), size)
    trans = result.x[len(names) * size :].reshape(size, size)
    state = {}
    for name, k in column.items():
        kept = {LABELS[j]: round(float(weights[k, j]), 4) for j in range(size) if abs(weights[k, j]) >= _PRUNE}
        if kept:
            state[name] = kept
    transitions = {(LABELS[i], LABELS[j]): round(float(trans[i, j]), 4) for i in range(size) for j in range(size) if abs(trans[i, j]) >= _PRUNE}
    return state, transitions


def _forward_backward(numpy, emissions, trans, starts, lengths, grad_emissions, grad_trans) -> float:
    """log Z of a group of sequences, with the expected counts added to the gradients."""
    from scipy.special import logsumexp

    longest = int(lengths.max())
    count, size = len(starts), trans.shape[0]
    index = starts[:, None] + numpy.arange(longest)[None, :]
    valid = numpy.arange(longest)[None, :] < lengths[:, None]
    index = numpy.where(valid, index, 0)
    scores = emissions[index]  # (count, longest, size)
    alpha = numpy.empty((count, longest, size))
    alpha[:, 0] = scores[:, 0]
    for t in range(1, longest):
        step = logsumexp(alpha[:, t - 1][:, :, None] + trans[None], axis=1) + scores[:, t]
        alpha[:, t] = numpy.where(valid[:, t][:, None], step, alpha[:, t - 1])
    beta = numpy.zeros((count, longest, size))
    for t in range(longest - 2, -1, -1):
        step = logsumexp(trans[None] + (scores[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
        beta[:, t] = numpy.where(valid[:, t + 1][:, None], step, 0.0)
    log_z = logsumexp(alpha[:, -1], axis=1)
    marginals = numpy.exp(alpha + beta - log_z[:, None, None]) * valid[:, :, None]
    numpy.add.at(grad_emissions, index[valid], marginals[valid])
    for t in range(1, longest):
        pair = alpha[:, t - 1][:, :, None] + trans[None] + (scores[:, t] + beta[:, t])[:, None, :] - log_z[:, None, None]
        grad_trans += (numpy.exp(pair) * valid[:, t][:, None, None]).sum(axis=0)
    return float(log_z.sum())


def _fit_choices(numpy, choices: list[Choice], base: dict[str, float], base_bias: float, start: dict[str, float], start_bias: float):
    """The weights and bias of a choice among candidates and none of them (a multinomial
    logit: each candidate scores its features, none scores 0), fitted to labelled choices and
    held to the base's. A yes-or-no decision (a break, a cut or not) is a choice of one
    candidate: the logistic model."""
    import scipy.optimize
    import scipy.sparse

    if not choices:
        return dict(base), base_bias
    rows = [features for candidates, _ in choices for features in candidates]
    names = sorted({name for features in rows for name in features.values} | set(base))
    column = {name: k for k, name in enumerate(names)}
    r, c, v = [], [], []
    for k, features in enumerate(rows):
        for name, value in features.values.items():
            r.append(k)
            c.append(column[name])
            v.append(value)
    matrix = scipy.sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(names)))
    sizes = numpy.array([len(candidates) for candidates, _ in choices])
    starts = numpy.concatenate([[0], numpy.cumsum(sizes)[:-1]])
    group = numpy.repeat(numpy.arange(len(choices)), sizes)
    target = numpy.zeros(len(rows))
    for first, (_, gold) in zip(starts, choices):
        if gold is not None:
            target[first + gold] = 1.0

    def vector(weights: dict[str, float], bias: float):
        """Weights over the fit's features, the bias last."""
        return numpy.array([weights.get(name, 0.0) for name in names] + [bias])

    w0 = vector(base, base_bias)

    def objective(x):
        z = matrix @ x[:-1] + x[-1]
        top = numpy.maximum(numpy.maximum.reduceat(z, starts), 0.0)  # none of them scores 0
        shares = numpy.exp(z - top[group])
        whole = numpy.exp(-top) + numpy.add.reduceat(shares, starts)
        loss = (top + numpy.log(whole)).sum() - (target * z).sum()
        error = shares / whole[group] - target
        grad = numpy.concatenate([matrix.T @ error, [error.sum()]])
        loss += ODDS_PRIOR / 2 * ((x - w0) ** 2).sum()
        return loss, grad + ODDS_PRIOR * (x - w0)

    result = scipy.optimize.minimize(objective, vector(start, start_bias), jac=True, method="L-BFGS-B", options={"maxiter": _ITERATIONS})
    weights = {name: round(float(result.x[k]), 4) for name, k in column.items() if abs(result.x[k]) >= _PRUNE}
    return weights, round(float(result.x[-1]), 4)


def changes(before: LayoutModel, after: LayoutModel, shown: int = 12) -> list[str]:
    """The weights that moved most between two models, in words."""
    moved = []
    for name in set(before.state) | set(after.state):
        for label in LABELS:
            old = before.state.get(name, {}).get(label, 0.0)
            new = after.state.get(name, {}).get(label, 0.0)
            if old != new:
                moved.append((abs(new - old), f"{name} → {label}: {old:+.2f} → {new:+.2f}"))
    for what, old_weights, new_weights in (("a cut", before.breaks, after.breaks), ("its article", before.jumps, after.jumps)):
        for name in set(old_weights) | set(new_weights):
            old, new = old_weights.get(name, 0.0), new_weights.get(name, 0.0)
            if old != new:
                moved.append((abs(new - old), f"{name} → {what}: {old:+.2f} → {new:+.2f}"))
    return [text for _, text in sorted(moved, key=lambda item: (-item[0], item[1]))[:shown]]
