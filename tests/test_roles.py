"""Classification of single lines where layout cues meet (kcclean/layout/roles.py, the model of decisions.py), and the
reasons the report gives for it."""

from __future__ import annotations

import re

import pytest

from kcclean.input import source_of
from kcclean.layout.decisions import builtin_model
from kcclean.layout.features import line_features
from kcclean.layout.lines import split_units
from kcclean.layout.roles import classify, take_markers
from kcclean.model import Role
from kcclean.pipeline import clean_text

# A hard-wrapped column of 15 characters. The second headline is exactly as long as the column
# and sits right on top of its lead, with no blank line and no indent between them, and the
# text above it lost its final 。. Everything says "body cut at the width" except that the
# line has no clause marks and a 本报讯 lead starts the very next line.
HEADLINE_AT_THE_COLUMN_WIDTH = """\
柯城区开展夏季消防安全大检查

　　本报讯（记者 王丽 通讯员 李
明）6月3日，柯城区消防救援大队
联合区应急管理局，对辖区商场、
农贸市场、沿街店铺开展夏季消防
安全大检查，共检查单位86家，督
促整改隐患问题120余处。
　　检查中，执法人员重点查看了消
防通道是否畅通、灭火器材是否完
好有效，并向经营户讲解初起火灾
的扑救方法

石室乡举办首届乡村厨艺技能大赛
本报讯（通讯员 周婷婷）6月2日，
石室乡在文化礼堂举办首届乡村厨
艺技能大赛，来自全乡12个村的30
名农家厨师同台比拼，现场烹制地
方特色菜肴。
"""


def test_a_headline_as_long_as_the_column_right_above_its_lead_stays_a_headline(rulebook) -> None:
    page = classify(split_units(source_of(HEADLINE_AT_THE_COLUMN_WIDTH.encode(), "page.txt")), rulebook, builtin_model())
    assert page.wrap_width == 15
    roles = {unit.text: unit.role for unit in page.units}
    assert roles["的扑救方法"] is Role.BODY
    assert roles["石室乡举办首届乡村厨艺技能大赛"] is Role.HEADLINE
    assert roles["本报讯（通讯员 周婷婷）6月2日，"] is Role.LEAD


def layout_reasons(text: str, rulebook) -> list[str]:
    """Why each headline and subhead line was taken for one, per article, as the report's
    `layout` field shows it to a reviewer."""
    return [line for article in clean_text(text, rulebook=rulebook).articles for line in article.evidence]


# A displaced lead: the lead of the first article and the start of the paragraph after it
# were printed at the end of the article, that start cut mid-sentence; its rest (次，…) stands
# first under the headline. The next headline stands right after the cut.
AFTER_A_DISPLACED_BEGINNING = """\
柯城区举行春季招聘会

次，达成初步就业意向的有300余人。

区人力社保局相关负责人表示，今年还将举办多场专场招聘会。

本报讯（记者 王丽）3月5日，柯城区在区人力资源市场举办春季招聘会。

当天，现场共有86家企业提供就业岗位2000余个，前来咨询的求职者达3000余人

石室乡开展春耕农技培训

本报讯（通讯员 周婷婷）3月4日，石室乡邀请区农技专家走进田间地头，为种粮大户讲解水稻育秧技术。
"""


# A headline's reason: the features that told its label from the runner-up's (the label that
# would score best in its place), strongest first, each with its detail and contribution.
_REASON = re.compile(
    r"^headline '(?P<text>[^']+)' \(line (?P<line>\d+)\): (?P<features>.+) = (?P<score>[+-]\d+\.\d\d); "
    r"(?P<runner>[a-z+]+) by (?P<margin>\d+\.\d\d) less$"
)
_FEATURE = re.compile(r"(?:^|; )([^;]+?) \(([+-]\d+\.\d\d)\)")


def reason(line: str) -> tuple[str, int, str, dict[str, float]]:
    """A reason read back: the headline, its line, the runner-up and each feature's pull."""
    found = _REASON.match(line)
    assert found, line
    features = {name: float(weight) for name, weight in _FEATURE.findall(found["features"])}
    assert 1 <= len(features) <= 5 and all(features.values()), line
    assert list(features.values()) == sorted(features.values(), key=abs, reverse=True), "strongest first"
    return found["text"], int(found["line"]), found["runner"], features


