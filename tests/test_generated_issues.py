"""Generated damaged transcripts (kcclean_dev/generator.py): the generator itself, then kcclean's
quality on them held to floors a little below what it measures today, so that a real
regression fails while the known weaknesses (see benchmarks/quality.py) do not.

Every figure is from fixed seeds, so it is deterministic: a floor that fails means the
pipeline's output changed for the worse on these very issues. `benchmarks/quality.py
--issues 120 --seed 1001` prints the same issues' figures and their worst cases.
"""

from __future__ import annotations

import functools
import random
from collections import Counter

import pytest
from conftest import FIXTURES

from kcclean.pipeline import clean_files
from kcclean_dev import generator

QUALITY_SEEDS = range(3001, 3121)  # 120 issues, none the layout model was fitted on (0–1499): about two seconds
GENERATOR_SEEDS = range(1, 201)


@functools.cache
def generated(seed: int) -> generator.GeneratedIssue:
    return generator.generate(seed)


# --- the generator -----------------------------------------------------------------------


def test_clean_articles_come_from_every_fixture() -> None:
    pool = generator.clean_articles()
    sources = {a.id.rsplit("-", 1)[0].rsplit("/", 1)[-1] for a in pool}
    assert {"sample", "clean_issue", "input"} <= sources
    assert not any(s[:3].isdigit() for s in sources)  # the real seeds are published text, kept as fingerprints only
    assert sum(a.has_lead for a in pool) >= 15
    assert any(a.kind == "photo" for a in pool)
    assert any(a.kind == "news" and not a.has_lead for a in pool)  # a standalone byline
    for article in pool:
        assert article.headline and article.body
    corpus = {folder.name for folder in (FIXTURES / "corpus").iterdir() if folder.is_dir()}
    assert corpus <= {article.genre for article in pool}  # notices, letters, obituaries too


def test_same_seed_same_issue() -> None:
    for seed in (1, 7, 123):
        a, b = generator.generate(seed), generator.generate(seed)
        assert a.files == b.files
        assert a.expected == b.expected
        assert a.articles == b.articles
    assert generator.generate(1).files != generator.generate(2).files


def test_every_expected_character_is_in_the_raw_text() -> None:
    for seed in GENERATOR_SEEDS:
        issue = generated(seed)
        raw = Counter("".join(issue.files.values()))
        wanted = Counter("".join("".join(t.headline) + "".join(t.body) for t in issue.expected))
        missing = wanted - raw
        assert not missing, (seed, missing)


def test_expected_articles_are_the_clean_ones_in_reading_order() -> None:
    pool = {a.id: a for a in generator.clean_articles()}
    stops_dropped = 0
    for seed in GENERATOR_SEEDS:
        issue = generated(seed)
        assert len(issue.expected) == len(issue.articles)
        pages = [log.page for log in issue.articles]
        assert pages == sorted(pages)
        for log, text in zip(issue.articles, issue.expected):
            clean = pool[log.source]
            assert text.headline == clean.headline and len(text.body) == len(clean.body)
            dropped = [(a, b) for a, b in zip(text.body, clean.body) if a != b]
            assert dropped == [] or [b for a, b in dropped] == [a + "。" for a, _ in dropped] and len(dropped) == 1
            stops_dropped += bool(dropped)
    assert stops_dropped >= 5  # a paragraph whose final 。 OCR dropped: its break must stay


def test_wrapped_lines_respect_the_column() -> None:
    checked = 0
    for seed in GENERATOR_SEEDS:
        issue = generated(seed)
        if issue.layout != "wrapped":
            continue
        assert 12 <= issue.width <= 24
        for text in issue.files.values():
            for line in text.split("\n"):
                if not line or line in issue.furniture:
                    continue
                checked += 1
                assert len(line) <= issue.width + 1, (seed, line)
                assert line[0] not in generator.NO_LINE_START, (seed, line)
                assert line[-1] not in generator.NO_LINE_END, (seed, line)
                assert line == line.strip(" "), (seed, line)
    assert checked > 1000


def test_wrap_keeps_marks_off_line_starts() -> None:
    text = "　　会议强调，要抓好落实。“我们一定做到！”他说。" * 3
    for width in range(12, 25):
        lines = generator.wrap(text, width)
        assert "".join(lines) == text
        assert all(len(line) <= width + 1 for line in lines)
        assert all(line[0] not in generator.NO_LINE_START for line in lines[1:])


def test_every_layout_and_damage_is_drawn() -> None:
    layouts_seen, damages_seen = Counter(), Counter()
    for seed in GENERATOR_SEEDS:
        issue = generated(seed)
        layouts_seen[issue.layout] += 1
        damages_seen.update(d for log in issue.articles for d in log.damages)
    assert set(layouts_seen) == set(generator.LAYOUTS)
    assert set(damages_seen) == set(generator.DAMAGES)
    assert min(damages_seen.values()) >= 30  # a displaced lead needs an article with a lead (36)


