"""report.html used as a reviewer uses it, in a real browser: Debian's Chromium, headless,
driven by Playwright. Skipped when /usr/bin/chromium or the playwright package is absent
(`apt-get install chromium`; playwright comes with the `test` extra and downloads nothing).

The page is opened from disk with every network request refused; the summary must show the
numbers of report.json, a rule filter must leave exactly that rule's changes, the keyboard
must walk from change to change, and a large run must open quickly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from conftest import FIXTURES, seed_inputs
from typer.testing import CliRunner

from kcclean.cli import app

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (apt-get install chromium) for the browser test", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

SAMPLE = sorted((FIXTURES / "sample").glob("*.txt"))


def fix(inputs: list[Path], folder: Path) -> tuple[Path, dict]:
    """`kcclean fix` over copies of the inputs (plus an empty file, which it skips)."""
    scans = folder / "scans"
    scans.mkdir(parents=True)
    for path in inputs:
        shutil.copy(path, scans / path.name)
    (scans / "zz-empty.txt").write_bytes(b"")
    result = CliRunner().invoke(app, ["fix", str(scans), "--out", str(folder / "out"), "--quiet"])
    assert result.exit_code == 2, result.output  # the empty file is skipped, the others cleaned
    out = folder / "out"
    return out / "report.html", json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module", params=["sample", "seeds"])
def report(request, tmp_path_factory) -> tuple[Path, dict]:
    inputs = SAMPLE if request.param == "sample" else seed_inputs()
    if not inputs:
        pytest.skip("the real transcripts are not here (../shared/seeds or $KCCLEAN_SEEDS)")
    return fix(inputs, tmp_path_factory.mktemp(request.param))


class Page:
    """A report page, opened from disk, with the network refused and script errors kept."""

    def __init__(self, browser, html: Path):
        self.context = browser.new_context(viewport={"width": 1360, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []

        def refuse(route):
            self.requests.append(route.request.url)
            route.abort()

        self.context.route(lambda url: not url.startswith("file:"), refuse)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        started = time.perf_counter()
        self.page.goto(html.as_uri())
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
        self.load_seconds = time.perf_counter() - started

    def close(self):
        assert not self.errors, self.errors
        assert not self.requests, f"the page asked the network for {self.requests}"
        self.context.close()


def open_text(browser, folder: Path, text: str, name: str = "page.txt") -> tuple[Page, dict, Path]:
    """report.html of `kcclean fix` over one transcript given as text, opened."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    html, data = fix([path], folder / "run")
    return Page(browser, html), data, path


@pytest.fixture
def page(browser, report):
    opened = Page(browser, report[0])
    yield opened.page
    opened.close()


def open_file(page, source: str) -> None:
    details = page.locator(f'details.file[data-file="{source}"]')
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_summary_shows_the_numbers_of_report_json(page, report):
    data = report[1]
    for key, value in data["summary"].items():
        assert number(page.inner_text(f'[data-count="{key}"] b')) == value, key
    assert data["summary"]["skipped"] == 1
    assert "zz-empty.txt" in page.inner_text('[data-warnings="skipped"]')
    rows = page.locator("#rules tbody tr")
    assert rows.count() == len(data["rules"])
    for rule_id, rule in data["rules"].items():
        row = page.locator(f'#rules tr[data-rule="{rule_id}"]')
        assert number(row.locator('[data-col="fixes"]').inner_text()) == rule["applied"] - rule["recorded"]
        assert number(row.locator('[data-col="recorded"]').inner_text()) == rule["recorded"]
        assert number(row.locator('[data-col="suggested"]').inner_text()) == rule["suggested"]
        assert rule["description"].replace("`", "")[:20] in row.inner_text()


def test_the_rules_table_sorts(page):
    page.click('#rules th[data-sort="id"]')
    ids = page.eval_on_selector_all("#rules tbody tr", "rows => rows.map(r => r.dataset.rule)")
    assert ids == sorted(ids)
    page.click('#rules th[data-sort="id"]')
    assert page.eval_on_selector_all("#rules tbody tr", "rows => rows.map(r => r.dataset.rule)") == sorted(ids, reverse=True)


def visible_change_ids(page) -> set[int]:
    return set(
        page.eval_on_selector_all(
            "#files .mk[data-ci]:not(.dim)",
            "marks => marks.filter(m => m.offsetParent !== null && m.dataset.ci).flatMap(m => m.dataset.ci.split(' ').map(Number))",
        )
    )


def test_a_rule_filter_shows_only_that_rules_changes(page, report):
    data = report[1]
    rule = "join.broken-wrap"
    mine = [c for c in data["changes"] if c["rule"] == rule]
    assert mine
    page.click(f'#rules a.rule-filter[data-rule="{rule}"]')
    assert page.input_value("#f-rule") == rule
    assert f"{len(mine)} changes of" in page.inner_text("#status")
    # the files with that rule's changes are listed (and opened), no other
    listed = page.eval_on_selector_all("#files details.file", "ds => ds.map(d => d.dataset.file)")
    homes = {next(f["source"] for f in data["files"] if any(a["id"] == c["article"] for a in f["articles"])) if c["article"] else c["source"] for c in mine}
    assert set(listed) == homes
    for source in listed:
        open_file(page, source)
    # on the text: every highlighted change is one of the rule's, and every one of them is there
    shown = visible_change_ids(page)
    assert {data["changes"][i]["rule"] for i in shown} == {rule}
    assert shown == {c["id"] for c in mine if c["start"] is not None}
    # rows without such a change fold away
    rows = page.eval_on_selector_all(
        "#files .art .grid > .cell.raw",
        "cells => cells.filter(c => c.offsetParent !== null).map(c => c.querySelectorAll('.mk[data-ci]:not(.dim)').length + c.nextElementSibling.querySelectorAll('.mk[data-ci]:not(.dim)').length)",
    )
    assert rows and all(rows)
    # the change lists hold exactly the rule's changes
    for source in listed:
        page.locator(f'details.file[data-file="{source}"] [data-tab="list"]').click()
    items = page.eval_on_selector_all("#files .item[data-item]", "items => items.filter(i => i.offsetParent !== null).map(i => i.dataset.rule)")
    assert items == [rule] * len(mine)
    # and clearing the filter brings every file back
    page.click("#f-clear")
    assert page.locator("#files details.file").count() == len(data["files"])


def test_a_filter_never_changes_the_clean_text(page, report):
    """Changes of other rules are shown plain, not hidden: the clean column still reads as
    the article does."""
    data = report[1]
    paragraphs = {p for f in data["files"] for a in f["articles"] for p in a["body"]}
    page.select_option("#f-rule", "join.broken-wrap")
    for source in page.eval_on_selector_all("#files details.file", "ds => ds.map(d => d.dataset.file)"):
        open_file(page, source)
    shown = page.eval_on_selector_all(
        "#files .cell.clean.body", "cells => cells.filter(c => c.offsetParent !== null).map(c => c.innerText)"
    )
    assert shown
    for text in shown:
        assert re.sub(r"^¶\d+\s*|[⏎‸\s]", "", text) in {re.sub(r"\s", "", p) for p in paragraphs}, text