def test_each_headline_after_a_displaced_beginning_is_explained_against_its_runner_up(rulebook) -> None:
    # A reviewer checks the decision against the input: each article's headline, at its line,
    # with what set it apart from the label that came closest.
    reasons = [reason(line) for line in layout_reasons(AFTER_A_DISPLACED_BEGINNING, rulebook)]
    assert [(text, line) for text, line, _, _ in reasons] == [("柯城区举行春季招聘会", 1), ("石室乡开展春耕农技培训", 11)]
    assert all(runner != "head" for _, _, runner, _ in reasons)


SHORT_HEADLINE = """\
柯城召开会议

本报讯（记者 王思）5月8日，柯城召开会议。


春耕正当时

本报讯（记者 王丽）3月5日，记者在石室乡看到，种粮大户们正抢抓晴好天气翻耕土地、播种育秧。
"""


def test_the_report_states_how_short_a_headline_held_against_it_is(rulebook) -> None:
    # Shortness counts against a headline; the report names the length it held against it.
    [(text, line, _, features)] = [r for r in map(reason, layout_reasons(SHORT_HEADLINE, rulebook)) if r[0] == "春耕正当时"]
    assert line == 6
    assert features["length 5-6"] < 0


# A photo news item: the lead's paragraph is followed, in the same block, by its photo credit.
# The lead's bracket is closed, so the lead line does not start a credit wrapped over two lines.
LEAD_THEN_ITS_CREDIT = """\
石室乡举办农民丰收节

本报讯（记者 王丽）9月23日，石室乡在文化礼堂举办农民丰收节，村民们晒出自家种的稻谷、番薯和香柚，共庆丰收。
（通讯员 李明 摄）
"""


def test_a_headline_over_a_lead_is_explained_even_when_a_credit_closes_its_paragraph(rulebook) -> None:
    [(text, line, _, features)] = [reason(line) for line in layout_reasons(LEAD_THEN_ITS_CREDIT, rulebook)]
    assert (text, line) == ("石室乡举办农民丰收节", 1)
    assert features["block start"] > 0


# A hard-wrapped column of 15 characters. Under the short line, the next paragraph opens with
# an indented line as wide as the column and without a punctuation mark: it is column text,
# not a second headline line, so "headline lines follow" does not count for the short line,
# which stays a subhead of the article above instead of splitting it in two.
SUBHEAD_OVER_A_WRAPPED_PARAGRAPH = """\
柯城区开展夏季消防安全大检查

　　本报讯（记者 王丽）6月3
日，柯城区消防救援大队联合区应
急管理局，对辖区商场、农贸市场、
沿街店铺开展消防安全大检查，共
检查单位86家。

让消防知识走进千家万户

　　检查结束后执法人员来到府山
街道，走进社区、学校和企业，发
放宣传资料，讲解安全用电知识。
"""


def test_the_indented_first_line_of_a_wrapped_paragraph_is_no_headline_line(rulebook) -> None:
    page = classify(split_units(source_of(SUBHEAD_OVER_A_WRAPPED_PARAGRAPH.encode(), "page.txt")), rulebook, builtin_model())
    assert page.wrap_width == 15
    units = {unit.text: unit for unit in page.units}
    assert units["检查结束后执法人员来到府山"].role is Role.BODY
    assert units["让消防知识走进千家万户"].role is Role.SUBHEAD
    assert "headline-like lines follow" not in units["让消防知识走进千家万户"].why


