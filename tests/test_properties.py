"""Properties that hold for every input: idempotence, do no harm, nothing lost."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, seed_inputs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kcclean.model import Change, Issue, Unit
from kcclean.output.folder import article_markdown
from kcclean.pipeline import clean_files, clean_text
from kcclean.rules.engine import Slot, repair

HAN = "柯城区委书记召开会议疫情防控工作强调要进一步做好群众企业服务中心乡村振兴建设发展全面落实"
TRADITIONAL = "區會議書記進強發"
CLEAN_PUNCT = "，。、；：？！“”（）"
DAMAGE = ",.()?!:;\"'-| \u3000\u200b\ufffd\x07０１２ＡＢ" + TRADITIONAL
DIGITS = "0123456789"

damaged_text = st.text(alphabet=HAN + CLEAN_PUNCT + DAMAGE + DIGITS + "abcAPP", min_size=1, max_size=80)


def repaired(text: str, rulebook, scope: str = "body") -> str:
    unit = Unit.alone(text)
    repair([Slot(unit, scope, [])], rulebook)
    return unit.text


# Counterexamples found by randomized runs (benchmarks/soak.py), kept so that every run tries them.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=damaged_text, scope=st.sampled_from(["body", "headline", "byline", "credit"]))
@example(text="一,,一", scope="body")  # the second comma's neighbour was a comma about to become ，
@example(text="”,,一", scope="headline")
@example(text="一 , ,一", scope="byline")
@example(text="一 一 0", scope="body")  # removing the digit's space ended a list of short words
@example(text="0 一 一", scope="body")
@example(text="。 。。", scope="body")  # removing the space made three full stops, an ellipsis
@example(text="0, \u3000一", scope="headline")  # collapsing spaces left an ASCII one before 一
@example(text="一 一 一0", scope="body")  # a space kept or not by its neighbour's, which merged away
@example(text="0 ：0", scope="body")  # removing the space made a full-width colon between digits
@example(text='一:""', scope="body")  # its quotes were in Chinese context only once the colon was ：
@example(text='"",一', scope="body")
def test_rules_are_idempotent(text: str, scope: str, rulebook) -> None:
    once = repaired(text, rulebook, scope)
    assert repaired(once, rulebook, scope) == once


# What else clean prose holds: addresses, paths, code, faces, Latin, Japanese and mojibake-like
# Latin-1 text, and names with rare characters, each copied as printed (the traditional
# characters in a path, in Japanese text or in a name's place, the space that ends an address,
# the `;` of a face are not slips).
NOT_PROSE = [
    "",
    "，详见www.kcrm.cn",
    "，网址https://www.kcrm.cn/news/2021/0120.html?from=kc",
    "，报名网址http://www.kcrm.cn/新聞/報名 ",
    "，邮箱kc.news_2021@163.com",
    "，材料存放在D:\\資料\\會議記錄.doc",
    "，日志在/data/kc/新聞稿 ",
    "，请填写《報名錶.xlsx》",
    "，输入`kcclean fix 報紙/ --out 結果`",
    "，周末见;-)",
    "，好的;)明天见",
    "，於潜镇和乾潭镇的村民来到保俶路",
    "，村民王曄说",
    "，谢谢大家^_^",
    "，外宾来自Xi'an，说don't worry",
    "，留言写着東京タワーに行きました",
    "，iPhone 13与5G网络",
    "，咖啡馆Café Zoë（Kēchéng）",
    "，气温20°C，误差±0.5°C",
]
sentence = st.builds(
    lambda words, other, number, end: "".join(words) + other + number + end,
    st.lists(st.text(alphabet=HAN, min_size=2, max_size=8), min_size=1, max_size=4).map(
        lambda parts: "，".join(parts)
    ),
    st.sampled_from(NOT_PROSE),
    st.sampled_from(["", "2021年1月20日", "2.2万", "140家", "“最多跑一次”"]),
    st.sampled_from(["。", "！", "？"]),
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map("".join)
# Headlines of other words than the text around them: from 40 characters, a headline made of
# the very character pairs the article above it printed is a page no paper prints, and the
# layout model rightly reads its words as going on with that text.
HEADLINE_HAN = "石室乡举办农民丰收节航埠镇开展春耕培训大赛新建道路通车启用学校图书馆志愿者"
clean_article = st.tuples(
    st.text(alphabet=HEADLINE_HAN, min_size=4, max_size=14),
    st.sampled_from(["记者 方心怡", "记者 方心怡 郑晨", "记者 王思 通讯员 严晨"]),
    st.lists(paragraph, min_size=1, max_size=4),
)


def transcript(articles: list[tuple[str, str, list[str]]]) -> str:
    blocks = []
    for headline, byline, paragraphs in articles:
        blocks.append(headline)
        blocks.append(f"本报讯（{byline}）" + paragraphs[0])
        blocks.extend(paragraphs[1:])
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(articles=st.lists(clean_article, min_size=1, max_size=3))
def test_clean_transcripts_pass_through_unchanged(articles, rulebook) -> None:
    issue = clean_text(transcript(articles), rulebook=rulebook)
    assert [c for c in issue.changes if c.is_fix] == []
    assert [(a.headline, a.byline, a.body) for a in issue.articles] == [
        ([h], b, [f"本报讯（{b}）" + ps[0], *ps[1:]]) for h, b, ps in articles
    ]


def damage(text: str, cuts: list[int], commas: bool) -> str:
    """Cut paragraphs mid-sentence with blank lines, and type commas half-width."""
    for cut in sorted(cuts, reverse=True):
        position = cut % max(1, len(text))
        if text[position - 1 : position + 1].strip() == text[position - 1 : position + 1]:
            text = text[:position] + "\n\n" + text[position:]
    return text.replace("，", ",") if commas else text


# Characters that str.strip and str.splitlines take for space or a line end, but that are no
# layout: at a line's start or end, or alone on a line, they must still be accounted for.
STRAYS = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2003"


def scatter(text: str, strays: list[tuple[int, str, str]]) -> str:
    """Put each stray character at a line's start, at its end, on a line of its own, or
    anywhere."""
    for index, char, where in strays:
        position = index % (len(text) + 1)
        start, end = text.rfind("\n", 0, position) + 1, text.find("\n", position)
        end = len(text) if end == -1 else end
        if where == "alone":
            char = "\n\n" + char + "\n\n"
        position = {"start": start, "end": end, "alone": end, "anywhere": position}[where]
        text = text[:position] + char + text[position:]
    return text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    articles=st.lists(clean_article, min_size=1, max_size=3),
    cuts=st.lists(st.integers(min_value=1, max_value=10_000), max_size=4),
    commas=st.booleans(),
    strays=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), st.sampled_from(STRAYS), st.sampled_from(["start", "end", "alone", "anywhere"])),
        max_size=3,
    ),
)
@example(articles=[("石室乡举办", "记者 王思", ["柯城区委召开会议。"])], cuts=[], commas=False, strays=[(0, "\x0c", "start"), (40, "\xa0", "end")])
def test_damaged_transcripts_keep_every_character(articles, cuts, commas, strays, rulebook) -> None:
    text = scatter(damage(transcript(articles), cuts, commas), strays)
    issue = clean_text(text, rulebook=rulebook)
    assert_nothing_lost(text, issue)
    assert_idempotent_on_own_output(issue, rulebook)


def test_a_line_labelled_a_credit_with_no_credit_s_form_comes_back_from_its_article_file_unchanged(rulebook) -> None:
    """Blank lines around a stray line made a short English line a credit, out of reach of
    the body's rules; its article file, which sets it as a paragraph, was then repaired
    again (hypothesis found it: 说don' and t worry。 cut apart by a lone vertical tab)."""
    text = "丰丰丰丰\n\n本报讯（记者 方心怡）一一。\n\n\x0b\n\nt worry。\n"
    issue = clean_text(text, rulebook=rulebook)
    assert_nothing_lost(text, issue)
    assert_idempotent_on_own_output(issue, rulebook)


# --- the same properties over every real and hand-written transcript ------------------------


def all_inputs() -> list[Path]:
    return sorted(FIXTURES.rglob("*.txt")) + seed_inputs()


# Layout whitespace: line ends, blank lines, indents and trailing spaces are made of these.
# Every other character (a no-break space, a form feed) is content, to be accounted for.
LAYOUT = frozenset(" \t\n\u3000")


def _visible(text: str) -> Counter[str]:
    return Counter(ch for ch in text if ch not in LAYOUT)


def outermost(changes: list[Change]) -> list[Change]:
    """The applied changes that no other applied change covers (a change of text an earlier
    change made covers it). Of changes on one span the record wins (a masthead line fixed,
    then kept as metadata), else the last one (it says what the span became)."""
    applied = [c for c in changes if c.applied and c.kind != "move"]
    spans: dict[tuple[str, int, int], Change] = {}
    for change in applied:
        key = (change.source, change.start, change.end)
        if key not in spans or spans[key].kind not in ("record", "stitch"):
            spans[key] = change
    return [
        change
        for key, change in spans.items()
        if not any(
            other[0] == key[0] and other[1] <= key[1] and key[2] <= other[2] and other != key and other[2] > other[1]
            for other in spans
        )
    ]


def assert_nothing_lost(text: str, issue: Issue) -> None:
    """Every visible input character is in an article or was recorded or removed by a named
    rule: input = articles + recorded + removed − inserted (as multisets), over the changes
    no other change covers."""
    kept = Counter()
    for article in issue.articles:
        for part in (*article.headline, *article.body):
            kept += _visible(part)
    for change in outermost(issue.changes):
        if change.kind == "record" or change.kind == "stitch":
            kept += _visible(change.before)
        else:
            kept.update(_visible(change.before))
            kept.subtract(_visible(change.after))  # `-=` would clamp at zero and hide a count
    assert +kept == _visible(text) - Counter("\ufeff") and not -kept


def assert_idempotent_on_own_output(issue: Issue, rulebook) -> None:
    """Each article file kcclean writes comes back unchanged when cleaned again."""
    for article in issue.articles:
        again = clean_text(article_markdown(article), name="again.md", rulebook=rulebook)
        assert [c for c in again.changes if c.is_fix] == []
        (copy,) = again.articles
        assert (copy.headline, copy.byline, copy.kind, copy.body, copy.truncated) == (
            article.headline,
            article.byline,
            article.kind,
            article.body,
            article.truncated,
        )


@pytest.mark.parametrize("path", all_inputs(), ids=lambda p: p.name[:24])
def test_real_transcripts_keep_every_character(path: Path, rulebook) -> None:
    for issue in clean_files([path], rulebook):
        assert_nothing_lost(path.read_text(encoding="utf-8").replace("\r\n", "\n"), issue)
        assert_idempotent_on_own_output(issue, rulebook)


@pytest.mark.parametrize("path", all_inputs(), ids=lambda p: p.name[:24])
def test_change_locations_point_at_the_input(path: Path, rulebook) -> None:
    """A character edit's line and column show its `before` text in the input file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for issue in clean_files([path], rulebook):
        for change in issue.changes:
            if change.kind == "edit" and change.rule.split(".")[0] in ("punct", "stray", "space", "width"):
                line = lines[change.line - 1]
                found = line[change.column - 1 : change.column - 1 + len(change.before)]
                assert found == change.before, (change, line)