LEAD = "本报讯（记者 王思）4月11日，早田公司配送中心一片忙碌，70余名员工正在紧张地忙碌着。"
SECOND = "为援助上海疫情期间“菜篮子”供应，3月28日，早田公司成功获批浙江省疫情防控重点物资运输车辆通行证。"
THIRD = "下一步，早田公司将继续畅通上海蔬菜保障供应链。"


def test_cuts_fall_inside_running_words() -> None:
    text = "会议强调，要抓好“四书”签订（王佳怡 摄）工作，确保2023年12月底前完工。（王佳怡 林浩 摄）"
    positions = generator.cut_positions(text)
    assert positions
    for at in positions:
        assert text[at - 1].isalnum() and text[at].isalnum()
        assert generator.MIN_PIECE <= at <= len(text) - generator.MIN_PIECE
        assert at < text.rindex("（王佳怡 林浩 摄）")  # never inside the closing credit


def test_displaced_lead_is_laid_out_like_seed_004() -> None:
    for seed in range(50):
        segments = generator.displace_lead(random.Random(seed), (LEAD, SECOND, THIRD))
        rest, middle, lead, start = segments[0], segments[1:-2], segments[-2], segments[-1]
        assert lead.text == LEAD and lead.starts_paragraph
        assert start.text + rest.text == SECOND and not rest.starts_paragraph
        assert not generator.ends_sentence(start.text)
        assert [s.text for s in middle] == [THIRD]
    assert generator.displace_lead(random.Random(1), (LEAD,)) is None


def test_page_jump_cuts_mid_sentence_with_markers() -> None:
    for seed in range(50):
        segments = [generator.Segment(p) for p in (LEAD, SECOND, THIRD)]
        first, rest = generator.jump_cut(random.Random(seed), segments)
        assert "".join(s.text for s in first + rest) == LEAD + SECOND + THIRD
        assert first[-1].forward.startswith("（下转") and rest[0].backward.startswith("（上接")
        assert first[-1].text[-1].isalnum() and rest[0].text[0].isalnum()
        assert not rest[0].starts_paragraph


def test_wrap_cut_and_overlap() -> None:
    for seed in range(50):
        rng = random.Random(seed)
        segments = [generator.Segment(SECOND)]
        assert generator._split_segment(rng, segments, overlap=False)
        assert "".join(s.text for s in segments) == SECOND
        assert [s.starts_paragraph for s in segments] == [True, False]
        segments = [generator.Segment(SECOND)]
        assert generator._split_segment(rng, segments, overlap=True)
        first, second = (s.text for s in segments)
        size = len(first) + len(second) - len(SECOND)
        assert 3 <= size <= 5
        assert second[:size] == first[-size:] and first + second[size:] == SECOND


def test_split_headline_only_where_the_body_prints_the_phrase() -> None:
    headline = ("柯城召开疫情防控会议 部署复工复产",)
    body = ("本报讯（记者 王思）5月8日，柯城召开疫情防控会议，部署复工复产工作。",)
    for seed in range(50):
        (split,) = generator.split_headline(random.Random(seed), headline, body)
        assert split.replace(" ", "") == headline[0].replace(" ", "")
        assert split.count(" ") == 2
        at = next(i for i, (a, b) in enumerate(zip(split, headline[0])) if a != b)
        left, right = split[:at].rsplit(" ", 1)[-1], split[at + 1 :].split(" ", 1)[0]
        assert len(left) >= 2 and len(right) >= 2 and left[-4:] + right[:4] in body[0]
    assert generator.split_headline(random.Random(1), ("无关标题",), ("正文。",)) is None


def test_generated_damage_is_recorded_and_printed() -> None:
    for seed in GENERATOR_SEEDS:
        issue = generated(seed)
        raw = "\n".join(issue.files.values())
        lines = [line.removeprefix("## ") for line in raw.split("\n")]
        jumps = sum("page_jump" in log.damages for log in issue.articles)
        if jumps:
            page1, page2 = issue.files.values()
            assert page1.count("（下转") == jumps and page2.count("（上接") == jumps
        for log, text in zip(issue.articles, issue.expected):
            assert log.printed_headline == text.headline or "split_headline" in log.damages
            if "split_headline" in log.damages:
                assert log.printed_headline != text.headline
            for line in log.printed_headline:
                assert line in lines, (seed, line)


def test_issue_is_one_issue_with_its_masthead() -> None:
    for seed in range(1, 40):
        issue = generated(seed)
        first = next(iter(issue.files.values()))
        assert f"第{issue.number}期" in first
        if len(issue.files) == 2:
            assert "今日柯城·要闻" in list(issue.files.values())[1]


