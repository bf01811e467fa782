"""kcclean against hostile or unlucky input (issue 11): hand-edited output folders, files
holding several issues, bad bytes, stale staging folders, symlinks, catastrophic user
patterns, terminal escapes. Each test runs the command as a user would and checks what the
user sees: the exit code, the message, the files left on disk.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import first_article, hidden, run, tree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "sample"
CLEAN = FIXTURES / "clean" / "clean_issue.txt"


pytestmark = pytest.mark.usefixtures("workdir")


def write(path: str | Path, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def article(headline: str, lead: str) -> str:
    return f"{headline}\n\n本报讯（记者 王思）{lead}\n"


# ---------------------------------------------------------------- 9. terminal escapes

# A transcript line carrying a terminal title change (OSC), a bell and a colour change,
# and a zero-width space for a rule to remove next to them.
HOSTILE_LINE = "区里召开\x1b]0;pwned\x07会议\u200b，部署\x1b[31m工作。"


def hostile_transcript(name: str = "evil.txt") -> Path:
    """A few control characters among enough text not to look binary."""
    filler = article("村里修好了道路", "今年以来，村里修好了三条道路，" * 20 + "群众出行更方便了。")
    return write(name, article("区里召开会议", HOSTILE_LINE) + "\n" + filler)


@pytest.mark.parametrize(
    "command",
    [["diff", "--no-color"], ["diff", "--color"], ["check"], ["fix", "--dry-run"]],
    ids=["diff", "diff-color", "check", "dry-run"],
)
def test_control_characters_of_a_transcript_never_reach_the_terminal_raw(command: list[str]):
    hostile_transcript()
    result = run(*command, "evil.txt")
    shown = result.output.replace("\x1b[0m", "")
    if "--color" in command:  # kcclean's own colours are SGR codes: take them out
        shown = re.sub(r"\x1b\[[0-9;]*m", "", shown.replace("\x1b[31m工作", "RAW"))
    assert "\x1b" not in shown and "\x07" not in shown, repr(result.output)
    assert "RAW" not in shown, "a colour code from the transcript reached the terminal"
    assert "<U+001B>" in result.output and "<U+0007>" in result.output, "shown, as what a rule removes"


def test_a_file_name_with_escapes_is_shown_escaped_in_messages():
    name = "bad\x1b[2Jname.txt"
    Path(name).write_bytes(b"")
    result = run("fix", name, "--out", "out")
    assert result.exit_code == 2, result.output
    assert "kcclean: skipped bad<U+001B>[2Jname.txt: empty file" in result.stderr
    assert "\x1b" not in result.output


# ---------------------------------------------------------------- 10. small ones


def test_messages_count_one_article_in_the_singular():
    write("one.txt", article("区里召开会议", "5月8日上午，区里召开会议，部署工作。"))
    result = run("fix", "one.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert "one.txt  utf-8  1 article  0 fixes  0 suggestions  0 warnings" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("1 file, 1 article, 0 fixes, 0 suggestions, 0 warnings;")


def _all_commands() -> list[tuple[str, ...]]:
    return [("fix",), ("check",), ("diff",), ("eval",), ("rules", "list"), ("rules", "explain"), ("rules", "test"), ("rules", "new")]


@pytest.mark.parametrize("command", _all_commands(), ids=" ".join)
def test_help_names_what_to_type_not_python_types(command: tuple[str, ...]):
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert not re.search(r"<(list|str|path|Path|int|bool)\b[^>]*>", result.stdout), result.stdout


NO_UNCHANGED_EXAMPLE = """
[[rule]]
id = "house.swap"
description = "A literal swap without an example it must leave alone."
kind = "regex"
pattern = '己经'
replacement = "已经"

