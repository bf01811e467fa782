"""The `kcclean` command line, used the way a user would use it.

Every test copies or writes its transcripts into a fresh tmp_path and runs there
(monkeypatch.chdir), so no kcclean.toml or pyproject.toml of the repository leaks in, and
checks exit codes, the key words of messages and the files left on disk.
"""

from __future__ import annotations

import codecs
import importlib.metadata
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import hidden, run, tree
from typer.main import get_command

import kcclean
from kcclean.cli import app
from kcclean.errors import OutputError
from kcclean.output.folder import OutputFolder
from kcclean.output.report import Report
from kcclean.rules import engine as repair
from kcclean.rules import pattern

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "sample"
CLEAN = FIXTURES / "clean" / "clean_issue.txt"
P1, P2 = "2023-05-10_p1.txt", "2023-05-10_p2.txt"

ARTICLE_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "source": str,
    "sources": list,
    "date": (str, type(None)),
    "issue": (int, type(None)),
    "page": (int, type(None)),
    "headline": list,
    "byline": (str, type(None)),
    "kind": str,
    "body": list,
    "continued_to": (int, type(None)),
    "continued_from": (int, type(None)),
    "truncated": bool,
    "path": str,
    "changes": int,
}
# `file:line:col  rule-id  before → after`, optionally marked as a suggestion; a join, move
# or stitch in its context, marked as `kcclean diff` marks it (`…培训技[-⏎⏎-]术、回收…`).
CHANGE_LINE = re.compile(
    r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+)  (?P<rule>[\w.-]+)  "
    r"(?:(?P<before>\S+) → (?P<after>\S+)|(?P<context>.*(?:\[-.+?-\]|<<moved: .+?>>|\[=.+?=\]).*))(  \(suggestion\))?$"
)


# ---------------------------------------------------------------- helpers


pytestmark = pytest.mark.usefixtures("workdir")


def copy_sample(folder: str = "sample") -> Path:
    """The bundled two-page issue, copied into the working folder."""
    target = Path(folder)
    target.mkdir()
    for page in (P1, P2):
        shutil.copy(SAMPLE / page, target / page)
    return target