# A long article (over 3000 characters) names 非遗竹编技艺 only in its first paragraph. A line
# using those words much further on is weighed against the last few thousand characters only:
# words from the far start of a long article are no sign that the line goes on with it.
_ROADWORKS = [
    "第{n}标段施工队伍加班加点推进道路拓宽工程，铺设雨污管网{m}米。",
    "沿线新建人行道和绿化带，商户出行更加方便。",
    "项目负责人介绍，工程计划于年底前全面完工。",
    "施工期间，交警部门在沿线路口安排专人疏导交通。",
]
FAR_ECHO = (
    "柯城区推进城市有机更新\n\n"
    "　　本报讯（记者 王丽）6月3日，记者从区住建局获悉，今年全区将非遗竹编技艺融入老旧小区改造，打造一批特色街巷。\n\n"
    + "\n\n".join("　　" + "".join(s.format(n=n, m=100 + 10 * n) for s in _ROADWORKS) for n in range(1, 41))
    + "\n\n非遗竹编技艺进校园\n\n"
    "　　近日，石室乡中心小学开设手工课，邀请老艺人教孩子们编织小篮子。\n"
)


def test_words_from_the_far_start_of_a_long_article_do_not_hold_a_headline_back(rulebook) -> None:
    page = classify(split_units(source_of(FAR_ECHO.encode(), "page.txt")), rulebook, builtin_model())
    headline = next(unit for unit in page.units if unit.text == "非遗竹编技艺进校园")
    assert headline.role is Role.HEADLINE
    assert "next: an article opening" in headline.why and "echo" not in headline.why


# Blank-line pages with no lead anywhere: a feature with two subheads, and a notice-like item
# whose headline stands between prose like a subhead, but alone.
FEATURE_WITH_SUBHEADS = """\
山乡茶园春意浓

清明前后，七里乡的茶园里一片忙碌，茶农们趁着好天气抢摘明前茶，茶香飘满了山坳。

采得新芽制好茶

天刚亮，茶农们就背着竹篓上了山，一芽一叶地采，中午前送到村里的加工厂。

茶旅融合添新彩

今年，村里还开了茶园民宿，游客可以跟着茶农采茶、炒茶，体验一天的茶农生活。
"""
ITEM_AFTER_AN_ITEM = """\
山乡茶园春意浓

清明前后，七里乡的茶园里一片忙碌，茶农们趁着好天气抢摘明前茶，茶香飘满了山坳。

区图书馆延长开放时间

即日起，区图书馆周一至周日开放时间调整为上午九时至晚上九时，节假日照常开放，欢迎市民前来借阅。
"""


@pytest.mark.parametrize(
    "page, line, feature",
    [
        (FEATURE_WITH_SUBHEADS, "采得新芽制好茶", "one of several between prose"),
        (FEATURE_WITH_SUBHEADS, "茶旅融合添新彩", "one of several between prose"),
        (ITEM_AFTER_AN_ITEM, "区图书馆延长开放时间", "alone between prose in its stretch"),
    ],
)
def test_a_line_standing_between_prose_is_told_alone_or_one_of_a_set(page: str, line: str, feature: str, rulebook) -> None:
    """Subheads come in sets; a headline of an article with neither lead nor byline, after
    another article, stands alone between prose (until a lead or a byline opens another)."""
    split = split_units(source_of(page.encode(), "page.txt"))
    take_markers(split)
    features = dict(zip((unit.text for unit in split.units), line_features(split, rulebook)))
    others = {"one of several between prose", "alone between prose in its stretch"} - {feature}
    assert feature in features[line].values and not others & set(features[line].values)


# A headline of three lines, the third who chaired and who attended: the fitted weights alone would
# start an article with it, which no page does right under a headline.
STACKED_HEADLINE = """\
区政府召开第十二次常务会议

研究部署夏季防汛和安全生产工作

王建华主持 李明列席

本报讯（记者 王丽）6月3日，区政府召开第十二次常务会议，研究部署夏季防汛和安全生产工作。
"""


def test_a_label_the_lines_around_it_rule_out_is_said_to_be_ruled_out_not_weighed(rulebook) -> None:
    issue = clean_text(STACKED_HEADLINE, rulebook=rulebook)
    assert [a.headline for a in issue.articles] == [["区政府召开第十二次常务会议", "研究部署夏季防汛和安全生产工作", "王建华主持 李明列席"]]
    reasons = [line for line in issue.articles[0].evidence if "王建华主持 李明列席" in line]
    assert len(reasons) == 1 and "e+" not in reasons[0] and not re.search(r"\d{5,}", reasons[0])
    assert re.search(r"; head by \d\.\d\d more, but no page has a head line after a head\+? line$", reasons[0]), reasons[0]
