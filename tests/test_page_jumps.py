"""Articles continued on another page: which article a continuation goes on is the layout
model's decision (`stitch.page-jump`), weighed on features, fitted from labelled pages, and a
close one stays a suggestion."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

import kcclean
from kcclean.cli import app
from kcclean.layout.decisions import builtin_model, read_model, write_model
from kcclean.layout.fitting import add_jumps, prepare
from kcclean.layout.pages import JumpEnd, JumpPart, jump_choices
from kcclean.rules import load_rulebook
from kcclean_dev import generator
from kcclean_dev.labels import fixture_issues, from_generated

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

TWO_JUMPS = """柯城召开安全生产会议

本报讯（记者 王思）5月8日，柯城召开安全生产工作会议，部署节日期间（下转2版）

航埠镇柑橘喜获丰收

本报讯（通讯员 李明）眼下，航埠镇万亩橘园迎来采摘季，果农们（下转2版）

柑橘喜获丰收

（上接1版）忙着采摘、分拣。

安全生产会议

（上接1版）的安全工作。
"""


def _stitches(issue):
    return [c for c in issue.changes if c.rule == "stitch.page-jump"]


def test_each_continuation_goes_on_the_article_its_jump_headline_names_whatever_their_order() -> None:
    issue = kcclean.clean_text(TWO_JUMPS)
    assert [(a.headline, a.body) for a in issue.articles] == [
        (["柯城召开安全生产会议"], ["本报讯（记者 王思）5月8日，柯城召开安全生产工作会议，部署节日期间的安全工作。"]),
        (["航埠镇柑橘喜获丰收"], ["本报讯（通讯员 李明）眼下，航埠镇万亩橘园迎来采摘季，果农们忙着采摘、分拣。"]),
    ]
    first, second = _stitches(issue)
    assert first.applied and first.before == "柑橘喜获丰收"
    # the evidence names the article, the runner-up and the features that weighed most
    assert re.match(r"goes on “航埠镇柑橘喜获丰收” with probability (0\.9\d|1\.00) \(next: “柯城召开安全生产会议”, 0\.0\d\): ", first.evidence)
    assert "jump headline match over the best rival: 100 against 0" in first.evidence
    assert "the only article that jumps" in second.evidence  # the other article has its continuation


def _two_jump(first: str, second: str, jump: str) -> str:
    return (
        f"{first}\n\n本报讯（记者 王思）5月8日，{first}，部署节日期间（下转2版）\n\n"
        f"{second}\n\n本报讯（通讯员 李明）5月9日，{second}，会议要求各单位（下转2版）\n\n"
        f"{jump}（上接1版）的安全工作。\n"
    )


def test_a_continuation_whose_jump_headline_two_articles_hold_alike_is_only_suggested() -> None:
    # matched 100 against 100: the choice is a coin's toss, whatever each match alone says
    text = _two_jump("柯城召开安全会议", "衢江召开安全会议", "安全会议\n\n")
    issue = kcclean.clean_text(text)
    assert issue.articles[-1].headline == ["安全会议"] and issue.articles[-1].body == ["的安全工作。"]
    (stitch,) = _stitches(issue)
    assert (stitch.applied, stitch.level) == (False, "unsafe")
    assert re.match(r"goes on “柯城召开安全会议” with probability 0\.[2-5]\d \(next: “衢江召开安全会议”, 0\.[2-5]\d\)", stitch.evidence)


def test_a_continuation_with_no_jump_headline_is_recorded_at_its_first_line() -> None:
    one = kcclean.clean_text("柯城召开安全会议\n\n本报讯（记者 王思）5月8日，柯城召开安全会议，部署节日期间（下转2版）\n\n（上接1版）的安全工作。\n")
    assert one.articles[0].body == ["本报讯（记者 王思）5月8日，柯城召开安全会议，部署节日期间的安全工作。"]
    (stitch,) = _stitches(one)
    assert (stitch.applied, stitch.line, stitch.before) == (True, 5, "的安全工作。")
    # two articles wait for it and nothing tells them apart: a suggestion, not a silence
    two = kcclean.clean_text(_two_jump("柯城召开安全会议", "衢江召开消防会议", ""))
    (stitch,) = _stitches(two)
    assert (stitch.applied, stitch.line) == (False, 9)


def test_an_article_whose_headline_the_jump_headline_does_not_match_is_not_given_it() -> None:
    # its 下转 printed, the other article's lost: the one article that jumps is not taken for sure
    text = "柯城召开安全会议\n\n本报讯（记者 王思）5月8日，柯城召开安全会议，部署节日期间（下转2版）\n\n橘园喜获丰收\n\n（上接1版）的采摘工作。\n"
    issue = kcclean.clean_text(text)
    assert [a.headline for a in issue.articles] == [["柯城召开安全会议"], ["橘园喜获丰收"]]
    assert not [c for c in _stitches(issue) if c.applied]


def test_a_continuation_two_articles_could_hold_alike_is_only_suggested() -> None:
    text = (
        "柯城召开安全生产会议\n\n本报讯（记者 王思）5月8日，柯城召开安全生产工作会议，部署节日期间（下转2版）\n\n"
        "柯城召开消防安全会议\n\n本报讯（通讯员 李明）5月9日，柯城召开消防安全工作会议，会议要求各单位（下转2版）\n\n"
        "柯城召开会议\n\n（上接1版）的安全工作。\n"
    )
    issue = kcclean.clean_text(text)
    assert [a.body for a in issue.articles][-1] == ["的安全工作。"]  # left where it stands
    (stitch,) = _stitches(issue)
    assert (stitch.applied, stitch.level) == (False, "unsafe")
    assert kcclean.clean_text(text, unsafe=True).articles[-1].headline == ["柯城召开消防安全会议"]


def test_a_model_file_written_before_page_jumps_were_weighed_takes_the_shipped_weights() -> None:
    shipped = builtin_model()
    text = write_model(shipped)
    older = text[: text.index("[jumps]")]
    model = read_model(older, "my-layout.toml")
    assert (model.jumps, model.jump_bias) == (shipped.jumps, shipped.jump_bias) != ({}, 0.0)
    assert write_model(read_model(text, "again")) == text


def _jump_choices(pages) -> list:
    rulebook = load_rulebook()
    prepared = [prepare(page, rulebook) for page in pages]
    add_jumps(prepared)
    return [choice for page in prepared for choice in page.jumps]


def test_the_fit_reads_each_continuation_and_the_articles_it_could_go_on_off_labelled_pages() -> None:
    # The bundled sample: page 2 goes on the one article of page 1 that jumps. Its jump
    # headline is labelled with no article (kcclean recorded and dropped it): it is the
    # headline right above the continuation. The choice is made twice: as printed, and as if
    # printed without its jump headline.
    (sample,) = [pages for pages in fixture_issues(FIXTURES) if len(pages) == 2]
    (([features], gold), ([bare], bare_gold)) = _jump_choices(sample)
    assert gold == bare_gold == 0
    assert features.details["jump headline match"].startswith("'柯城共富工坊带动群众增收' in ")
    assert "no jump headline" in bare.values
    # Generated issues with several jumps: every continuation is weighed against each article
    # still waiting for one, exactly one of them its own, and again without its own article
    # (its 下转 lost): then none of them is.
    seen = 0
    for seed in range(60):
        issue = generator.generate(seed)
        jumps = sum("page_jump" in log.damages for log in issue.articles)
        if jumps < 2:
            continue
        choices = _jump_choices(from_generated(issue))
        chosen = [len(candidates) for candidates, gold in choices if gold is not None]
        assert sorted(chosen) == sorted([n for n in range(1, jumps + 1)] * 2)  # each continuation takes one
        assert sorted(len(candidates) for candidates, gold in choices if gold is None) == list(range(1, jumps))
        seen += 1
    assert seen >= 3


def test_the_fit_weighs_a_continuation_only_against_articles_that_jump_to_its_page() -> None:
    def part(article, page, jumps_to=None, goes_on_from=None, headline="柯城召开会议"):
        return JumpPart(article, JumpEnd(headline, "本报讯", "部署"), page, jumps_to, goes_on_from)

    parts = [part(0, 1, jumps_to=3), part(1, 1, jumps_to=2), part(1, 2, goes_on_from=1), part(0, 3, goes_on_from=1)]
    choices = jump_choices(parts)
    assert [(len(candidates), gold) for candidates, gold in choices] == [(1, 0), (1, 0), (1, 0), (1, 0)]
    # an article that jumps again is weighed with its own headline and the end of its last part
    again = jump_choices([part(0, 1, jumps_to=2), part(0, 2, jumps_to=3, goes_on_from=1, headline="会议"), part(0, 3, goes_on_from=2, headline="召开会议")])
    assert [features.details["jump headline match"] for (features,), _ in again[::2]] == [
        "'会议' in '柯城召开会议': 100/100",
        "'召开会议' in '柯城召开会议': 100/100",
    ]


def test_a_stitch_rejected_in_the_report_leaves_the_continuation_where_it_is_printed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("page.txt").write_text(TWO_JUMPS, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["fix", "page.txt", "--out", "first"]).exit_code == 0
    stitches = [c for c in json.loads(Path("first/report.json").read_text(encoding="utf-8"))["changes"] if c["kind"] == "stitch"]
    assert [c["undo"] for c in stitches] == [
        {"source": "page.txt", "line": 9, "decide": "keep-in-place", "text": "柑橘喜获丰收"},
        {"source": "page.txt", "line": 13, "decide": "keep-in-place", "text": "安全生产会议"},
    ]
    review = "[[layout]]\n" + "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in stitches[0]["undo"].items())
    Path("review.toml").write_text(review, encoding="utf-8")
    assert runner.invoke(app, ["fix", "page.txt", "--review", "review.toml", "--out", "second"]).exit_code == 0
    articles = [json.loads(line) for line in Path("second/articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["headline"] for a in articles] == [["柯城召开安全生产会议"], ["航埠镇柑橘喜获丰收"], ["柑橘喜获丰收"]]
    assert articles[2]["body"] == ["忙着采摘、分拣。"]


def test_text_after_a_jump_marker_alone_on_its_line_goes_on_in_the_article() -> None:
    # （下转2版） and （上接1版） each on a line of their own: the text after the second is the
    # article's, not page furniture as the line after a masthead line would be
    text = "柯城召开安全生产会议\n\n本报讯（记者 王思）5月8日，柯城召开安全生产工作会议，部署节日期间\n\n（下转2版）\n\n（上接1版）\n\n的安全工作。\n"
    issue = kcclean.clean_text(text)
    assert [a.body for a in issue.articles] == [["本报讯（记者 王思）5月8日，柯城召开安全生产工作会议，部署节日期间的安全工作。"]]
    assert not [c for c in issue.changes if c.rule == "layout.furniture"]