def transcript(path: str | Path, *articles: tuple[str, str]) -> Path:
    """A raw transcript in the seeds' style: per article a headline line, a blank line and
    a `本报讯（记者 王思）…。` lead paragraph."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(f"{headline}\n\n本报讯（记者 王思）{lead}\n" for headline, lead in articles)
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def report_of_fix(*paths: str) -> dict:
    """report.json of a successful `fix` of these paths into a side folder."""
    result = run("fix", *paths, "--out", "reference-out")
    assert result.exit_code == 0, result.output
    return report(Path("reference-out"))


def change_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if CHANGE_LINE.match(line.strip())]


# ---------------------------------------------------------------- 1. fix on the sample


def test_fix_writes_articles_index_report_and_one_markdown_file_per_article(workdir: Path):
    copy_sample()
    result = run("fix", "sample", "--out", "out")
    assert result.exit_code == 0, result.output
    out = workdir / "out"
    assert {p.name for p in out.iterdir()} >= {"articles.jsonl", "issues.jsonl", "report.json", "report.html"}

    issues = jsonl(out / "issues.jsonl")
    assert [i["key"] for i in issues] == ["2023-05-10_2045"]
    assert issues[0]["sources"] == [P1, P2]

    articles = jsonl(out / "articles.jsonl")
    assert len(articles) == 4
    for article in articles:
        for key, kind in ARTICLE_TYPES.items():
            assert isinstance(article[key], kind), (key, article[key])
        assert all(isinstance(line, str) for line in article["headline"] + article["body"] + article["sources"])
        assert article["kind"] in {"news", "photo"}
        assert article["body"] and article["headline"]
    assert [a["id"] for a in articles] == [f"2023-05-10_2045-{n:02d}" for n in range(1, 5)]

    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert written == sorted(a["path"] for a in articles), "one .md per article, each named in articles.jsonl"
    for number, article in enumerate(articles, 1):
        path = out / article["path"]
        assert path.is_file()
        assert path.parent.name == issues[0]["key"]
        assert re.fullmatch(rf"{number:02d}-[^/\\]+\.md", path.name), path.name
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\n") and f'id: "{article["id"]}"' in text
        assert all(paragraph in text for paragraph in article["body"])

    data = report(out)
    assert data["summary"]["files"] == 2 and data["summary"]["articles"] == 4
    assert [f["source"] for f in data["files"]] == [P1, P2]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and "2023-05-10_p1.txt" in html


def test_fix_prints_one_summary_line_per_file_and_a_total(workdir: Path):
    copy_sample()
    result = run("fix", "sample", "--out", "out")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3, lines
    summary = report(workdir / "out")["summary"]
    per_file = [re.match(r"^(\S+)  utf-8  (\d+) articles?  (\d+) fix(?:es)?  (\d+) suggestions?  (\d+) warnings?$", line) for line in lines[:2]]
    assert all(per_file), lines
    assert [m.group(1) for m in per_file] == [P1, P2]
    assert sum(int(m.group(2)) for m in per_file) == summary["articles"] == 4
    assert sum(int(m.group(3)) for m in per_file) == summary["fixes"] > 0
    assert lines[2] == (
        f"2 files, 4 articles, {summary['fixes']} fixes, 0 suggestions, {summary['warnings']} warnings; "
        "wrote out/ (open out/report.html)"
    )


def test_quiet_prints_only_the_total(workdir: Path):
    copy_sample()
    result = run("fix", "sample", "--out", "out", "--quiet")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("2 files, 4 articles, ")
    assert len(result.stdout.splitlines()) == 1


# ---------------------------------------------------------------- 2. dry run


def test_dry_run_writes_nothing_and_prints_every_change(workdir: Path):
    copy_sample()
    before = tree(workdir)
    result = run("fix", "sample", "--out", "deeper/out", "--dry-run")
    assert result.exit_code == 0, result.output
    assert not (workdir / "deeper").exists()
    assert tree(workdir) == before and hidden(workdir) == []
    assert result.stdout.rstrip().endswith("nothing written (dry run)")
    # the sample's lead `本报讯(记者 刘思远 通讯员 姜雨婷)“中午12点多过来,` has a half-width comma at 45:29
    assert f"    {P1}:45:29  punct.comma-width  , → ，" in result.stdout.splitlines()
    assert f"    {P1}:45:4  punct.paren-width  (记者␣刘思远␣通讯员␣姜雨婷) → （记者␣刘思远␣通讯员␣姜雨婷）" in result.stdout
    changes = change_lines(result.stdout)
    assert len(changes) == len([line for line in result.stdout.splitlines() if line.startswith("    ")])
    assert {line.split(":")[0] for line in changes} == {P1, P2}


def test_dry_run_lists_the_same_changes_as_check(workdir: Path):
    copy_sample()
    dry = run("fix", "sample", "--dry-run")
    checked = run("check", "sample")
    assert change_lines(dry.stdout) == change_lines(checked.stdout) != []
    assert not (workdir / "kcclean-out").exists()


# ---------------------------------------------------------------- 3. check


def test_check_exits_1_on_the_raw_sample_and_lists_the_fixes(workdir: Path):
    copy_sample()
    fixes = report_of_fix("sample")["summary"]["fixes"]
    result = run("check", "sample")
    assert result.exit_code == 1, result.output
    assert len(change_lines(result.stdout)) == fixes
    assert result.stdout.splitlines()[-1] == f"{fixes} fixes to make in 2 files (kcclean fix makes them)"
    assert f"{P1}:45:29  punct.comma-width  , → ，" in result.stdout


def test_check_exits_0_on_a_clean_transcript(workdir: Path):
    shutil.copy(CLEAN, "clean_issue.txt")
    result = run("check", "clean_issue.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout == "clean: nothing to fix\n"
    assert list(workdir.iterdir()) == [workdir / "clean_issue.txt"], "check writes nothing"


# ---------------------------------------------------------------- 4. bad inputs

GARBLE_PREFIX = b"kcclean transcript, page 1\n"
BAD_FILES = [
    pytest.param("empty.txt", b"", "empty file", id="empty"),
    pytest.param("bom-only.txt", codecs.BOM_UTF8, "empty file", id="bom-only"),
    pytest.param("blank.txt", b"  \n\n\t \r\n" + "\u3000\n".encode(), "empty file", id="whitespace-only"),
    pytest.param("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file", id="binary-png"),
    pytest.param("controls.txt", bytes(range(1, 9)) * 40, "binary file", id="control-characters"),
    pytest.param(
        "garbled.txt",
        GARBLE_PREFIX + b"\x80\x80\x80\xff\xff" + b" more text\n",
        f"cannot be decoded as UTF-8 or GB18030/GBK (byte {len(GARBLE_PREFIX)})",
        id="undecodable",
    ),
]


@pytest.mark.parametrize(("name", "data", "problem"), BAD_FILES)
def test_fix_skips_an_unusable_file_and_writes_the_others(workdir: Path, name: str, data: bytes, problem: str):
    copy_sample()
    Path("sample", name).write_bytes(data)
    result = run("fix", "sample", "--out", "out")
    assert result.exit_code == 2, result.output
    assert f"kcclean: skipped {name}: {problem}" in result.stderr
    assert not any(line.startswith(name) for line in result.stdout.splitlines())
    assert [line.split()[0] for line in result.stdout.splitlines()[:2]] == [P1, P2]
    articles = jsonl(workdir / "out" / "articles.jsonl")
    assert len(articles) == 4 and all((workdir / "out" / a["path"]).is_file() for a in articles)
    skipped = [f for f in report(workdir / "out")["files"] if f["error"]]
    assert [(f["source"], problem in f["error"]) for f in skipped] == [(name, True)]


@pytest.mark.parametrize(("name", "data", "problem"), BAD_FILES)
def test_check_skips_an_unusable_file_and_checks_the_others(workdir: Path, name: str, data: bytes, problem: str):
    copy_sample()
    Path("sample", name).write_bytes(data)
    result = run("check", "sample")
    assert result.exit_code == 2, result.output
    assert f"kcclean: skipped {name}: {problem}" in result.stderr
    assert f"{P1}:45:29  punct.comma-width  , → ，" in result.stdout


def _missing_file() -> str:
    return "nope.txt"


def _folder_without_transcripts() -> str:
    Path("notes").mkdir()
    Path("notes", "readme.md").write_text("not a transcript\n", encoding="utf-8")
    return "notes"


def _glob_matching_nothing() -> str:
    return "scans/*.txt"


MISSING = [
    pytest.param(_missing_file, "nope.txt: no such file", id="missing-path"),
    pytest.param(_folder_without_transcripts, "notes: folder has no *.txt files", id="folder-without-txt"),
    pytest.param(_glob_matching_nothing, "scans/*.txt: the pattern matches no files", id="glob-matching-nothing"),
]


@pytest.mark.parametrize("command", ["fix", "check"])
@pytest.mark.parametrize(("make", "message"), MISSING)
def test_a_path_naming_no_transcript_is_an_input_error(workdir: Path, command: str, make: Callable[[], str], message: str):
    result = run(command, make())
    assert result.exit_code == 2, result.output
    assert f"kcclean: error: {message}" in result.stderr
    assert not (workdir / "kcclean-out").exists()


@pytest.mark.parametrize(("make", "message"), MISSING)
def test_a_path_naming_no_transcript_does_not_stop_the_other_files(workdir: Path, make: Callable[[], str], message: str):
    copy_sample()
    result = run("fix", "sample", make(), "--out", "out")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(jsonl(workdir / "out" / "articles.jsonl")) == 4


SLOW_RULE = """\
[[rule]]
id = "house.slow"
description = "A pattern that backtracks catastrophically on a long run of 好."
kind = "regex"
scope = ["body"]
level = "safe"
pattern = '(?:(好|好好)+)+x'
replacement = "x"