def test_level_filter_and_search(page, report):
    data = report[1]
    page.select_option("#f-level", "recorded")
    recorded = [c for c in data["changes"] if c["kind"] == "record"]
    assert f"{len(recorded)} changes of" in page.inner_text("#status")
    page.select_option("#f-level", "")
    page.fill("#f-text", "下转2版")
    page.wait_for_function("document.querySelector('#status').textContent.includes('match')")
    hits = [c for c in data["changes"] if "下转2版" in "\x01".join([c["before"], c["after"], c["context_before"], c["context_after"], c["evidence"] or ""])]
    assert f"{len(hits)} change" in page.inner_text("#status")


def test_the_keyboard_walks_from_change_to_change(page, report):
    data = report[1]
    page.select_option("#f-rule", "join.broken-wrap")
    order = page.evaluate("window.kccleanReport.matching()")
    page.locator("body").click(position={"x": 5, "y": 5})
    for expected in order[:3]:
        page.keyboard.press("j")
        current = page.locator(".mk.current")
        assert current.count() == 1
        assert str(expected) in current.get_attribute("data-ci").split()
        assert current.is_visible()
    pop = page.locator("#pop")
    assert pop.is_visible()
    change = data["changes"][order[2]]
    assert "join.broken-wrap" in pop.inner_text() and change["evidence"] in pop.inner_text()
    page.keyboard.press("k")
    assert str(order[1]) in page.locator(".mk.current").get_attribute("data-ci").split()
    page.keyboard.press("Escape")
    assert not pop.is_visible()


def test_page_furniture_is_shown_as_kept_as_metadata(page, report):
    data = report[1]
    first = next(f for f in data["files"] if not f["error"])
    open_file(page, first["source"])
    masthead = [c for c in data["changes"] if c["source"] == first["source"] and c["rule"] == "masthead.lines" and c["kind"] == "record"]
    assert masthead
    furniture = page.locator(f'details.file[data-file="{first["source"]}"] .furniture').first
    assert "kept as issue metadata" in furniture.inner_text()
    marks = furniture.locator(".mk.k-record")
    # one mark per line; a line fixed then recorded is one mark holding both changes
    assert marks.count() == len(masthead)
    fixed = [c["id"] for c in data["changes"] if c["source"] == first["source"] and c["rule"] == "masthead.lines"]
    assert sorted(int(i) for m in marks.all() for i in m.get_attribute("data-ci").split()) == sorted(fixed)
    # metadata is kept, not deleted: it is not drawn struck through as a deletion is
    assert marks.first.evaluate("m => getComputedStyle(m).textDecorationLine") == "none"
    assert "record" in page.inner_text(".legend")


def test_a_suggestion_names_the_rule_to_enable(browser, tmp_path: Path):
    text = "柯城开展宣讲活动\n\n本报讯（记者 方心怡）校长为全校师生宣讲全会精神 and 共产党人的初心。\n"
    opened, data, _ = open_text(browser, tmp_path, text)
    page = opened.page
    assert 'unsafe = ["lang.and-between-han"]' in page.inner_text('[data-warnings="suggestions"]')
    open_file(page, "page.txt")
    suggestion = page.locator("#files .cell.raw .mk.sug")
    assert suggestion.count() == 1 and "lang.and-between-han" in suggestion.locator("xpath=..").inner_text()
    suggestion.click()
    assert 'unsafe = ["lang.and-between-han"]' in page.inner_text("#pop")
    opened.close()


def pdf_pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_it_prints(page, report):
    page.click("#openall")
    pages = pdf_pages(page.pdf(format="A4", print_background=True))
    # the summary, then every file's transcript beside its clean text: a page at least each
    assert pages > len(report[1]["files"]), pages
    page.emulate_media(media="print")
    assert page.locator(".toolbar").is_hidden()
    assert page.locator(".art").first.is_visible()


def test_a_large_run_opens_quickly_and_stays_responsive(browser, tmp_path_factory):
    """300 pages (the sample issue 150 times): the page lists 50 files and draws a file only
    when it is opened, so opening, filtering and going to a change stay fast."""
    folder = tmp_path_factory.mktemp("large")
    inputs = folder / "inputs"
    inputs.mkdir()
    for n in range(150):
        for page_file in SAMPLE:
            shutil.copy(page_file, inputs / f"{n:03d}-{page_file.name}")
    html, data = fix(sorted(inputs.glob("*.txt")), folder / "run")
    opened = Page(browser, html)
    page = opened.page
    print(f"\n{len(data['files'])} files, {html.stat().st_size / 1e6:.1f} MB: ready in {opened.load_seconds:.2f} s")
    assert opened.load_seconds < 15
    assert page.locator("#files details.file").count() == 50
    took = page.evaluate(
        """() => { const t = performance.now(); const s = document.querySelector('#f-rule');
        s.value = 'stray.invisible'; s.dispatchEvent(new Event('change')); return performance.now() - t; }"""
    )
    assert took < 2000, f"filtering took {took:.0f} ms"
    took = page.evaluate("() => { const t = performance.now(); const m = window.kccleanReport.matching(); window.kccleanReport.goToChange(m[m.length - 1]); return performance.now() - t; }")
    assert took < 2000, f"going to the last change took {took:.0f} ms"
    assert page.locator(".mk.current").is_visible()
    opened.close()


def test_hostile_text_neither_blanks_nor_scripts_the_page(browser, tmp_path: Path):
    """`<!--<script>` or `</script>` in a transcript line must reach the page as text."""
    text = "柯城开展宣讲活动<!--<script>window.pwned=1</script>\n\n本报讯（记者 方心怡）校长为全校师生宣讲全会精神</script>，共产党人的初心&amp;。\n"
    opened, data, _ = open_text(browser, tmp_path, text, "hostile.txt")
    page = opened.page
    assert number(page.inner_text('[data-count="articles"] b')) == data["summary"]["articles"] == 1
    open_file(page, "hostile.txt")
    page.locator(".same-fold button").click()  # its paragraphs are unchanged: folded
    shown = page.inner_text('details.file[data-file="hostile.txt"]')
    assert "<!--<script>window.pwned=1</script>" in shown and "&amp;" in shown
    assert page.evaluate("window.pwned") is None
    opened.close()


