"""Measure cleaned articles against hand-cleaned references (`kcclean eval`).

Both sides are sets of articles: a kcclean output folder (its articles.jsonl), a folder of
article Markdown files (kcclean's own, perhaps corrected by hand), or `*.expected` files in
the fixtures format. Figures:

- article precision / recall: a predicted article matches the reference article it shares
  most text with, if they share at least half of the longer one (each used once);
- CER: character edits between matched bodies (paragraphs joined), over all reference
  characters; an unmatched reference article counts as wholly wrong;
- paragraph-break F1: where a matched pair breaks paragraphs, positions compared after
  aligning the two texts.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from pathlib import Path

from rapidfuzz.distance import Indel, Levenshtein

from .errors import InputError
from .layout.lines import front_matter
from .model import SUBHEAD_MARK, Text

_MATCH = 0.5


@dataclass(slots=True)
class Scores:
    predicted: int
    reference: int
    matched: int
    edits: int
    characters: int
    breaks_found: int
    breaks_predicted: int
    breaks_reference: int
    headlines: int = 0  # matched articles whose headline lines are exactly the reference's

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.reference if self.reference else 0.0

    @property
    def headline_accuracy(self) -> float:
        return self.headlines / self.reference if self.reference else 0.0

    @property
    def cer(self) -> float:
        return self.edits / self.characters if self.characters else 0.0

    @property
    def break_f1(self) -> float:
        found, predicted, reference = self.breaks_found, self.breaks_predicted, self.breaks_reference
        if not predicted and not reference:
            return 1.0
        return 2 * found / (predicted + reference) if predicted + reference else 0.0

    def to_json(self) -> dict:
        return {
            "articles_predicted": self.predicted,
            "articles_reference": self.reference,
            "articles_matched": self.matched,
            "article_precision": round(self.precision, 4),
            "article_recall": round(self.recall, 4),
            "headline_accuracy": round(self.headline_accuracy, 4),
            "cer": round(self.cer, 4),
            "paragraph_break_f1": round(self.break_f1, 4),
        }

    def __add__(self, other: Scores) -> Scores:
        return Scores(*(a + b for a, b in zip(astuple(self), astuple(other))))



def load_articles(path: Path) -> list[Text]:
    """Articles from an output folder, a folder of article files, or one file."""
    if path.is_dir():
        index = path / "articles.jsonl"
        if index.is_file():
            return _from_jsonl(index)
        files = sorted(path.rglob("*.md")) + sorted(path.rglob("*.expected"))
        if not files:
            raise InputError(str(path), "holds no articles.jsonl, *.md or *.expected files")
        return [a for f in files for a in load_articles(f)]
    if not path.is_file():
        raise InputError(str(path), "no such file or folder")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return _from_jsonl(path)
    if path.suffix == ".expected":
        return _from_expected(text, path.stem)
    return [_from_markdown(text, path.stem)]


def _from_jsonl(path: Path) -> list[Text]:
    articles = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            articles.append(
                Text(
                    str(data["id"]),
                    tuple(data["headline"]),
                    tuple(data["body"]),
                    data.get("byline"),
                    frozenset(data.get("subheads") or ()),
                    _sources(data),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise InputError(f"{path}:{number}", f"not an article line: {error}") from None
    return articles


def _from_markdown(text: str, name: str) -> Text:
    matter, start = front_matter(text)
    headline, body, subheads = [], [], set()
    for block in text[start:].split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        if lines and all(line.startswith("# ") for line in lines):
            headline.extend(line[2:].strip() for line in lines)
        elif lines:
            paragraph = "".join(line.strip() for line in lines)
            if paragraph.startswith(SUBHEAD_MARK):
                subheads.add(len(body))
            body.append(paragraph.removeprefix(SUBHEAD_MARK))
    byline = matter.get("byline")
    return Text(
        str(matter.get("id", name)),
        tuple(headline),
        tuple(body),
        byline if isinstance(byline, str) else None,
        frozenset(subheads),
        _sources(matter),
    )


def _sources(fields: dict) -> tuple[str, ...]:
    """The input files an article came from, as kcclean's output names them."""
    sources = fields.get("sources") or ([fields["source"]] if fields.get("source") else [])
    return tuple(str(name) for name in sources) if isinstance(sources, list) else ()


