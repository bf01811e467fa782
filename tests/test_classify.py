"""Classification of single lines where the layout rules meet (kcclean/classify.py)."""

from __future__ import annotations

from kcclean.blocks import split_units
from kcclean.classify import classify
from kcclean.model import Role
from kcclean.read import source_of

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
    page = classify(split_units(source_of(HEADLINE_AT_THE_COLUMN_WIDTH.encode(), "page.txt")), rulebook)
    assert page.wrap_width == 15
    roles = {unit.text: unit.role for unit in page.units}
    assert roles["的扑救方法"] is Role.BODY
    assert roles["石室乡举办首届乡村厨艺技能大赛"] is Role.HEADLINE
    assert roles["本报讯（通讯员 周婷婷）6月2日，"] is Role.LEAD