[[rule.example]]
text = "好好x"
fixed = "x"

[[rule.example]]
text = "柯城"
"""


@pytest.fixture
def slow_rule_run(workdir: Path, monkeypatch: pytest.MonkeyPatch):
    """`fix` with a user rule that times out on one of two files."""
    monkeypatch.setattr(pattern, "TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(repair, "TIMEOUT_SECONDS", 0.2)
    Path("my_rules").mkdir()
    Path("my_rules", "slow.toml").write_text(SLOW_RULE, encoding="utf-8")
    shutil.copy(CLEAN, "good.txt")
    transcript("slow.txt", ("区里召开会议", "5月8日上午，" + "好" * 40 + "。"))
    return run("fix", "good.txt", "slow.txt", "--rules", "my_rules", "--out", "out")


def test_a_rule_timing_out_is_switched_off_and_every_file_is_still_cleaned(workdir: Path, slow_rule_run):
    result = slow_rule_run
    assert result.exit_code == 0, result.output
    assert "kcclean: warning: rule house.slow gave up after 0.2 s on slow.txt" in result.stderr
    assert "it is switched off for this issue (fix it in my_rules/slow.toml:1, or --ignore house.slow)" in result.stderr
    assert {a["source"] for a in jsonl(workdir / "out" / "articles.jsonl")} == {"good.txt", "slow.txt"}
    assert hidden(workdir) == []


def test_a_rule_timing_out_is_named_in_the_report_warnings(workdir: Path, slow_rule_run):
    warnings = [w for w in report(workdir / "out")["warnings"] if "house.slow" in w["message"]]
    assert [(w["source"], "switched off for this issue" in w["message"]) for w in warnings] == [("slow.txt", True)]


def test_a_rule_timing_out_gives_the_same_report_with_any_jobs(workdir: Path, monkeypatch: pytest.MonkeyPatch):
    """Switched off where it timed out, not for the rest of a worker's issues: each issue
    that holds the slow text says so once, however the issues are shared among workers."""
    monkeypatch.setattr(pattern, "TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(repair, "TIMEOUT_SECONDS", 0.2)  # forked workers inherit both
    Path("my_rules").mkdir()
    Path("my_rules", "slow.toml").write_text(SLOW_RULE, encoding="utf-8")
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):  # four issues: no masthead, no shared date
        transcript(name, ("区里召开会议", "5月8日上午，" + "好" * 40 + "。"))
    outputs = {}
    for jobs in (1, 2):
        result = run("fix", "a.txt", "b.txt", "c.txt", "d.txt", "--rules", "my_rules", "--out", f"out{jobs}", "--jobs", jobs)
        assert result.exit_code == 0, result.output
        assert re.findall(r"rule house.slow gave up after 0.2 s on (.\.txt)", result.stderr) == ["a.txt", "b.txt", "c.txt", "d.txt"]
        outputs[jobs] = {p.relative_to(f"out{jobs}").as_posix(): p.read_bytes() for p in Path(f"out{jobs}").rglob("*") if p.is_file()}
    assert outputs[1] == outputs[2]


# ---------------------------------------------------------------- 5. encodings


def gbk_transcript() -> str:
    """Page 1 of the sample without its zero-width space, the one character GBK lacks."""
    text = (SAMPLE / P1).read_text(encoding="utf-8").replace("\u200b", "")
    text.encode("gbk")
    return text


ENCODINGS = [
    pytest.param(lambda t: t.encode("utf-8"), "utf-8", id="utf-8"),
    pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
    pytest.param(lambda t: t.encode("utf-16"), "utf-16", id="utf-16"),
    pytest.param(lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16", id="utf-16-be-bom"),
    pytest.param(lambda t: t.encode("gb18030"), "gb18030", id="gb18030"),
    pytest.param(lambda t: t.encode("gbk"), "gb18030", id="gbk"),
    pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), "utf-8", id="utf-8-crlf"),
    pytest.param(lambda t: t.replace("\n", "\r").encode("utf-8"), "utf-8", id="utf-8-cr"),
    pytest.param(lambda t: t.replace("\n", "\r\n").encode("gbk"), "gb18030", id="gbk-crlf"),
    pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-16"), "utf-16", id="utf-16-crlf"),
]


def cleaned(folder: str, data: bytes) -> tuple[list[tuple], dict]:
    """Articles (headline, byline, kind, body) and report of `fix` on one page saved as `data`."""
    Path(folder).mkdir()
    Path(folder, P1).write_bytes(data)
    result = run("fix", Path(folder, P1), "--out", f"{folder}-out")
    assert result.exit_code == 0, result.output
    articles = jsonl(Path(f"{folder}-out", "articles.jsonl"))
    return [(a["headline"], a["byline"], a["kind"], a["body"]) for a in articles], report(Path(f"{folder}-out"))


def located(data: dict) -> list[tuple]:
    return [(c["rule"], c["line"], c["column"], c["before"], c["after"]) for c in data["changes"]]


@pytest.mark.parametrize(("encode", "name"), ENCODINGS)
def test_every_encoding_and_line_end_gives_the_same_articles(workdir: Path, encode, name: str):
    text = gbk_transcript()
    expected, expected_report = cleaned("lf", text.encode("utf-8"))
    got, got_report = cleaned("variant", encode(text))
    assert got == expected and len(got) == 3
    assert [f["encoding"] for f in got_report["files"]] == [name]
    assert located(got_report) == located(expected_report), "changes are located in the same lines and columns"
    assert all("\r" not in p and "\ufeff" not in p for article in got for p in article[3])


# ---------------------------------------------------------------- 6. atomic output


def _fail_on_every_add(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def add(self, issue, *args):
        raise error

    monkeypatch.setattr(OutputFolder, "add", add)


def _fail_on_second_add(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    original, calls = OutputFolder.add, []

    def add(self, issue, *args):
        calls.append(issue.key)
        if len(calls) == 2:
            raise error
        return original(self, issue, *args)

    monkeypatch.setattr(OutputFolder, "add", add)


def _fail_on_report(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def write_html(self, handle):
        handle.write("<!doctype html>")  # half a page: it must not survive the failure
        raise error

    monkeypatch.setattr(Report, "write_html", write_html)


FAILURE_POINTS = [
    pytest.param(_fail_on_every_add, id="first-issue"),
    pytest.param(_fail_on_second_add, id="second-issue"),
    pytest.param(_fail_on_report, id="writing-the-report"),
]


def two_issues() -> list[str]:
    copy_sample()
    shutil.copy(CLEAN, "clean_issue.txt")
    return ["sample", "clean_issue.txt"]


@pytest.mark.parametrize("previous", [False, True], ids=["no-previous-output", "previous-output"])
@pytest.mark.parametrize("fail", FAILURE_POINTS)
def test_a_run_failing_part_way_leaves_no_output(workdir: Path, monkeypatch: pytest.MonkeyPatch, fail, previous: bool):
    inputs = two_issues()
    if previous:
        assert run("fix", *inputs, "--out", "out").exit_code == 0
        before = tree(workdir / "out")
    fail(monkeypatch, RuntimeError("disk on fire"))
    result = run("fix", *inputs, "--out", "out")
    assert result.exit_code == 3, result.output
    assert "kcclean: internal error: RuntimeError: disk on fire" in result.stderr
    assert "This is a bug in kcclean" in result.stderr
    if previous:
        assert tree(workdir / "out") == before, "the previous output is left as it was"
    else:
        assert not (workdir / "out").exists()
    assert hidden(workdir) == [], "no staging folder is left behind"


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        pytest.param(RuntimeError("boom"), 3, "kcclean: internal error: RuntimeError: boom", id="bug"),
        pytest.param(OutputError("out: cannot write here"), 2, "kcclean: error: out: cannot write here", id="user-error"),
        pytest.param(KeyboardInterrupt(), 130, "", id="ctrl-c"),
    ],
)
def test_every_kind_of_failure_cleans_up_the_staging_folder(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, code: int, message: str
):
    inputs = two_issues()
    _fail_on_second_add(monkeypatch, error)
    result = run("fix", *inputs, "--out", "out")
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert not (workdir / "out").exists()
    assert hidden(workdir) == []


# ---------------------------------------------------------------- 7. an existing --out


def _foreign_folder() -> None:
    Path("out", "mine").mkdir(parents=True)
    Path("out", "notes.txt").write_text("my own notes\n", encoding="utf-8")
    Path("out", "mine", "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")


def _plain_file() -> None:
    Path("out").write_text("not a folder\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        pytest.param(_foreign_folder, "out: folder exists and was not made by kcclean", id="foreign-folder"),
        pytest.param(_plain_file, "out: exists and is not a folder", id="file"),
    ],
)
def test_an_out_kcclean_did_not_make_is_left_untouched(workdir: Path, make: Callable[[], None], problem: str):
    copy_sample()
    make()
    before = tree(workdir)
    result = run("fix", "sample", "--out", "out")
    assert result.exit_code == 2, result.output
    assert f"kcclean: error: {problem}" in result.stderr
    assert tree(workdir) == before
    assert hidden(workdir) == []


def _previous_output() -> None:
    assert run("fix", "sample", "--out", "out").exit_code == 0
    Path("out", "stale.md").write_text("from an older run\n", encoding="utf-8")
    Path("out", "2023-05-10_2045", "99-old.md").write_text("from an older run\n", encoding="utf-8")


def _empty_folder() -> None:
    Path("out").mkdir()


@pytest.mark.parametrize("make", [pytest.param(_previous_output, id="previous-output"), pytest.param(_empty_folder, id="empty-folder")])
def test_a_previous_kcclean_output_or_empty_folder_is_replaced(workdir: Path, make: Callable[[], None]):
    copy_sample()
    make()
    result = run("fix", "sample", "--out", "out", "--force")  # files added by hand go too
    assert result.exit_code == 0, result.output
    out = workdir / "out"
    assert not (out / "stale.md").exists() and not (out / "2023-05-10_2045" / "99-old.md").exists()
    articles = jsonl(out / "articles.jsonl")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == sorted(a["path"] for a in articles)
    assert hidden(workdir) == [], "no staging or .old folder is left beside the output"
    assert hidden(out) == [".kcclean"]


# ---------------------------------------------------------------- 8. safe output names

LEAD = "5月8日上午，区里召开会议，部署近期工作。"


def test_output_names_are_safe_and_distinct(workdir: Path):
    transcript(
        "inbox/..柯城:新闻 稿.txt",
        (".././etc:passwd/柯城..新闻", LEAD),
        ("柯城区全面推进乡村振兴战略实施扎实开展共同富裕示范区建设推动高质量发展取得新成效", LEAD),
        ("同题新闻", LEAD),
        ("同题新闻", "5月9日上午，乡里开展活动，群众踊跃参加。"),
    )
    result = run("fix", "inbox/..柯城:新闻 稿.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    out = (workdir / "out").resolve()
    articles = jsonl(out / "articles.jsonl")
    assert len(articles) == 4 and articles[0]["headline"] == [".././etc:passwd/柯城..新闻"]
    paths = [a["path"] for a in articles]
    assert len(set(paths)) == 4, paths
    for path in paths:
        parts = path.split("/")
        assert len(parts) == 2, path
        for part in parts:
            assert not part.startswith(".") and part not in {"", ".", ".."}
            assert not set(part) & set("/\\:"), part
            assert len(part) <= 64 and len(part.encode()) <= 255
        assert (out / path).resolve().is_relative_to(out)
    everything = [p for p in workdir.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(out) or "inbox" in p.parts for p in everything)
    assert hidden(out) == [".kcclean"] and [p.name for p in out.iterdir() if p.is_dir()] == [paths[0].split("/")[0]]


def test_article_ids_are_unique_across_inputs_with_the_same_file_name(workdir: Path):
    transcript("0120/page1.txt", ("区里召开会议", LEAD))
    transcript("0127/page1.txt", ("乡里开展活动", "5月9日上午，乡里开展活动，群众踊跃参加。"))
    result = run("fix", "0120", "0127", "--out", "out")
    assert result.exit_code == 0, result.output
    articles = jsonl(workdir / "out" / "articles.jsonl")
    assert len(articles) == 2
    assert len({a["id"] for a in articles}) == 2, [a["id"] for a in articles]
    assert len({i["key"] for i in jsonl(workdir / "out" / "issues.jsonl")}) == 2


# ---------------------------------------------------------------- 9. help and version



def commands(group=None, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of the app, subcommands of `rules` included, so a new one is covered too."""
    group = group or get_command(app)
    found = []
    for name, command in group.commands.items():
        found += commands(command, (*prefix, name)) if hasattr(command, "commands") else [(*prefix, name)]
    return found


