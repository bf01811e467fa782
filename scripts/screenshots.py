"""Take the README's screenshots of report.html (docs/*.png) from a run over the bundled
sample issue (the project's own writing, not a published page): `python scripts/screenshots.py
[FOLDER]`. Needs /usr/bin/chromium, playwright (the `test` extra) and a CJK font
(fonts-noto-cjk), or the Chinese shows as boxes."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from typer.testing import CliRunner

from kcclean.cli import app

ROOT = Path(__file__).resolve().parent.parent


def main(transcripts: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        result = CliRunner().invoke(app, ["fix", str(transcripts), "--out", str(out), "--quiet"])
        assert result.exit_code == 0, result.output
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1360, "height": 1000}, device_scale_factor=1)
            page.goto((out / "report.html").as_uri())
            page.wait_for_selector("body[data-ready]", state="attached")
            page.screenshot(path=str(ROOT / "docs" / "report.png"))
            # an article: a join's detail in the side panel, with the review buttons
            page.select_option("#f-rule", "join.broken-wrap")
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("j")
            page.keyboard.press("j")
            page.wait_for_timeout(300)
            page.screenshot(path=str(ROOT / "docs" / "report-article.png"))
            # review: a rejected fix and the review bar
            page.locator('#pop [data-decide="reject"]').click()
            page.select_option("#f-rule", "")
            page.evaluate("document.querySelector('#summary').scrollIntoView()")
            page.screenshot(path=str(ROOT / "docs" / "report-review.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 700})
            browser.close()
    print("wrote docs/report.png, docs/report-article.png, docs/report-review.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures" / "sample")