def test_the_panel_shows_where_an_ocr_input_has_a_change(browser, tmp_path: Path):
    """A change of an OCR input shows its line element, offset, box and scores in the side
    panel; a transcript's shows none. The element id is the file's own text, here hostile,
    and reaches the page as text."""
    hostile = '<img src=x onerror="window.pwned=1">'
    alto = (FIXTURES / "ocr" / "page.alto.xml").read_text(encoding="utf-8")
    scan = tmp_path / "page.alto.xml"
    scan.write_text(alto.replace('ID="TL16"', 'ID="&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;"'), encoding="utf-8")
    transcript = tmp_path / "page.txt"
    shutil.copy(FIXTURES / "ocr" / "page.txt", transcript)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["fix", str(scan), str(transcript), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    join = next(c for c in data["changes"] if c["source"] == scan.name and c.get("place", {}).get("element") == hostile)
    assert join["place"] == {"element": hostile, "offset": 15, "box": [40, 222, 340, 244], "score": 0.95, "word_score": None}
    opened = Page(browser, out / "report.html")
    page = opened.page
    page.evaluate(f"location.hash = '#change={join['id']}'")
    panel, place = page.locator("#pop"), page.locator("#pop .place")
    sync_api.expect(place).to_have_text(f"In the OCR input: element {hostile}, offset 15 · box x 40, y 222, w 300, h 22 · line score 0.95")
    assert panel.locator("img").count() == 0 and page.evaluate("window.pwned") is None
    scored = next(c for c in data["changes"] if c["source"] == scan.name and c["place"]["word_score"] is not None)
    page.evaluate(f"location.hash = '#change={scored['id']}'")
    sync_api.expect(place).to_contain_text(f"word score {scored['place']['word_score']}")
    same = next(c for c in data["changes"] if c["source"] == transcript.name and c["rule"] == join["rule"] and c["line"] == join["line"])
    page.evaluate(f"location.hash = '#change={same['id']}'")
    sync_api.expect(panel).to_contain_text(f"{same['source']}:{same['line']}:{same['column']}")
    assert "place" not in same and place.count() == 0
    opened.close()


def test_search_finds_article_text_and_warnings_not_only_changes(page, report):
    data = report[1]
    article = next(a for f in data["files"] for a in f["articles"] if len(a["body"]) > 1)
    words = article["body"][1][3:9]  # text of an article, not of a change
    page.fill("#f-text", words)
    page.wait_for_function("document.querySelector('#status').textContent.includes('match')")
    listed = page.eval_on_selector_all("#files details.file", "ds => ds.map(d => d.dataset.file)")
    assert article["source"] in listed
    page.fill("#f-text", "zz-empty")  # the skipped file's warning
    page.wait_for_function("[...document.querySelectorAll('#files details.file')].map(d => d.dataset.file).join() === 'zz-empty.txt'")


def test_j_and_k_skip_page_furniture_and_go_in_line_order(page, report):
    data = report[1]
    walk = page.evaluate("window.kccleanReport.walk()")
    changes = data["changes"]
    assert walk and all(changes[i]["kind"] != "record" for i in walk)
    first_file = [i for i in walk if changes[i]["source"] == changes[walk[0]]["source"] and changes[i]["article"] is None]
    positions = [(changes[i]["line"], changes[i]["column"]) for i in first_file]
    assert positions == sorted(positions)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    assert str(walk[0]) in page.locator(".mk.current").get_attribute("data-ci").split()


def test_review_round_trip_reject_export_rerun_import(browser, tmp_path: Path):
    """The heart of the workflow: a fix rejected in the page is exported as review.toml;
    `kcclean fix --review` then leaves it out, and `kcclean rules import` keeps it as a rule
    file whose examples pass."""
    html, data = fix(SAMPLE, tmp_path / "run")
    rejected = next(c for c in data["changes"] if c["rule"] == "stray.invisible")
    opened = Page(browser, html)
    page = opened.page
    page.evaluate(f"window.kccleanReport.goToChange({rejected['id']}, true)")
    page.locator(f'.cell.raw .mk[data-ci~="{rejected["id"]}"]').first.click()
    panel = page.locator("#pop")
    assert panel.is_visible()
    # the side panel never covers the text: the page makes room for it
    box, text_box = panel.bounding_box(), page.locator(f'.cell.raw .mk[data-ci~="{rejected["id"]}"]').first.bounding_box()
    assert text_box["x"] + text_box["width"] <= box["x"]
    panel.locator('[data-decide="reject"]').click()
    assert "rejected" in panel.inner_text()
    assert page.locator(f'.mk.rejected[data-ci~="{rejected["id"]}"]').count() >= 1
    assert "1 fix rejected" in page.inner_text("#review")
    page.locator(f'input[data-reviewed="{rejected["source"]}"]').check()
    # the decision survives a reload (localStorage)
    page.reload()
    page.wait_for_selector("body[data-ready]", state="attached")
    assert "1 fix rejected" in page.inner_text("#review") and "1 of 3 files reviewed" in page.inner_text("#review")
    with page.expect_download() as download:
        page.click("#export")
    review = tmp_path / "review.toml"
    download.value.save_as(review)
    opened.close()
    assert "[[exception]]" in review.read_text(encoding="utf-8")

    runner = CliRunner()
    scans = tmp_path / "run" / "scans"
    again = runner.invoke(app, ["fix", str(scans), "--out", str(tmp_path / "again"), "--quiet", "--review", str(review)])
    assert again.exit_code == 2, again.output  # the empty file is skipped, as before
    after = json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))
    assert not [c for c in after["changes"] if c["rule"] == "stray.invisible" and c["source"] == rejected["source"] and c["line"] == rejected["line"]]
    assert len(after["changes"]) == len(data["changes"]) - 1

    rules = tmp_path / "my_rules"
    imported = runner.invoke(app, ["rules", "import", str(review), "--dir", str(rules)])
    assert imported.exit_code == 0, imported.output
    tested = runner.invoke(app, ["rules", "test", str(rules)])
    assert tested.exit_code == 0 and "0 failures" in tested.output, tested.output
    kept = runner.invoke(app, ["fix", str(scans), "--out", str(tmp_path / "kept"), "--quiet", "--rules", str(rules)])
    assert kept.exit_code == 2 and "skipped zz-empty.txt" in kept.output, kept.output  # its empty file is skipped
    assert json.loads((tmp_path / "kept" / "report.json").read_text(encoding="utf-8"))["changes"] == after["changes"]


def test_review_accepts_a_suggestion_and_makes_a_rule_from_selected_text(browser, tmp_path: Path):
    text = "柯城开展宣讲活动\n\n本报讯（记者 方心怡）校长为全校师生宣讲全会精神 and 共产党人的初心。\n"
    opened, data, path = open_text(browser, tmp_path, text)
    page = opened.page
    open_file(page, "page.txt")
    page.locator("#files .cell.raw .mk.sug").first.click()
    page.locator('#pop [data-decide="accept"]').click()
    assert "1 suggestion accepted" in page.inner_text("#review")
    page.keyboard.press("Escape")
    # select 师生 in the clean column and make a rule of it
    page.evaluate("""() => { const cell = [...document.querySelectorAll('#files .cell.clean.body')][0];
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); let node;
        while ((node = walker.nextNode())) { const at = node.data.indexOf('师生'); if (at >= 0) {
          const range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + 2);
          const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range); return; } } }""")
    page.click("#newrule")
    assert page.input_value('#pop input[name="wrong"]') == "师生"
    page.fill('#pop input[name="right"]', "师生们")
    page.click('#pop button[type="submit"]')
    assert "1 new rule" in page.inner_text("#review")
    with page.expect_download() as download:
        page.click("#export")
    review = tmp_path / "review.toml"
    download.value.save_as(review)
    opened.close()
    result = CliRunner().invoke(app, ["fix", str(path), "--out", str(tmp_path / "again"), "--quiet", "--review", str(review)])
    assert result.exit_code == 0, result.output
    body = json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))["files"][0]["articles"][0]["body"][0]
    assert "精神和共产" in body and "全校师生们" in body