COMMANDS = commands()


def test_the_documented_commands_exist():
    documented = {("fix",), ("check",), ("rules", "list"), ("rules", "explain"), ("rules", "test"), ("rules", "new"), ("layout", "fit")}
    assert documented <= set(COMMANDS)


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: tuple[str, ...], flag: str):
    result = run(*command, flag)
    assert result.exit_code == 0, result.output
    assert f"Usage: kcclean {' '.join(command)}" in result.stdout
    assert "Example" in result.stdout
    assert f"kcclean {' '.join(command)} " in result.stdout, "the example shows the command itself"


GROUPS = {(): ["fix", "check", "diff", "eval", "rules", "layout"], ("rules",): ["list", "explain", "test", "new"], ("layout",): ["fit"]}


@pytest.mark.parametrize("group", list(GROUPS), ids=lambda group: " ".join(["kcclean", *group]))
def test_group_help_lists_the_commands(group: tuple[str, ...]):
    result = run(*group, "--help")
    assert result.exit_code == 0, result.output
    names = GROUPS[group]
    assert all(re.search(rf"^  {name}\s", result.stdout, re.M) for name in names), result.stdout


def test_no_arguments_prints_help():
    result = run()
    assert result.exit_code == 2  # click's usage-error code, as for any missing argument
    assert "Usage: kcclean [OPTIONS] COMMAND" in result.output
    assert re.search(r"^  fix\s", result.output, re.M) and re.search(r"^  check\s", result.output, re.M)


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"kcclean {kcclean.__version__}\n"
    assert kcclean.__version__ == importlib.metadata.version("kcclean")