def _from_expected(text: str, name: str) -> list[Text]:
    articles = []
    for part in text.split("\n== ")[1:]:
        head, _, body = part.partition("\n\n")
        lines = head.split("\n")
        headline = tuple(line[len("headline: ") :] for line in lines if line.startswith("headline: "))
        byline = next((line[len("byline: ") :] for line in lines if line.startswith("byline: ")), "-")
        number = lines[0].split(" ", 1)[0]
        found = [p for p in body.split("\n") if p]
        subheads = frozenset(k for k, p in enumerate(found) if p.startswith(SUBHEAD_MARK))
        paragraphs = tuple(p.removeprefix(SUBHEAD_MARK) for p in found)
        articles.append(Text(f"{name}-{number}", headline, paragraphs, None if byline == "-" else byline, subheads))
    return articles


def score(predicted: list[Text], reference: list[Text]) -> Scores:
    pairs = match_articles(predicted, reference)
    edits = characters = found = n_pred = n_ref = 0
    matched_refs = {id(r) for _, r in pairs}
    headlines = sum(pred.headline == ref.headline for pred, ref in pairs)
    for pred, ref in pairs:
        edits += Levenshtein.distance(pred.joined, ref.joined)
        characters += len(ref.joined)
        hit, p, r = _breaks(pred, ref)
        found, n_pred, n_ref = found + hit, n_pred + p, n_ref + r
    for ref in reference:
        if id(ref) not in matched_refs:
            edits += len(ref.joined)
            characters += len(ref.joined)
            n_ref += len(ref.body) - 1
    return Scores(len(predicted), len(reference), len(pairs), edits, characters, found, n_pred, n_ref, headlines)


def match_articles(predicted: list[Text], reference: list[Text]) -> list[tuple[Text, Text]]:
    """Greedy one-to-one matching by shared text, best pairs first."""
    candidates = []
    for i, pred in enumerate(predicted):
        for j, ref in enumerate(reference):
            longest = max(len(pred.joined), len(ref.joined)) or 1
            shared = (len(pred.joined) + len(ref.joined) - Indel.distance(pred.joined, ref.joined)) / 2
            if shared / longest >= _MATCH:
                candidates.append((shared / longest, i, j))
    used_pred, used_ref, pairs = set(), set(), []
    for _, i, j in sorted(candidates, reverse=True):
        if i not in used_pred and j not in used_ref:
            used_pred.add(i)
            used_ref.add(j)
            pairs.append((predicted[i], reference[j]))
    return pairs


def _breaks(pred: Text, ref: Text) -> tuple[int, int, int]:
    """(breaks in both, breaks predicted, breaks in the reference) after aligning the texts."""
    pred_breaks = break_offsets(pred.body)
    ref_breaks = break_offsets(ref.body)
    alignment = Levenshtein.opcodes(pred.joined, ref.joined)
    mapped = {map_offset(alignment, offset, len(ref.joined)) for offset in pred_breaks}
    return len(mapped & ref_breaks), len(pred_breaks), len(ref_breaks)


def break_offsets(body: tuple[str, ...]) -> set[int]:
    """Where the paragraphs break, as offsets in the body's joined text."""
    offsets, position = set(), 0
    for paragraph in body[:-1]:
        position += len(paragraph)
        offsets.add(position)
    return offsets


def map_offset(alignment, offset: int, length: int) -> int:
    """Where a position of the predicted text falls in the reference text, given their
    alignment (`Levenshtein.opcodes(predicted, reference)`)."""
    for tag, s1, s2, t1, t2 in alignment:
        if s1 <= offset < s2 or (offset == s2 and tag == "equal"):
            return t1 + min(offset - s1, t2 - t1)
    return length