[[rule.example]]
text = "他己经走了"
fixed = "他已经走了"
"""


def test_a_rule_without_an_unchanged_example_is_refused_by_fix_as_by_rules_test():
    write("my_rules/swap.toml", NO_UNCHANGED_EXAMPLE)
    shutil.copy(CLEAN, "clean.txt")
    tested = run("rules", "test", "my_rules")
    fixed = run("fix", "clean.txt", "--rules", "my_rules", "--out", "out")
    assert tested.exit_code == 1 and fixed.exit_code == 2, (tested.output, fixed.output)
    assert "rule house.swap: needs an example it must leave unchanged" in tested.stdout
    assert "kcclean: error: my_rules/swap.toml:2: rule house.swap: needs an example it must leave unchanged (`text` only)" in fixed.stderr
    assert not Path("out").exists()


def test_an_unsafe_setting_written_as_yes_names_the_settings_file():
    write("kcclean.toml", 'unsafe = "yes"\n')
    shutil.copy(CLEAN, "clean.txt")
    result = run("fix", "clean.txt", "--out", "out")
    assert result.exit_code == 2, result.output
    assert 'kcclean.toml: `unsafe` must be true, false or a list of rule ids, not "yes"' in result.stderr


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("id", '"../../etc/passwd"', '`id` must look like 2021-01-20_1768-01, not "../../etc/passwd"'),
        ("date", '"2021-13-45"', '`date` must be a date written YYYY-MM-DD, not "2021-13-45"'),
        ("date", "20210120", "`date` cannot be 20210120"),
        ("issue", '"1768; rm -rf"', '`issue` cannot be "1768; rm -rf"'),
    ],
)
def test_front_matter_read_back_from_an_article_file_is_checked(field: str, value: str, problem: str):
    assert run("fix", SAMPLE / "2023-05-10_p1.txt", "--out", "out").exit_code == 0
    first = sorted(Path("out").rglob("*.md"))[0]
    text = re.sub(rf"^{field}: .*$", f"{field}: {value}", first.read_text(encoding="utf-8"), count=1, flags=re.M)
    write("edited.md", text)
    result = run("fix", "edited.md", "--out", "again")
    assert result.exit_code == 2, result.output
    assert f"kcclean: skipped edited.md: front matter: {problem}" in result.stderr


# ---------------------------------------------------------------- 4. decoding


def report(out: str | Path) -> dict:
    return json.loads(Path(out, "report.json").read_text(encoding="utf-8"))


def sample_bytes() -> bytes:
    return (SAMPLE / "2023-05-10_p1.txt").read_bytes()


def test_one_bad_byte_in_utf8_is_replaced_and_reported_with_line_and_byte():
    data = sample_bytes()
    at = data.index("上坞村地处山区".encode())
    Path("damaged.txt").write_bytes(data[:at] + b"\xff" + data[at:])
    result = run("fix", "damaged.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    line = data[:at].count(b"\n") + 1
    message = f"damaged.txt:{line}: byte {at} (0xFF) is not UTF-8: replaced by U+FFFD"
    assert f"kcclean: warning: {message}" in result.stderr
    assert "damaged.txt  utf-8  3 articles" in result.stdout
    assert message in [w["message"] for w in report("out")["warnings"]]


def test_a_file_cut_in_the_middle_of_a_character_keeps_all_its_text():
    data = sample_bytes().rstrip(b"\n")
    cut = data + "区".encode()[:2]
    Path("cut.txt").write_bytes(cut)
    result = run("fix", "cut.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    last_line = cut.count(b"\n") + 1
    assert f"cut.txt:{last_line}: byte {len(data)} (0xE5) is not UTF-8" in result.stderr
    assert [f["encoding"] for f in report("out")["files"]] == ["utf-8"]


def test_a_short_utf8_text_with_a_stray_byte_is_not_read_as_gbk():
    text = article("区里召开会议", "5月8日上午，区里召开会议，部署工作。").encode()
    at = text.index("部署".encode())
    Path("short.txt").write_bytes(text[:at] + b"\xa0" + text[at:])
    result = run("fix", "short.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert "short.txt  utf-8  1 article" in result.stdout
    assert f"short.txt:3: byte {at} (0xA0) is not UTF-8: replaced by U+FFFD" in result.stderr
    body = json.loads(Path("out", "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])["body"]
    assert "区里召开会议" in body[0], body


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: codecs.BOM_UTF8 + text.encode()[:657] + b"\xff" + text.encode()[657:], "damaged.txt:29: byte 660 (0xFF) is not UTF-8"),
        (lambda text: text.encode("utf-16") + b"\x0a", "damaged.txt:61: byte 2700 (0x0A) is not UTF-16"),
    ],
    ids=["utf-8-bom-bad-byte", "utf-16-bom-odd-last-byte"],
)
def test_a_bad_byte_after_a_bom_is_replaced_and_recorded_as_without_a_bom(damage, message: str):
    text = sample_bytes().decode()
    Path("damaged.txt").write_bytes(damage(text))
    result = run("fix", "damaged.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert f"kcclean: warning: {message}: replaced by U+FFFD" in result.stderr
    removed = [c for c in report("out")["changes"] if c["before"] == "\ufffd"]
    assert [c["rule"] for c in removed] == ["stray.replacement-char"]
    assert run("fix", SAMPLE / "2023-05-10_p1.txt", "--out", "plain").exit_code == 0
    texts = {out: [(a["headline"], a["body"]) for a in map(json.loads, Path(out, "articles.jsonl").read_text(encoding="utf-8").splitlines())] for out in ("out", "plain")}
    assert texts["out"] == texts["plain"]


def test_gbk_is_still_read_as_gb18030():
    Path("gbk.txt").write_bytes(sample_bytes().decode().replace("\u200b", "").encode("gbk"))
    result = run("fix", "gbk.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert "gbk.txt  gb18030  3 articles" in result.stdout


def test_text_that_is_mostly_rare_characters_as_gb18030_is_an_error_not_output():
    Path("big5.txt").write_bytes(sample_bytes().decode().encode("big5", errors="ignore"))
    result = run("fix", "big5.txt", "--out", "out")
    assert result.exit_code == 2, result.output
    assert "kcclean: skipped big5.txt: not UTF-8, and read as GB18030/GBK it is" in result.stderr
    assert "% rare characters (another encoding, e.g. Big5?): convert it to UTF-8 first" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_not_called_binary(encoding: str):
    Path("wide.txt").write_bytes(sample_bytes().decode().replace("\u200b", "").encode(encoding))
    result = run("fix", "wide.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert f"wide.txt  {encoding}  3 articles" in result.stdout


def test_unicode_line_and_paragraph_separators_end_lines():
    text = sample_bytes().decode()
    Path("separated.txt").write_text(text.replace("\n\n", "\u2029").replace("\n", "\u2028"), encoding="utf-8")
    assert run("fix", "separated.txt", "--out", "out").exit_code == 0
    assert run("fix", SAMPLE / "2023-05-10_p1.txt", "--out", "plain").exit_code == 0
    bodies = [json.loads(line)["body"] for line in Path("out", "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    plain = [json.loads(line)["body"] for line in Path("plain", "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert bodies == plain


# Names as an archive unzipped from a GBK Windows zip has them: bytes that are not UTF-8.
NEWS_IN_GBK = "新闻".encode("gbk")  # shown as \xd0\xc2\xce\xc5
RULES_IN_GBK = "规则".encode("gbk")  # shown as \xb9\xe6\xd4\xf2


@pytest.mark.parametrize("options", [["--out", "out"], ["--dry-run"]], ids=["fix", "dry-run"])
def test_a_file_whose_name_is_not_utf8_is_cleaned_under_an_escaped_name(options: list[str]):
    shutil.copytree(SAMPLE, "scans")
    Path(os.fsdecode(b"scans/" + NEWS_IN_GBK + b".txt")).write_bytes(CLEAN.read_bytes())
    result = run("fix", "scans", *options)
    assert result.exit_code == 0, result.output
    assert "\\xd0\\xc2\\xce\\xc5.txt  utf-8" in result.stdout
    assert "2023-05-10_p1.txt  utf-8  3 articles" in result.stdout
    if options != ["--dry-run"]:
        sources = [f["source"] for f in report("out")["files"]]
        assert sources == ["2023-05-10_p1.txt", "2023-05-10_p2.txt", "\\xd0\\xc2\\xce\\xc5.txt"], sources


# ---------------------------------------------------------------- 1. hand edits



def test_a_rerun_into_untouched_output_replaces_it():
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    manifest = json.loads(Path("out", ".kcclean").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == set(tree("out")) - {".kcclean"}
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 0, result.output


def test_a_rerun_refuses_to_overwrite_a_hand_corrected_article_and_names_it():
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    edited = first_article()
    edited.write_text(edited.read_text(encoding="utf-8").replace("村民", "村里的群众"), encoding="utf-8")
    Path("out", "notes.txt").write_text("what I checked\n", encoding="utf-8")
    before = tree("out")
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 2, result.output
    assert (
        "kcclean: error: out: files were edited by hand, and replacing the folder would lose them "
        f"(changed since kcclean wrote them: {edited.as_posix()}; added: out/notes.txt). Copy your corrections "
        "elsewhere, choose another --out, or replace them anyway with --force"
    ) in result.stderr
    assert tree("out") == before, "the corrections are still there"
    assert hidden(".") == []


def test_force_replaces_hand_edits():
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    Path("out", "notes.txt").write_text("what I checked\n", encoding="utf-8")
    result = run("fix", SAMPLE, "--out", "out", "--force")
    assert result.exit_code == 0, result.output
    assert not Path("out", "notes.txt").exists()


# ---------------------------------------------------------------- 6. stale staging, SIGTERM, full disk


def test_a_staging_folder_left_by_a_killed_run_is_removed():
    dead = 2**22 + 12345  # above the default pid_max of 32768 … 4194304: no such process
    stale = Path(f".out.staging-{dead}-x1y2z3")
    write(stale / "2023-05-10_2045" / "01-a.md", "half an article")
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 0, result.output
    assert f"kcclean: removed {stale.resolve()}, left by a run that was killed" in result.stderr
    assert hidden(".") == []


def test_sigterm_cleans_up_like_ctrl_c(monkeypatch: pytest.MonkeyPatch):
    import os
    import signal

    from kcclean.output.folder import OutputFolder

    original = OutputFolder.add

    def add_then_be_killed(self, issue, *args):
        original(self, issue, *args)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(OutputFolder, "add", add_then_be_killed)
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code != 0
    assert not Path("out").exists()
    assert hidden(".") == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler is put back"


def _no_space(*args, **kwargs):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


def _disk_full_at_the_first_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from kcclean.output import folder

    monkeypatch.setattr(folder, "open", _no_space, raising=False)  # every file the output folder opens


def _disk_full_at_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from kcclean.output.report import Report

    monkeypatch.setattr(Report, "write_html", _no_space)


@pytest.mark.parametrize(
    ("fill", "where"),
    [(_disk_full_at_the_first_file, "out/.kcclean"), (_disk_full_at_the_report, "out/report.html")],
    ids=["first-file", "report"],
)
def test_a_full_disk_names_the_file_being_written(monkeypatch: pytest.MonkeyPatch, fill, where: str):
    fill(monkeypatch)
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 2, result.output
    assert f"kcclean: error: {where}: cannot write: No space left on device" in result.stderr
    assert hidden(".") == [] and not Path("out").exists()


# ---------------------------------------------------------------- 7. symlinks


def folder_with_a_link_out() -> None:
    secret = write("elsewhere/secret.txt", article("私人笔记", "这是不该被读进报告的私人文字。"))
    Path("inbox").mkdir()
    shutil.copy(SAMPLE / "2023-05-10_p1.txt", "inbox/p1.txt")
    Path("inbox/zz-link.txt").symlink_to(secret.resolve())


@pytest.mark.parametrize("command", [["fix", "--out", "out"], ["check"], ["diff"]], ids=["fix", "check", "diff"])
def test_a_link_leaving_the_given_folder_is_not_followed(command: list[str]):
    folder_with_a_link_out()
    result = run(command[0], "inbox", *command[1:])
    assert result.exit_code == 2, result.output
    target = Path("elsewhere/secret.txt").resolve()
    assert f"kcclean: skipped inbox/zz-link.txt: a link to {target}, outside inbox/: not followed (--follow-links reads it)" in result.stderr
    assert "私人" not in result.stdout
    if command[0] == "fix":
        assert "私人" not in Path("out", "report.json").read_text(encoding="utf-8")


def test_a_link_inside_the_folder_or_asked_for_is_read():
    folder_with_a_link_out()
    Path("inbox/again.txt").symlink_to(Path("inbox/p1.txt").resolve())
    result = run("fix", "inbox", "--out", "out", "--follow-links")
    assert result.exit_code == 0, result.output
    assert "私人笔记" in Path("out", "articles.jsonl").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 2. several issues in one file


def test_a_second_masthead_with_another_date_starts_a_new_issue():
    first = (SAMPLE / "2023-05-10_p1.txt").read_text(encoding="utf-8")
    second = first.replace("2023年5月10日", "2023年5月17日").replace("第2045期", "第2046期")
    write("two.txt", first + "\n\n" + second)
    result = run("fix", "two.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    articles = [json.loads(line) for line in Path("out", "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(a["id"], a["date"], a["issue"]) for a in articles] == [
        ("2023-05-10_2045-01", "2023-05-10", 2045),
        ("2023-05-10_2045-02", "2023-05-10", 2045),
        ("2023-05-10_2045-03", "2023-05-10", 2045),
        ("2023-05-17_2046-01", "2023-05-17", 2046),
        ("2023-05-17_2046-02", "2023-05-17", 2046),
        ("2023-05-17_2046-03", "2023-05-17", 2046),
    ]
    assert [a["headline"] for a in articles[:3]] == [a["headline"] for a in articles[3:]]
    issues = [json.loads(line) for line in Path("out", "issues.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [i["date"] for i in issues] == ["2023-05-10", "2023-05-17"]
    # each issue carries its own part of the file, not the whole file again (linear size)
    parts = [f["text"] for f in report("out")["files"]]
    assert "".join(parts) == Path("two.txt").read_text(encoding="utf-8")
    [masthead] = [c for c in report("out")["changes"] if c["before"] == "2023年5月17日"]
    assert (masthead["line"], masthead["start"]) == (first.count("\n") + 5, 0), "file line, offset in its part"


# ---------------------------------------------------------------- 3, 10. progress


def test_a_single_large_file_gets_a_progress_bar_that_moves_with_each_issue(monkeypatch: pytest.MonkeyPatch):
    from rich.progress import Progress

    from kcclean.cli import common as cli

    seen: list[tuple[str, object]] = []
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(cli, "_BAR_BYTES", 1000)
    monkeypatch.setattr(Progress, "add_task", lambda self, description, total=None, **kw: seen.append(("add", total)) or 0)
    monkeypatch.setattr(Progress, "update", lambda self, task, **kw: seen.append(("update", kw.get("description"))))
    monkeypatch.setattr(Progress, "advance", lambda self, task, n: seen.append(("advance", n)))
    first = (SAMPLE / "2023-05-10_p1.txt").read_text(encoding="utf-8")
    second = first.replace("2023年5月10日", "2023年5月17日").replace("第2045期", "第2046期")
    write("two.txt", first + "\n\n" + second)
    result = run("fix", "two.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert seen == [
        ("add", 1),
        ("advance", 1),
        ("update", "cleaning two.txt: 1 issue done"),
        ("advance", 0),
        ("update", "cleaning two.txt: 2 issues done"),
    ]


# ---------------------------------------------------------------- 10. portable report


DOUBLED_RULE = """\
[[rule]]
id = "house.doubled"
description = "A doubled 好 before a stray x."
kind = "regex"
pattern = '好好x'
replacement = ""