# A file name (Linux allows line breaks in one) that is a rule file of its own from its
# second line on: written raw into a comment of review.toml, its rule would be live.
INJECTING_NAME = (
    'p\n[[rule]]\nid = "house.injected"\ndescription = "x"\nkind = "regex"\npattern = "区"\nreplacement = "X"\n'
    '[[rule.example]]\ntext = "区"\nfixed = "X"\n[[rule.example]]\ntext = "a"\n#.txt'
)


def test_a_file_name_cannot_inject_a_rule_into_the_exported_review(browser, tmp_path: Path):
    """A layout decision names the file, so does the comment listing the reviewed files, and a
    rejected fix's context here holds DEL: review.toml stays valid TOML holding exactly the
    one exception and the one layout decision, and neither `fix --review` nor `rules import`
    gains a rule from the name."""
    lead = "本报讯（记者 王思）今年以来，村里修好了三条道\n路，群众出行更方便了。区里部署,\x7f工作，要求各地抓好落实。"
    text = "区里召开会议\n\n" + lead + "村里的路好走了。" * 20 + "\n"  # long enough for one DEL not to look binary
    opened, data, path = open_text(browser, tmp_path, text, INJECTING_NAME)
    page = opened.page
    for rule in ("join.broken-wrap", "punct.comma-width"):
        change = next(c for c in data["changes"] if c["rule"] == rule)
        page.evaluate(f"window.kccleanReport.goToChange({change['id']}, true)")
        page.locator(f'.cell.raw .mk[data-ci~="{change["id"]}"]').first.click()
        page.locator('#pop [data-decide="reject"]').click()
        page.keyboard.press("Escape")
    page.locator("input[data-reviewed]").first.check()
    with page.expect_download() as download:
        page.click("#export")
    review = tmp_path / "review.toml"
    download.value.save_as(review)
    opened.close()
    exported = review.read_text(encoding="utf-8")
    assert "\n[[rule]]" not in exported and "\x7f" not in exported, exported
    assert exported.count(json.dumps(INJECTING_NAME, ensure_ascii=False)) == 2, exported  # the join's entry and the file's comment
    parsed = tomllib.loads(exported)
    assert list(parsed) == ["exception", "layout"] and [e["rule"] for e in parsed["exception"]] == ["punct.comma-width"], parsed
    assert [(d["source"], d["decide"]) for d in parsed["layout"]] == [(INJECTING_NAME, "keep-break")]
    # the context stops at the DEL: another rule takes it out before the comma is fixed
    assert parsed["exception"][0]["text"] == "区里部署,"

    runner = CliRunner()
    again = runner.invoke(app, ["fix", str(path), "--out", str(tmp_path / "again"), "--quiet", "--review", str(review)])
    assert again.exit_code == 0, again.output
    rules_run = json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))["rules"]
    assert "house.injected" not in rules_run, rules_run
    imported = runner.invoke(app, ["rules", "import", str(review), "--dir", str(tmp_path / "mine")])
    assert imported.exit_code == 0, imported.output
    listed = runner.invoke(app, ["rules", "list", "--rules", str(tmp_path / "mine")])
    assert listed.exit_code == 0 and "house.injected" not in listed.output, listed.output


def test_a_file_holding_two_issues_shows_each_its_own_text_and_counts_once(browser, tmp_path: Path):
    first = SAMPLE[0].read_text(encoding="utf-8")
    second = first.replace("2023年5月10日", "2023年5月17日").replace("第2045期", "第2046期")
    opened, data, _ = open_text(browser, tmp_path, first + "\n\n" + second, "two.txt")
    page = opened.page
    assert sorted(f["source"] for f in data["files"]) == ["two.txt", "two.txt", "zz-empty.txt"]
    assert data["summary"]["files"] == 2 and number(page.inner_text('[data-count="files"] b')) == 2
    assert "in 2 files" in page.inner_text("#status") and "of 2 files reviewed" in page.inner_text("#review")
    for n, (mine, other) in enumerate([("2023年5月10日", "2023年5月17日"), ("2023年5月17日", "2023年5月10日")]):
        section = page.locator('#files details.file[data-file="two.txt"]').nth(n)
        if section.get_attribute("open") is None:
            section.locator("summary").click()
        articles = section.locator(".fbody").inner_text()
        assert mine in articles and other not in articles, (n, articles[:300])
        section.locator('[data-tab="transcript"]').click()
        transcript = section.locator(".transcript").inner_text()
        assert mine in transcript and other not in transcript, (n, transcript[:300])
        first_line = sorted(f["first_line"] for f in data["files"] if f["source"] == "two.txt")[n]
        assert section.locator(".transcript .ln").first.inner_text() == str(first_line)  # lines of the file
    opened.close()  # and no script error on the way


def test_a_deletion_is_visible_in_the_clean_column(page, report):
    data = report[1]
    removed = next((c for c in data["changes"] if c["kind"] == "edit" and c["applied"] and c["after"] == "" and c["article"]), None)
    if removed is None:
        pytest.skip("nothing is removed from an article in these inputs")
    page.evaluate(f"window.kccleanReport.goToChange({removed['id']}, true)")
    marker = page.locator(f'.cell.clean .mk.pt.del[data-ci="{removed["id"]}"]')
    box = marker.bounding_box()
    assert box and box["height"] >= 10 and box["width"] >= 5, box


def test_one_collapsed_label_per_row_not_one_per_change(page, report):
    data = report[1]
    source = next(f["source"] for f in data["files"] if not f["error"])
    open_file(page, source)
    page.wait_for_selector(f'details.file[data-file="{source}"] .rules-here')
    shown = page.eval_on_selector_all(".tag:not(.move)", "tags => tags.filter(t => t.offsetParent !== null).length")
    assert shown == 0
    rows = page.eval_on_selector_all(".rules-here", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.textContent)")
    assert rows and all(text.count("·") + 1 == len(set(text.split(" · "))) for text in rows)


def test_one_vocabulary_for_change_kinds(page, report):
    data = report[1]
    legend = page.inner_text(".legend")
    for word in ("edit", "join", "move", "stitch", "record", "suggestion"):
        assert word in legend
    join = next(c for c in data["changes"] if c["kind"] == "join")
    page.evaluate(f"window.kccleanReport.goToChange({join['id']}, true)")
    page.locator(f'.mk[data-ci~="{join["id"]}"]').first.click()
    assert "join (lines joined)" in page.inner_text("#pop")
    page.locator(f'details.file[data-file="{join["source"]}"] [data-tab="list"]').click()
    words = page.eval_on_selector_all(".item .kindword", "ws => ws.filter(w => w.offsetParent !== null).map(w => w.textContent.split(' ')[0])")
    assert words and set(words) <= {"edit", "join", "move", "stitch", "record", "suggestion"}