# ---------------------------------------------------------------- rules commands


def test_rules_new_writes_a_template_that_passes_rules_test(workdir: Path):
    result = run("rules", "new", "house.district-name", "--dir", "my_rules")
    assert result.exit_code == 0, result.output
    assert (workdir / "my_rules" / "house.district-name.toml").is_file()
    tested = run("rules", "test", "my_rules")
    assert tested.exit_code == 0, tested.output
    assert ": 0 failures, 0 broken files" in tested.stdout
    again = run("rules", "new", "house.district-name", "--dir", "my_rules")
    assert again.exit_code == 2 and "already exists" in again.stderr


GROWING_RULE = """\
[[rule]]
id = "house.shop"
description = "Shops are named with their kind."
kind = "regex"
scope = ["body"]
level = "safe"
pattern = '超市'
replacement = "超市（店）"

[[rule.example]]
text = "新开超市"
fixed = "新开超市（店）"

[[rule.example]]
text = "柯城区"
"""


def test_a_rule_that_changes_its_own_output_again_fails_its_example(workdir: Path):
    """超市 → 超市（店） passes its example once, and grows the text on every run of fix."""
    Path("my_rules").mkdir()
    Path("my_rules", "shop.toml").write_text(GROWING_RULE, encoding="utf-8")
    failure = (
        "my_rules/shop.toml:10: rule house.shop: example '新开超市' gives '新开超市（店）', which the rule "
        "changes again, to '新开超市（店）（店）': every run would change the text once more"
    )
    tested = run("rules", "test", "my_rules")
    assert tested.exit_code == 1, tested.output
    assert failure in tested.stdout
    assert ": 1 failures, 0 broken files" in tested.stdout
    transcript("in.txt", ("区里召开会议", "新开超市。"))
    fixed = run("fix", "in.txt", "--rules", "my_rules", "--out", "out")
    assert fixed.exit_code == 2
    assert f"kcclean: error: {failure}" in fixed.stderr
    assert not Path("out").exists()


