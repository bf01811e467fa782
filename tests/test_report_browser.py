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
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, seed_inputs
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
    assert marks.first.evaluate("m => getComputedStyle(m).textDecorationLine") == "line-through"


def test_a_suggestion_names_the_rule_to_enable(browser, tmp_path: Path):
    text = "柯城开展宣讲活动\n\n本报讯（记者 方心怡）校长为全校师生宣讲全会精神 and 共产党人的初心。\n"
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    html, data = fix([path], tmp_path / "run")
    opened = Page(browser, html)
    page = opened.page
    assert 'unsafe = ["lang.and-between-han"]' in page.inner_text('[data-warnings="suggestions"]')
    open_file(page, "page.txt")
    suggestion = page.locator("#files .cell.raw .mk.sug")
    assert suggestion.count() == 1 and "lang.and-between-han" in suggestion.inner_text()
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