def test_a_loading_message_shows_until_the_page_is_drawn(page, report):
    html = report[0].read_text(encoding="utf-8")
    assert html.index('id="loading"') < html.index('id="kc-index"')
    assert page.locator("#loading").is_hidden()


def test_triage_cards_rule_rows_and_file_sorting(page, report):
    data = report[1]
    page.click('[data-count="fixes"]')
    assert page.input_value("#f-level") == "applied"
    page.click("#f-clear")
    rule = max(data["rules"], key=lambda r: data["rules"][r]["applied"])
    page.locator(f'#rules tr[data-rule="{rule}"] td.desc').click()  # anywhere on the row
    assert page.input_value("#f-rule") == rule
    page.click("#f-clear")
    # review by rule: each rule's distinct edits with their counts
    pairs = data["rules"]["punct.comma-width"]["pairs"] if "punct.comma-width" in data["rules"] else []
    if pairs:
        shown = page.inner_text('[data-pairs="punct.comma-width"]')
        assert f"×{pairs[0][3]}" in shown and sum(p[3] for p in pairs) == data["rules"]["punct.comma-width"]["applied"]
    page.select_option("#f-sort", "density")
    listed = page.eval_on_selector_all("#files details.file", "ds => ds.map(d => Number(d.querySelector('[data-density]')?.dataset.density || 0))")
    assert listed == sorted(listed, reverse=True)
    page.select_option("#f-only", "errors")
    assert page.eval_on_selector_all("#files details.file", "ds => ds.map(d => d.dataset.file)") == ["zz-empty.txt"]


def test_a_cleared_rule_is_skipped_by_j_and_k(page, report):
    data = report[1]
    page.select_option("#f-level", "applied")
    before = page.evaluate("window.kccleanReport.walk()")
    rule = data["changes"][before[0]]["rule"]
    page.locator(f'input[data-clear="{rule}"]').check()
    after = page.evaluate("window.kccleanReport.walk()")
    assert after == [i for i in before if data["changes"][i]["rule"] != rule]


def test_identical_warnings_are_grouped(browser, tmp_path: Path):
    text = "柯城开展宣讲活动\n\n本报讯（记者 方心怡）校长为全校师生宣讲全会精神，共产党人的初\n"
    inputs = []
    for n in range(3):
        path = tmp_path / f"p{n}.txt"
        path.write_text(text.replace("柯城", f"柯城{n}"), encoding="utf-8")
        inputs.append(path)
    html, data = fix(inputs, tmp_path / "run")
    messages = [w["message"] for w in data["warnings"] if not w["message"].startswith("skipped")]
    assert len(messages) >= 3
    opened = Page(browser, html)
    grouped = opened.page.locator("#warnings li[data-same]")
    assert grouped.count() >= 1 and int(grouped.first.get_attribute("data-same")) >= 3
    opened.close()


def test_a_phone_does_not_scroll_sideways(browser, report):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(report[0].as_uri())
    page.wait_for_selector("body[data-ready]", state="attached")
    page.click("#openall")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_print_shows_file_names_and_no_controls(page, report):
    page.click("#openall")
    page.emulate_media(media="print")
    assert page.locator("#rules th[data-sort]").first.evaluate("th => getComputedStyle(th, '::after').content") in ("none", "normal")
    for selector in (".toolbar", "#review", "#f-sort", 'input[type="checkbox"]'):
        assert page.locator(selector).first.is_hidden(), selector
    headers = page.eval_on_selector_all(".art > header", "hs => hs.map(h => [h.innerText, getComputedStyle(h).display])")
    sources = {a["id"]: a["source"] for f in report[1]["files"] for a in f["articles"]}
    assert headers and all(any(src in text for src in sources.values()) and display == "table-header-group" for text, display in headers)


def test_the_change_lists_go_in_line_order_with_furniture_last(page, report):
    data = report[1]
    source = next(f["source"] for f in data["files"] if not f["error"])
    open_file(page, source)
    page.locator(f'details.file[data-file="{source}"] [data-tab="list"]').click()
    ids = page.eval_on_selector_all(f'details.file[data-file="{source}"] .item[data-item]', "items => items.map(i => Number(i.dataset.item))")
    changes = [data["changes"][i] for i in ids]
    kinds = [c["kind"] == "record" for c in changes]
    assert kinds == sorted(kinds) and not kinds[0], "page furniture comes last"
    for group in (False, True):
        mine = [(c["line"], c["column"]) for c in changes if (c["kind"] == "record") == group and c["source"] == source]
        assert mine == sorted(mine)


# ---------------------------------------------------------------- the review workbench

WORKTREE = Path(__file__).resolve().parents[1]
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