def test_rules_explain_an_unknown_rule_is_an_input_error():
    result = run("rules", "explain", "punct.nope")
    assert result.exit_code == 2
    # the rules of the same family are offered, however many there are
    assert "no rule is named punct.nope (did you mean punct." in result.stderr


# ---------------------------------------------------------------- 10. settings

HALF_WIDTH = ("区里召开会议", "5月8日上午,区里召开会议，部署近期工作。")


def _no_settings() -> list[str]:
    return []


def _kcclean_toml() -> list[str]:
    Path("kcclean.toml").write_text('ignore = ["punct"]\n', encoding="utf-8")
    return []


def _pyproject() -> list[str]:
    Path("pyproject.toml").write_text('[project]\nname = "paper"\n\n[tool.kcclean]\nignore = ["punct"]\n', encoding="utf-8")
    return []


def _option() -> list[str]:
    return ["--ignore", "punct"]


@pytest.mark.parametrize(
    ("settings", "ignored"),
    [
        pytest.param(_no_settings, False, id="default"),
        pytest.param(_kcclean_toml, True, id="kcclean.toml"),
        pytest.param(_pyproject, True, id="pyproject-tool-kcclean"),
        pytest.param(_option, True, id="--ignore"),
    ],
)
def test_ignoring_punct_keeps_a_half_width_comma(workdir: Path, settings: Callable[[], list[str]], ignored: bool):
    transcript("news.txt", HALF_WIDTH)
    result = run("fix", "news.txt", "--out", "out", *settings())
    assert result.exit_code == 0, result.output
    body = jsonl(workdir / "out" / "articles.jsonl")[0]["body"]
    comma = "," if ignored else "，"
    assert body == [f"本报讯（记者 王思）5月8日上午{comma}区里召开会议，部署近期工作。"]
    punct = [c for c in report(workdir / "out")["changes"] if c["rule"].startswith("punct.")]
    assert bool(punct) is not ignored


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        pytest.param("kcclean.toml", 'ignore = ["punct"]\nselect = = 3\n', "kcclean.toml:2: TOML syntax", id="kcclean.toml"),
        pytest.param(
            "pyproject.toml", '[project]\nname = "paper"\n[tool.kcclean\nignore = []\n', "pyproject.toml:3: TOML syntax", id="pyproject"
        ),
        pytest.param("kcclean.toml", 'ignor = ["punct"]\n', "kcclean.toml: unknown setting(s): ignor", id="unknown-key"),
    ],
)
@pytest.mark.parametrize("command", ["fix", "check"])
def test_a_broken_settings_file_is_an_input_error(workdir: Path, command: str, name: str, text: str, where: str):
    transcript("news.txt", HALF_WIDTH)
    Path(name).write_text(text, encoding="utf-8")
    result = run(command, "news.txt")
    assert result.exit_code == 2, result.output
    assert "kcclean: error:" in result.stderr and where in result.stderr
    assert not (workdir / "kcclean-out").exists()