# --- kcclean on generated issues ---------------------------------------------------------


@pytest.fixture(scope="module")
def measured(tmp_path_factory, rulebook) -> list[generator.IssueResult]:
    folder = tmp_path_factory.mktemp("generated")
    return [generator.run_kcclean(generator.generate(seed), folder / str(seed), rulebook) for seed in QUALITY_SEEDS]


def _tally(results, layout: str | None = None) -> generator.Tally:
    tally = generator.Tally()
    for result in results:
        if layout is None or result.issue.layout == layout:
            tally.add_issue(result)
    return tally


def _describe(tally: generator.Tally) -> str:
    return (
        f"CER {tally.cer:.4f}, precision {tally.precision:.4f}, recall {tally.recall:.4f}, "
        f"break F1 {tally.break_f1:.4f}, headline {tally.headline_accuracy:.4f}"
    )


# Floors a little below what kcclean achieves on QUALITY_SEEDS today (measured, in brackets:
# `benchmarks/quality.py --issues 120 --seed 3001`). Raise them when kcclean gets better.
# The generator draws from every genre of the corpus, notices and obituaries among them: an
# article with neither lead nor byline after a finished one is the hardest case left, mostly
# in the blank-line blocks layout, with a lead displaced below its own tail.
FLOORS = {
    # layout: CER at most; article precision, recall, paragraph-break F1, exact headline at least
    None: dict(cer=0.018, precision=0.99, recall=0.978, break_f1=0.962, headline=0.97),
    # (0.0145, 0.9962, 0.9867, 0.9709, 0.9791)
    "blocks": dict(cer=0.042, precision=0.985, recall=0.955, break_f1=0.95, headline=0.945),
    # (0.0329, 0.9943, 0.9721, 0.9621, 0.9609)
    "wrapped": dict(cer=0.013, precision=0.985, recall=0.975, break_f1=0.96, headline=0.97),
    # (0.0098, 0.9933, 0.9868, 0.9691, 0.9801)
    "markdown": dict(cer=0.002, precision=0.995, recall=0.995, break_f1=0.975, headline=0.985),
    # (0.0001, 1.0000, 1.0000, 0.9813, 0.9949)
}
# A paragraph break is kept unless the model is sure enough that the text was cut
# (kcclean/layout/decisions.py): a close call stays a suggestion, so break F1 is below 1.
DAMAGE_FLOORS = {
    # damage: CER at most, article recall at least
    "none": (0.012, 0.975),  # (0.0069, 0.9911) undamaged articles beside damaged ones
    "wrap_cut": (0.011, 0.99),  # (0.0086, 0.9968)
    "overlap": (0.025, 0.97),  # (0.0189, 0.9804)
    "displaced_lead": (0.08, 0.83),  # (0.0639, 0.8889) 18 articles
    "page_jump": (0.004, 0.975),  # (0.0000, 1.0000)
    "split_headline": (0.012, 0.97),  # (0.0000, 1.0000)
}
# genre of fixtures/corpus (paper: the sample and the other fixtures of whole issues): article recall and exact
# headline at least, today's less about one article of the 9–25 each genre has here; the
# aim is 0.98 and 0.95 for every genre (docs/quality.md has the held-out figures).
GENRE_FLOORS = {
    "brief": (0.9, 0.9),  # (1.0000, 1.0000)
    "commentary": (0.9, 0.9),  # (1.0000, 1.0000)
    "diary": (0.95, 0.95),  # (1.0000, 1.0000)
    "feature": (0.94, 0.94),  # (1.0000, 0.9474)
    "feature-subheads": (0.88, 0.77),  # (1.0000, 1.0000) 10 articles
    "headlines-kicker": (0.93, 0.93),  # (1.0000, 1.0000)
    "headlines-multiline": (0.93, 0.86),  # (1.0000, 0.9333)
    "headlines-punct": (0.87, 0.75),  # (0.8947, 0.8947)
    "interview": (0.94, 0.94),  # (1.0000, 1.0000)
    "length-extremes": (0.93, 0.93),  # (1.0000, 1.0000)
    "letter": (0.95, 0.95),  # (1.0000, 1.0000)
    "news-lead": (0.94, 0.94),  # (1.0000, 1.0000)
    "news-no-lead": (0.94, 0.94),  # (1.0000, 1.0000)
    "notice": (0.95, 0.95),  # (1.0000, 1.0000)
    "obituary": (0.93, 0.93),  # (0.9333, 0.9333)
    "paper": (0.97, 0.97),  # (0.9860, 0.9860)
    "photo": (0.88, 0.88),  # (1.0000, 0.9444)
    "reprint": (0.88, 0.88),  # (0.9500, 0.9500)
    "serial": (0.94, 0.88),  # (1.0000, 0.9444)
    "speech": (0.93, 0.93),  # (1.0000, 1.0000)
    "sports": (0.93, 0.93),  # (1.0000, 1.0000)
    "table-notice": (0.94, 0.94),  # (1.0000, 1.0000)
}