def kcclean(*args: str) -> subprocess.CompletedProcess:
    """`python -m kcclean` of this checkout, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(WORKTREE)}
    return subprocess.run([sys.executable, "-m", "kcclean", *args], cwd=WORKTREE, env=env, capture_output=True, text=True, timeout=600)


def two_issues(folder: Path) -> Path:
    """The sample issue and a copy of it a week later, each with an English `and` between
    Chinese words (a suggestion): 54 changes for j/k to step through."""
    scans = folder / "scans"
    scans.mkdir(parents=True)
    for path in SAMPLE:
        text = path.read_text(encoding="utf-8").replace("手指上下翻飞", "手指 and 上下翻飞")
        (scans / path.name).write_text(text, encoding="utf-8")
        later = text.replace("2023年5月10日", "2023年5月17日").replace("第2045期", "第2046期").replace("手指 and", "双手 and")
        (scans / path.name.replace("05-10", "05-17")).write_text(later, encoding="utf-8")
    return scans


def run(scans: Path, out: Path, *more: str) -> tuple[Path, dict]:
    result = kcclean("fix", str(scans), "--out", str(out), "--quiet", *more)
    assert result.returncode == 0, result.stderr + result.stdout
    return out / "report.html", json.loads((out / "report.json").read_text(encoding="utf-8"))


class Review(Page):
    """A report page at a given screen size."""

    def __init__(self, browser, html: Path, viewport=DESKTOP, mobile=False, context=None):
        self.own = context is None
        self.context = context or browser.new_context(viewport=viewport, is_mobile=mobile, accept_downloads=True)
        self.requests, self.errors = [], []
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.goto(html.as_uri())

    def goto(self, url: str):
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)

    def current(self) -> dict:
        return self.page.evaluate("window.kccleanReport.current()")

    def export(self, path: Path) -> str:
        self.page.focus("#export")
        with self.page.expect_download() as download:
            self.page.keyboard.press("Enter")
        download.value.save_as(path)
        return path.read_text(encoding="utf-8")

    def close(self):
        assert not self.errors, self.errors
        if self.own:
            self.context.close()


def in_view(page, change_id: int) -> dict:
    """Where the current change is, and what the panel leaves of the window."""
    return page.evaluate(
        """(id) => { const m = document.querySelector('.mk.current'), pop = document.querySelector('#pop');
        const b = m.getBoundingClientRect(), p = pop.getBoundingClientRect();
        return {ids: m.dataset.ci.split(' ').map(Number), top: b.top, bottom: b.bottom, left: b.left, right: b.right,
                panelLeft: p.left, panelTop: p.top, open: !pop.hidden, height: innerHeight, width: innerWidth}; }""",
        change_id,
    )


def assert_beside_the_panel(box: dict, change_id: int, phone: bool = False) -> None:
    assert change_id in box["ids"] and box["open"], box
    assert box["top"] >= 0 and box["bottom"] <= (box["panelTop"] if phone else box["height"]), box
    if not phone:
        assert box["right"] <= box["panelLeft"], box


def status_position(page) -> tuple[int, int]:
    found = re.search(r"change (\d+) of (\d+)", page.inner_text("#status"))
    assert found, page.inner_text("#status")
    return int(found.group(1)), int(found.group(2))


def test_a_keyboard_only_review_of_50_changes_is_applied_and_marked_by_the_rerun(browser, tmp_path: Path):
    scans = two_issues(tmp_path)
    html, data = run(scans, tmp_path / "out")
    changes = data["changes"]
    opened = Review(browser, html)
    page = opened.page
    page.keyboard.press("Tab")  # the keyboard from the start: focus on the page, not on a mark
    rejected, accepted, pair, join, new_article, taken_back = [], [], None, None, None, None
    for step in range(1, 51):
        page.keyboard.press("j")
        change = changes[opened.current()]
        assert_beside_the_panel(in_view(page, change["id"]), change["id"])
        assert status_position(page) == (step, 54)
        first_issue = change["source"].startswith("2023-05-10")
        if change["rule"] == "punct.comma-width" and pair is None:
            page.keyboard.press("X")  # every `, → ，` of the run
            pair = (change["before"], change["after"])
        elif change["kind"] == "join" and join is None:
            page.keyboard.press("x")
            join = change
        elif change["rule"] in ("punct.paren-width", "punct.colon-width") and first_issue:
            page.keyboard.press("x")
            rejected.append(change)
        elif change["rule"] == "punct.question-width" and taken_back is None:
            page.keyboard.press("x")
            page.keyboard.press("u")  # taken back: not exported
            taken_back = change
        elif change["kind"] == "edit" and not change["applied"] and first_issue:
            page.keyboard.press("a")
            accepted.append(change)
        elif change["rule"] == "stray.invisible" and new_article is None:
            page.keyboard.press("N")
            new_article = change
        else:
            continue
        # the panel stays open on the change and says what was decided
        assert page.locator("#pop").is_visible() and changes[opened.current()]["id"] == change["id"]
        if change is not taken_back:
            assert page.locator("#pop .decided").count() >= 1, page.inner_text("#pop")
    assert pair == (",", "，") and join and rejected and accepted and new_article and taken_back
    review = tmp_path / "review.toml"
    exported = opened.export(review)
    opened.close()
    parsed = tomllib.loads(exported)
    commas = [e for e in parsed["exception"] if e["rule"] == "punct.comma-width"]
    assert [e["text"] for e in commas] == [","], exported  # the pair: one exception, not one per comma
    assert {(d["decide"], d["line"]) for d in parsed["layout"]} == {("keep-break", join["undo"]["line"]), ("new-article", new_article["line"])}
    assert len(parsed["rule"]) == 1 and parsed["rule"][0]["id"] == "review.lang.and-between-han"
    assert taken_back["context_before"][-2:] + taken_back["before"] not in exported

    html_again, after = run(scans, tmp_path / "again", "--review", str(review))
    assert after["run"] != data["run"]
    at = lambda c: (c["rule"], c["source"], c["line"], c["column"])  # noqa: E731
    now = {at(c) for c in after["changes"]}
    for change in rejected:
        assert at(change) not in now, change
    assert not [c for c in after["changes"] if c["rule"] == "punct.comma-width" and (c["before"], c["after"]) == pair]
    assert at(taken_back) in now
    assert not [c for c in after["changes"] if c["kind"] == "join" and c["undo"] == join["undo"]]
    kept = {(c["source"], c["line"], c["evidence"].split(": ", 1)[1].split(",")[0]) for c in after["changes"] if c["kind"] == "review"}
    assert kept == {(join["source"], join["undo"]["line"], "keep-break"), (new_article["source"], new_article["line"], "new-article")}, kept
    for change in accepted:
        made = [c for c in after["changes"] if c["source"] == change["source"] and c["line"] == change["line"] and c["applied"] and change["after"] in c["after"]]
        assert made and made[0]["rule"] == "review.lang.and-between-han", change
    left = [c for c in after["changes"] if c["rule"] == "lang.and-between-han"]
    assert len(left) == 1 and not left[0]["applied"]  # the other issue's suggestion, not reviewed
    # the article marked is one now: it starts at that line
    starts = {(a["source"], a["units"][0]["spans"][0][1]) for f in after["files"] for a in f["articles"] if a["units"] and a["units"][0]["spans"]}
    text = next(f["text"] for f in after["files"] if f["source"] == new_article["source"])
    assert (new_article["source"], sum(len(line) + 1 for line in text.split("\n")[: new_article["line"] - 1])) in starts
    # one more article, and one more still: the text split off ends with the article's 下转2版,
    # and the continuation on page 2 is only suggested for it (its first line, a paragraph,
    # half-matches the jump headline)
    assert after["summary"]["articles"] == data["summary"]["articles"] + 2
    assert [c["applied"] for c in after["changes"] if c["kind"] == "stitch" and c["source"] == "2023-05-10_p2.txt"] == [False]

    # the new report marks the decisions kept, and starts with none of the old run's
    opened = Review(browser, html_again, context=None)
    page = opened.page
    assert "0 fixes rejected" in page.inner_text("#review")
    for c in (c for c in after["changes"] if c["kind"] == "review"):
        page.evaluate(f"window.kccleanReport.goToChange({c['id']}, true)")
        mark = page.locator(f'.mk.k-review[data-ci~="{c["id"]}"]').first
        assert mark.is_visible() and "kept by review" in mark.inner_text()
        mark.click()
        assert "review (kept by review)" in page.inner_text("#pop") and c["evidence"] in page.inner_text("#pop")
    opened.close()


@pytest.fixture(scope="module")
def issues(tmp_path_factory) -> tuple[Path, Path, dict]:
    folder = tmp_path_factory.mktemp("issues")
    scans = two_issues(folder)
    html, data = run(scans, folder / "out")
    return scans, html, data


def test_the_change_stays_in_view_beside_the_panel_and_the_panel_after_a_decision(browser, issues):
    _, html, data = issues
    opened = Review(browser, html)
    page = opened.page
    join = next(c for c in data["changes"] if c["kind"] == "join")
    page.evaluate(f"window.kccleanReport.goToChange({join['id']}, true)")
    page.locator(f'.cell.raw .mk[data-ci~="{join["id"]}"]').first.click()
    assert_beside_the_panel(in_view(page, join["id"]), join["id"])
    page.locator('#pop [data-decide="reject"]').click()
    panel = page.locator("#pop")
    assert panel.is_visible(), "a decision does not close the panel"
    assert f"keep-break at line {join['undo']['line']}" in panel.inner_text() and "undo reject" in panel.inner_text()
    page.locator('#pop [data-decide="reject"]').click()  # undo reject
    assert panel.is_visible() and "reject: wrong here" in panel.inner_text() and "1 fix rejected" not in page.inner_text("#review")
    # a change no review can undo (a continuation marker kept as metadata) offers no
    # rejection, and claims nothing
    marker = next(c for c in data["changes"] if c["rule"] == "layout.continuation")
    page.evaluate(f"window.kccleanReport.goToChange({marker['id']}, true)")
    page.locator(f'.mk[data-ci~="{marker["id"]}"]').first.click()
    assert page.locator('#pop [data-decide="reject"]').count() == 0 and "nothing is exported" in panel.inner_text()
    assert "kept out" not in panel.inner_text()
    # a page jump's stitch is undone by keeping the continuation in place
    stitch = next(c for c in data["changes"] if c["kind"] == "stitch")
    page.evaluate(f"window.kccleanReport.goToChange({stitch['id']}, true)")
    page.locator(f'.mk[data-ci~="{stitch["id"]}"]').first.click()
    page.locator('#pop [data-decide="reject"]').click()
    assert f"keep-in-place at line {stitch['undo']['line']}" in panel.inner_text()
    opened.close()


def test_on_a_phone_each_step_puts_the_change_above_the_sheet(browser, issues):
    _, html, data = issues
    opened = Review(browser, html, viewport=PHONE, mobile=True)
    page = opened.page
    for _ in range(8):
        page.keyboard.press("j")
        assert_beside_the_panel(in_view(page, opened.current()), opened.current(), phone=True)
    opened.close()


def test_j_and_k_work_after_a_dropdown_or_a_checkbox_and_skip_reviewed_files(browser, issues):
    _, html, data = issues
    opened = Review(browser, html)
    page = opened.page
    page.select_option("#f-level", "applied")  # the dropdown had the focus
    page.keyboard.press("j")
    first = opened.current()
    assert page.input_value("#f-level") == "applied" and first is not None
    page.keyboard.press("j")
    assert opened.current() != first and status_position(page)[0] == 2
    source = data["changes"][first]["source"]
    box = page.locator(f'input[data-reviewed="{source}"]')
    box.check()  # the checkbox has the focus now
    assert page.locator(f'details.file[data-file="{source}"]').get_attribute("open") is None, "a reviewed file folds"
    walk = page.evaluate("window.kccleanReport.walk()")
    assert walk and all(data["changes"][i]["source"] != source for i in walk)
    page.keyboard.press("j")
    assert data["changes"][opened.current()]["source"] != source
    assert status_position(page)[1] == len(walk)
    opened.close()


def test_a_pair_rejected_for_a_file_or_the_run_is_one_decision_the_rerun_keeps(browser, tmp_path: Path):
    scans = two_issues(tmp_path)
    html, data = run(scans, tmp_path / "out")
    commas = [c for c in data["changes"] if c["rule"] == "punct.comma-width" and (c["before"], c["after"]) == (",", "，")]
    paren = next(c for c in data["changes"] if c["rule"] == "punct.paren-width")
    opened = Review(browser, html)
    page = opened.page
    page.locator('#rules [data-pairs="punct.comma-width"] [data-bulk-pair]').first.click()  # review by rule
    assert "1 pair or rule decided at once" in page.inner_text("#review")
    page.evaluate(f"window.kccleanReport.goToChange({paren['id']}, true)")
    page.locator(f'.cell.raw .mk[data-ci~="{paren["id"]}"]').first.click()
    page.locator('#pop [data-bulk="reject-file"]').click()
    assert "in this file" in page.inner_text("#pop .decided")
    rejected = page.eval_on_selector_all(".mk.rejected[data-ci]", "ms => ms.flatMap(m => m.dataset.ci.split(' ').map(Number))")
    assert {c["id"] for c in commas if c["source"] == paren["source"] and c["article"]} <= set(rejected)
    exported = opened.export(tmp_path / "review.toml")
    opened.close()
    parsed = tomllib.loads(exported)
    assert [e["text"] for e in parsed["exception"] if e["rule"] == "punct.comma-width"] == [","]
    # a pair rejected in one file: one exception, of that file
    assert [(e["text"], e.get("source")) for e in parsed["exception"] if e["rule"] == paren["rule"]] == [(paren["before"], paren["source"])]
    _, after = run(scans, tmp_path / "again", "--review", str(tmp_path / "review.toml"))
    assert len(commas) > 10 and not [c for c in after["changes"] if c["rule"] == "punct.comma-width" and c["before"] == ","]
    assert not [c for c in after["changes"] if c["rule"] == paren["rule"] and c["source"] == paren["source"] and c["before"] == paren["before"]]
    # the same pair in the other files is kept
    others = [c for c in data["changes"] if c["rule"] == paren["rule"] and c["source"] != paren["source"] and c["before"] == paren["before"] and c["line"] != paren["line"]]
    assert all(any((d["source"], d["line"], d["column"]) == (c["source"], c["line"], c["column"]) for d in after["changes"]) for c in others)


def test_a_rejected_join_is_a_break_the_rerun_keeps_and_marks(browser, tmp_path: Path):
    scans = two_issues(tmp_path)
    html, data = run(scans, tmp_path / "out")
    join = next(c for c in data["changes"] if c["kind"] == "join")
    opened = Review(browser, html)
    page = opened.page
    page.evaluate(f"window.kccleanReport.goToChange({join['id']}, true)")
    page.locator(f'.cell.raw .mk[data-ci~="{join["id"]}"]').first.click()
    page.locator('#pop [data-decide="reject"]').click()
    assert "kept out on the next run" in page.inner_text("#pop")
    exported = opened.export(tmp_path / "review.toml")
    opened.close()
    assert tomllib.loads(exported)["layout"] == [{**join["undo"], "note": "rejected in review"}]
    html, after = run(scans, tmp_path / "again", "--review", str(tmp_path / "review.toml"))
    assert not [c for c in after["changes"] if c["undo"] == join["undo"]]
    kept = [c for c in after["changes"] if c["kind"] == "review"]
    assert [(c["source"], c["line"]) for c in kept] == [(join["source"], join["undo"]["line"])] and "keep-break" in kept[0]["evidence"]
    text = join["context_after"].split("\n")[-1][:6]
    paragraphs = [p for f in after["files"] if f["source"] == join["source"] for a in f["articles"] for p in a["body"]]
    assert any(p.startswith(text) for p in paragraphs), "the text after the break starts a paragraph of its own"
    opened = Review(browser, html)
    opened.page.goto(html.as_uri() + f"#change={kept[0]['id']}")
    opened.page.wait_for_selector("body[data-ready]", state="attached")
    assert "kept by review" in opened.page.inner_text("#pop") and kept[0]["evidence"] in opened.page.inner_text("#pop")
    opened.close()


def test_deep_links_open_a_change_or_an_article_and_the_url_follows(browser, issues):
    _, html, data = issues
    change = next(c for c in data["changes"] if c["rule"] == "punct.colon-width")
    opened = Review(browser, html)
    page = opened.page
    opened.goto(html.as_uri() + f"#change={change['id']}")
    assert_beside_the_panel(in_view(page, change["id"]), change["id"])
    page.keyboard.press("j")
    assert page.evaluate("location.hash") == f"#change={opened.current()}" != f"#change={change['id']}"
    article = data["files"][-1]["articles"][-1]
    opened.goto(html.as_uri().replace(".html", ".html") + f"#article={article['id']}")
    card = page.locator(f'[data-article="{article["id"]}"]')
    assert card.is_visible() and card.bounding_box()["y"] < 900
    assert page.evaluate("location.hash") == f"#article={article['id']}"
    opened.close()


def test_search_finds_articles_by_headline_id_or_file_name_and_highlights_the_hits(browser, issues):
    _, html, data = issues
    opened = Review(browser, html)
    page = opened.page
    article = next(a for f in data["files"] for a in f["articles"] if a["source"].endswith("05-17_p2.txt"))
    for query in (article["id"], article["headline"][0][:5]):
        page.fill("#f-text", query)
        page.wait_for_function("q => document.querySelector('#f-text').value === q && document.querySelector('#status').textContent.includes('match')", arg=query)
        page.wait_for_timeout(300)
        card = page.locator(f'[data-article="{article["id"]}"]')
        assert card.is_visible(), query
        hits = card.locator("mark.hit")
        assert hits.count() >= 1 and query.lower() in hits.first.inner_text().lower() + query.lower()[len(hits.first.inner_text()):], query
    page.fill("#f-text", "05-17_p2")  # a file name: its articles, whole
    page.wait_for_timeout(400)
    assert article["source"] in page.eval_on_selector_all("#files details.file", "ds => ds.map(d => d.dataset.file)")
    assert page.locator(f'[data-article="{article["id"]}"] .grid > .cell:visible').count() >= 2
    opened.close()


def test_the_outline_lists_issues_by_date_and_headline(browser, issues):
    _, html, data = issues
    opened = Review(browser, html)
    page = opened.page
    outline = page.inner_text("#outline")
    assert "2023-05 · 2 issues · 8 articles" in outline
    assert outline.index("2023-05-10") < outline.index("2023-05-17")
    article = data["files"][2]["articles"][0]
    assert article["headline"][0] in outline
    page.locator(f'#outline a[href="#article={article["id"]}"]').click()
    assert page.evaluate("location.hash") == f"#article={article['id']}"
    assert page.locator(f'[data-article="{article["id"]}"]').is_visible()
    opened.close()


def test_unchanged_paragraphs_fold_away(browser, tmp_path: Path):
    text = "柯城开展宣讲活动\n\n本报讯（记者 方心怡）校长宣讲全会精神。\n\n第二段没有改动。\n\n第三段也没有改动。\n\n第四段有改动,这里。\n"
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    html, _ = run(path, tmp_path / "out")
    opened = Review(browser, html)
    page = opened.page
    open_file(page, "page.txt")
    fold = page.locator(".same-fold button")
    assert fold.count() == 1 and "3 unchanged paragraphs" in fold.inner_text()
    assert not page.get_by_text("第二段没有改动").first.is_visible() and page.get_by_text("第四段有改动").first.is_visible()
    fold.click()
    assert page.get_by_text("第二段没有改动").first.is_visible() and fold.count() == 0
    opened.close()


def test_decisions_belong_to_their_run_and_a_review_file_loads_back(browser, tmp_path: Path):
    scans = two_issues(tmp_path)
    html, data = run(scans, tmp_path / "out")
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    opened = Review(browser, html, context=context)
    page = opened.page
    colon = next(c for c in data["changes"] if c["rule"] == "punct.colon-width")
    suggestion = next(c for c in data["changes"] if not c["applied"])  # a text found once in the run
    join = next(c for c in data["changes"] if c["kind"] == "join")
    page.evaluate(f"window.kccleanReport.goToChange({colon['id']}, true)")
    page.keyboard.press("X")
    page.evaluate(f"window.kccleanReport.goToChange({suggestion['id']}, true)")
    page.keyboard.press("x")
    page.evaluate(f"window.kccleanReport.goToChange({join['id']}, true)")
    page.keyboard.press("x")
    # a headline line marked "not a headline", a line of text marked "a headline", by the line numbers
    article = next(a for f in data["files"] for a in f["articles"] if a["source"] == colon["source"] and a["units"][0]["role"] == "headline")
    open_file(page, colon["source"])
    line_of = lambda at: data_text(data, colon["source"])[:at].count("\n") + 1  # noqa: E731
    headline_line = line_of(article["units"][0]["spans"][0][1])
    section = page.locator(f'details.file[data-file="{colon["source"]}"]')
    section.locator(f'.art[data-article="{article["id"]}"] .cell.raw .ln', has_text=re.compile(f"^{headline_line}$")).first.click()
    page.locator('#pop [data-line-decide="not-headline"]').click()
    body_line = line_of(article["units"][-1]["spans"][0][1])
    section.locator(".cell.raw .ln", has_text=re.compile(f"^{body_line}$")).first.click()
    page.keyboard.press("H")
    assert "2 lines marked" in page.inner_text("#review")
    counts = page.inner_text('[data-review="counts"]')
    exported = opened.export(tmp_path / "review.toml")
    layout = tomllib.loads(exported)["layout"]
    assert {(d["line"], d["decide"]) for d in layout} == {(headline_line, "not-headline"), (body_line, "headline"), (join["undo"]["line"], "keep-break")}
    assert all(d["text"] and d["source"] == colon["source"] or d["source"] == join["source"] for d in layout)

    # another run's report (another input) starts with no decision
    later = next(scans.glob("2023-05-17_p2.txt"))
    later.write_text(later.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    other, _ = run(scans, tmp_path / "other")
    opened.goto(other.as_uri())
    assert "0 fixes rejected" in page.inner_text("#review") and "0 lines marked" in page.inner_text("#review")
    # this run's report keeps them; the review file loaded into a fresh browser restores them
    opened.goto(html.as_uri())
    assert page.inner_text('[data-review="counts"]') == counts
    opened.close()
    context.close()
    fresh = Review(browser, html)
    fresh.page.set_input_files("#review-load", str(tmp_path / "review.toml"))
    fresh.page.wait_for_selector('[data-review="loaded"]')
    assert "match nothing" not in fresh.page.inner_text("#review")
    assert fresh.page.inner_text('[data-review="counts"]') == counts
    assert fresh.page.evaluate("window.kccleanReport.reviewToml()") == exported
    fresh.close()


def data_text(data: dict, source: str) -> str:
    return next(f["text"] for f in data["files"] if f["source"] == source)