# ---------------------------------------------------------------- 11. unsafe rules

AND = ("宣讲活动走进校园", "巨化中学校长祝水月为全校师生宣讲全会精神 and 共产党人谋福利的初心。")


def _unsafe_in_settings() -> list[str]:
    Path("kcclean.toml").write_text('unsafe = ["lang.and-between-han"]\n', encoding="utf-8")
    return []


@pytest.mark.parametrize(
    ("settings", "applied"),
    [
        pytest.param(_no_settings, False, id="default"),
        pytest.param(lambda: ["--unsafe"], True, id="--unsafe"),
        pytest.param(_unsafe_in_settings, True, id="kcclean.toml-unsafe"),
    ],
)
def test_unsafe_rules_are_suggestions_unless_asked_for(workdir: Path, settings: Callable[[], list[str]], applied: bool):
    transcript("news.txt", AND)
    result = run("fix", "news.txt", "--out", "out", *settings())
    assert result.exit_code == 0, result.output
    body = jsonl(workdir / "out" / "articles.jsonl")[0]["body"][0]
    assert ("全会精神和共产党人" in body) is applied
    assert ("全会精神 and 共产党人" in body) is not applied
    data = report(workdir / "out")
    [change] = [c for c in data["changes"] if c["rule"] == "lang.and-between-han"]
    assert change["applied"] is applied and change["level"] == "unsafe"
    assert (change["before"], change["after"]) == (" and ", "和")
    assert data["summary"]["suggestions"] == (0 if applied else 1)
    assert ("0 suggestions" if applied else "1 suggestion ") in result.stdout.splitlines()[0]