@pytest.mark.parametrize("layout", list(FLOORS), ids=lambda name: name or "overall")
def test_quality_floors(measured, layout) -> None:
    tally = _tally(measured, layout)
    floor = FLOORS[layout]
    assert tally.articles > 100
    assert tally.cer <= floor["cer"], _describe(tally)
    assert tally.precision >= floor["precision"], _describe(tally)
    assert tally.recall >= floor["recall"], _describe(tally)
    assert tally.break_f1 >= floor["break_f1"], _describe(tally)
    assert tally.headline_accuracy >= floor["headline"], _describe(tally)


@pytest.mark.parametrize("damage", list(DAMAGE_FLOORS))
def test_quality_floors_by_damage(measured, damage) -> None:
    tally = generator.Tally()
    for result in measured:
        for article in result.articles:
            if damage in article.log.damages or (damage == "none" and not article.log.damages):
                tally.add_article(article)
    cer, recall = DAMAGE_FLOORS[damage]
    assert tally.articles >= 15  # a displaced lead is the rarest: 18
    assert tally.cer <= cer, _describe(tally)
    assert tally.recall >= recall, _describe(tally)


@pytest.mark.parametrize("genre", list(GENRE_FLOORS))
def test_quality_floors_by_genre(measured, genre) -> None:
    tally = generator.Tally()
    for result in measured:
        for article in result.articles:
            if article.log.genre == genre:
                tally.add_article(article)
    recall, headline = GENRE_FLOORS[genre]
    assert tally.articles >= 5
    assert tally.recall >= recall, _describe(tally)
    assert tally.headline_accuracy >= headline, _describe(tally)


def test_every_genre_has_floors() -> None:
    assert set(GENRE_FLOORS) == set(generator.genres())


def test_every_issue_stays_one_issue(measured) -> None:
    """Both pages of a generated issue share the masthead date: kcclean groups them."""
    for result in measured:
        assert not result.errors, result.errors
        assert result.issues_out == 1, result.issue.describe()


def test_split_headlines_are_closed(measured) -> None:
    """A space cut into a headline word never survives into kcclean's headline."""
    checked = 0
    for result in measured:
        for article in result.articles:
            # (when the body came out wrong, a caption piece taken for a headline line can take
            # the phrase the fix looks for with it: that is the other failure, not this one)
            if "split_headline" in article.log.damages and article.predicted and article.scores.edits == 0:
                damaged = set(article.log.printed_headline) - set(article.expected.headline)
                assert not damaged & set(article.predicted.headline), result.issue.describe()
                checked += 1
    assert checked >= 20


def _marked(article: generator.Clean) -> bool:
    """Does every paragraph but the last end a sentence? One that does not (its 。 dropped in
    print) reads like a paragraph cut in two unless the page indents paragraphs: a guess."""
    return all(generator.ends_sentence(p) or k in article.subheads for k, p in enumerate(article.body[:-1]))


def test_undamaged_markdown_comes_out_exactly(tmp_path, rulebook) -> None:
    """With `##` headlines and no damage there is nothing to guess: every article exact."""
    pool = tuple(a for a in generator.clean_articles() if _marked(a))
    for seed in range(1, 25):
        issue = generator.generate(seed, pool=pool, layouts=("markdown",), damages=())
        paths = issue.write(tmp_path / str(seed))
        predicted, count, errors = generator.predicted_texts(clean_files(paths, rulebook))
        assert (count, errors) == (1, [])
        assert [(t.headline, t.body) for t in predicted] == [(t.headline, t.body) for t in issue.expected], seed


# Issues of that test the layout model still gets wrong, each with what goes wrong; they must
# stay wrong (a fixed one leaves the list), as KNOWN_FAILURES in test_fixtures.py.
KNOWN_BLOCK_FAILURES: dict[int, str] = {}


def test_undamaged_blocks_with_leads_come_out_exactly(tmp_path, rulebook) -> None:
    """The seeds' own layout, every article opening with 本报讯: every article exact."""
    pool = tuple(a for a in generator.clean_articles() if a.has_lead and _marked(a))
    for seed in range(1, 25):
        issue = generator.generate(seed, pool=pool, layouts=("blocks",), damages=())
        paths = issue.write(tmp_path / str(seed))
        predicted, _, _ = generator.predicted_texts(clean_files(paths, rulebook))
        exact = [(t.headline, t.body) for t in predicted] == [(t.headline, t.body) for t in issue.expected]
        assert exact is (seed not in KNOWN_BLOCK_FAILURES), (seed, KNOWN_BLOCK_FAILURES.get(seed))
