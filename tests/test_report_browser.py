"""report.html used as a reviewer uses it, in a real browser: Debian's Chromium, headless,
driven by Playwright. Skipped when /usr/bin/chromium or the playwright package is absent
(`apt-get install chromium`; playwright comes with the `test` extra and downloads nothing).

The page is opened from disk with every network request refused; the summary must show the
numbers of report.json, a rule filter must leave exactly that rule's changes, the keyboard
must walk from change to change, and a large run must open quickly.
"""

from __future__ import annotations

import json
import re
import shutil
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
    assert "部署,\x7f" in parsed["exception"][0]["text"]

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