def test_check_lists_an_unsafe_suggestion_without_failing(workdir: Path):
    transcript("news.txt", AND)
    result = run("check", "news.txt")
    assert result.exit_code == 0, result.output
    assert "news.txt:3:31  lang.and-between-han  ␣and␣ → 和  (suggestion)" in result.stdout
    assert result.stdout.splitlines()[-1] == "clean: nothing to fix"


# ---------------------------------------------------------------- 12. protected spans and mojibake

# UTF-8 read as Windows-1252 by some program before the transcript was saved: 区里召开会议，
# with a C1 control character (U+008F) among its bytes, which stray.control would delete.
MOJIBAKE = "åŒºé‡Œå¬å¼€ä¼šè®®ï¼Œ".replace("å¬", "å\u008f¬")
GARBLED = ("区里召开会议", f"5月8日上午{MOJIBAKE}部署近期工作。")
# María garbled: its repair to an accented letter is only suggested, and its U+00AD must stay.
GARBLED_NAME = ("外国专家来访", "5月8日上午，外国专家MarÃ\u00ada来到柯城区参观访问。")


def test_mojibake_is_repaired_as_one_change_with_ftfys_explanation(workdir: Path):
    transcript("news.txt", GARBLED)
    result = run("check", "news.txt")
    assert result.exit_code == 1, result.output
    assert "news.txt:3:17  encoding.mojibake  åŒºé‡Œå<U+008F>¬å¼€ä¼šè®®ï¼Œ → 区里召开会议，" in result.stdout
    assert run("fix", "news.txt", "--out", "out").exit_code == 0
    assert jsonl(workdir / "out" / "articles.jsonl")[0]["body"] == ["本报讯（记者 王思）5月8日上午区里召开会议，部署近期工作。"]
    [change] = [c for c in report(workdir / "out")["changes"] if c["rule"] == "encoding.mojibake"]
    assert (change["before"], change["after"], change["applied"]) == (MOJIBAKE, "区里召开会议，", True)
    assert change["evidence"] == "mojibake, repaired by ftfy: apply decode_inconsistent_utf8"


@pytest.mark.parametrize("select", [[], ["--select", "stray"]], ids=["default", "select-stray"])
def test_mojibake_only_suggested_keeps_its_bytes(workdir: Path, select: list[str]):
    transcript("news.txt", GARBLED_NAME)
    result = run("fix", "news.txt", "--out", "out", *select)
    assert result.exit_code == 0, result.output
    assert "MarÃ\u00ada" in jsonl(workdir / "out" / "articles.jsonl")[0]["body"][0]  # the soft hyphen is not deleted
    changes = report(workdir / "out")["changes"]
    assert not [c for c in changes if c["rule"] == "stray.invisible"]
    if not select:
        [change] = [c for c in changes if c["rule"] == "encoding.mojibake"]
        assert (change["before"], change["after"], change["applied"]) == ("Ã\u00ad", "í", False)


EMOTICON = ("区里召开会议", "5月8日上午，区里召开会议，周末见;-)")


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        pytest.param([], True, id="default"),
        pytest.param(["--select", "punct"], True, id="select-punct"),
        pytest.param(["--ignore", "protect.emoticon"], False, id="ignore-protect"),
    ],
)
def test_a_protected_span_is_kept_whatever_is_selected_until_ignored(workdir: Path, options: list[str], kept: bool):
    transcript("news.txt", EMOTICON)
    result = run("fix", "news.txt", "--out", "out", *options)
    assert result.exit_code == 0, result.output
    body = jsonl(workdir / "out" / "articles.jsonl")[0]["body"][0]
    assert body.endswith("周末见;-)" if kept else "周末见；-)"), body


def test_a_users_protect_rule_keeps_their_text(workdir: Path):
    Path("my_rules").mkdir()
    Path("my_rules/codes.toml").write_text(
        """[[rule]]
id = "house.codes"
description = "Product codes are printed as their makers spell them."
kind = "protect"
pattern = 'KC\\(\\w+\\)'

[[rule.example]]
text = "新品KC(柯城)上市"
fixed = "新品⟦KC(柯城)⟧上市"

[[rule.example]]
text = "新品上市"
""",
        encoding="utf-8",
    )
    transcript("news.txt", ("新品上市", "5月8日，新品KC(柯城)与(柯城)礼盒上市。"))
    result = run("fix", "news.txt", "--out", "out", "--rules", "my_rules")
    assert result.exit_code == 0, result.output
    assert jsonl(workdir / "out" / "articles.jsonl")[0]["body"] == ["本报讯（记者 王思）5月8日，新品KC(柯城)与（柯城）礼盒上市。"]
    assert run("rules", "test", "my_rules").exit_code == 0