[[rule.example]]
text = "好好x"
fixed = ""

[[rule.example]]
text = "好"
"""


def test_report_json_names_rule_files_the_same_on_every_machine(tmp_path: Path):
    elsewhere = tmp_path.parent / f"{tmp_path.name}-rules"
    write(elsewhere / "house.toml", DOUBLED_RULE)
    write("doubled.txt", article("区里召开会议", "5月8日上午，区里召开会议，好好x部署工作。"))
    result = run("fix", "doubled.txt", "--rules", elsewhere, "--out", "out")
    assert result.exit_code == 0, result.output
    origins = {rule: data["origin"] for rule, data in report("out")["rules"].items()}
    assert origins["house.doubled"] == f"{elsewhere.name}/house.toml"
    assert all(o.startswith("builtin:") for rule, o in origins.items() if rule != "house.doubled"), origins
    assert str(tmp_path.parent) not in Path("out", "report.json").read_text(encoding="utf-8")


def test_a_rule_file_whose_name_is_not_utf8_is_used_and_named_escaped():
    rule_file = Path(os.fsdecode(b"my_rules/" + RULES_IN_GBK + b".toml"))
    write(rule_file, DOUBLED_RULE)
    write("doubled.txt", article("区里召开会议", "5月8日上午，区里召开会议，好好x部署工作。"))
    result = run("fix", "doubled.txt", "--rules", "my_rules", "--out", "out")
    assert result.exit_code == 0, result.output
    assert report("out")["rules"]["house.doubled"]["origin"] == "my_rules/\\xb9\\xe6\\xd4\\xf2.toml"
    write(rule_file, DOUBLED_RULE.replace('kind = "regex"', 'kind = "magic"'))
    result = run("fix", "doubled.txt", "--rules", "my_rules", "--out", "out2")
    assert result.exit_code == 2, result.output
    assert "kcclean: error: my_rules/\\xb9\\xe6\\xd4\\xf2.toml:4: rule house.doubled: `kind` must be one of" in result.stderr
    assert not Path("out2").exists()


# ---------------------------------------------------------------- 13. every character accounted for


def test_spaces_and_controls_at_a_line_edge_are_listed_as_removed():
    """pdftotext starts each page with a form feed; text copied from the web ends lines with
    no-break spaces and indents them with em spaces. None of it is text, none of it vanishes."""
    text = sample_bytes().decode()
    text = "\x0c" + text.replace("上坞村地处山区", "\u2003\u2003上坞村地处山区").replace("带动群众家门口增收\n", "带动群众家门口增收\xa0\n", 1)
    Path("page.txt").write_text(text + "\x0c\n", encoding="utf-8")
    result = run("fix", "page.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    edges = [(c["before"], c["line"], c["kind"]) for c in report("out")["changes"] if c["rule"] == "layout.line-edge"]
    assert sorted(edges) == sorted([("\x0c", 1, "edit"), ("\u2003\u2003", 29, "edit"), ("\xa0", 25, "edit"), ("\x0c", 61, "edit")]), edges
    assert run("fix", SAMPLE / "2023-05-10_p1.txt", "--out", "plain").exit_code == 0
    assert Path("out", "articles.jsonl").read_text(encoding="utf-8").count("\u2003") == 0
    assert tree("out")["2023-05-10_2045/01-柯城共富工坊带动群众家门口增收.md"].replace(b"page.txt", b"2023-05-10_p1.txt").split(b"---")[2] == tree("plain")[
        "2023-05-10_2045/01-柯城共富工坊带动群众家门口增收.md"
    ].split(b"---")[2], "the same article text"


def test_front_matter_of_a_txt_is_recorded_as_metadata_not_consumed_silently():
    matter = '---\nid: "2023-05-10_2045-01"\nkind: "news"\n---\n\n'
    write("article.txt", matter + article("区里召开会议", "5月8日上午，区里召开会议，部署工作。"))
    result = run("fix", "article.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    [record] = [c for c in report("out")["changes"] if c["rule"] == "layout.front-matter"]
    assert (record["kind"], record["before"], record["line"]) == ("record", matter.rstrip("\n"), 1)
    assert "front matter of article 2023-05-10_2045-01" in record["evidence"]


def test_a_masthead_line_or_banner_is_recorded_once_over_its_edits_and_an_emptied_one_is_dropped():
    text = sample_bytes().decode()
    text = text.replace("奋进新征程 建功新时代", "奋进新征程,建功新时代\u200b").replace("今日四版", "今日四版\u200b")
    text = text.replace("今日柯城\n", "今日柯城\n\n\u200b\u200b\n", 1)
    write("p1.txt", text)
    result = run("fix", "p1.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    [issue] = [json.loads(line) for line in Path("out", "issues.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "" not in issue["masthead"] + issue["banners"], issue
    assert issue["banners"] == ["奋进新征程，建功新时代"] and "今日四版" in issue["masthead"]
    changes = report("out")["changes"]
    records = [c for c in changes if c["kind"] == "record" and c["article"] is None]
    for record in records:  # a record says what its whole line became: no edit inside it is counted again
        inside = {c["id"] for c in changes if c["kind"] == "edit" and c["applied"] and record["start"] <= c["start"] and c["end"] <= record["end"] and c["end"] > c["start"]}
        assert inside <= set(record["covers"]), (record, inside)
    assert [c["before"] for c in changes if c["rule"] == "stray.invisible" and c["article"] is None] == ["\u200b"] * 4
