"""Incremental runs (kcclean/cache.py): a rerun uses what an earlier run kept, and its output
and report are byte for byte those of a run without the cache, whatever changed between the
runs; a damaged entry is not used; --no-cache, `kcclean cache clean` and a cache folder that
cannot be written."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import FIX, FIXTURES, run, tree

from kcclean import pipeline
from kcclean.cache import FORMAT, Cache, RunCache, ShownPack
from kcclean.digests import canonical
from kcclean.model import Source
from kcclean.output import hashed
from kcclean.output.report import Report
from kcclean.reuse import RepairRecord
from kcclean.rules import Settings, load_rulebook
from kcclean_dev import generator
from kcclean_dev.rule_files import table_rule

pytestmark = pytest.mark.usefixtures("workdir")


@pytest.fixture(autouse=True)
def _every_rerun_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """These are tests of the entries a rerun reads. A rerun with nothing changed would be
    answered by the last run's record before it reads any (tests/test_unchanged_rerun.py)."""
    monkeypatch.setattr(FIX, "replayed", lambda *args: None)

SAMPLE = FIXTURES / "sample"


# What a user does between runs, in order: each step's options. The rule folder's content
# is set before the step (None: the folder is emptied, the rule removed).
STEPS = [
    ("first run", None, ()),
    ("nothing changed", None, ()),
    ("a rule added", table_rule("house.place-name", "柯城区", "柯城"), ("--rules", "mine")),
    ("the rule changed", table_rule("house.place-name", "柯城区", "柯城县"), ("--rules", "mine")),
    ("the rule removed", None, ("--rules", "mine")),
    ("a setting changed", None, ("--rules", "mine", "--ignore", "punct.comma-width")),
]


def _inputs(where: str) -> Path:
    """The bundled sample issue, or a few generated issues (their pages in files of their own)."""
    if where == "sample":
        return SAMPLE
    folder = Path("generated")
    folder.mkdir()
    for seed in range(1, 7):
        for name, text in generator.generate(seed).files.items():
            (folder / f"{seed:02d}-{name}").write_text(text, encoding="utf-8")
    return folder


def _fix(inputs: Path, out: str, *options: str) -> dict[str, bytes]:
    result = run("fix", inputs, "--out", out, "--jobs", "1", *options)
    assert result.exit_code == 0, result.output
    return tree(out)


@pytest.mark.parametrize("where", ["sample", "generated"])
def test_every_rerun_writes_what_a_run_without_the_cache_writes(where: str, own_cache: Path) -> None:
    inputs = _inputs(where)
    Path("mine").mkdir()
    for step, rule, options in STEPS:
        for old in Path("mine").iterdir():
            old.unlink()
        if rule is not None:
            Path("mine", "house.toml").write_text(rule, encoding="utf-8")
        cached = _fix(inputs, "out", *options)  # the same --out each time, as a user reruns
        assert cached == _fix(inputs, "cold", "--no-cache", *options), step
        shutil.rmtree("cold")
    assert Cache(own_cache).size()[0] > 0


def test_a_changed_character_rule_repairs_again_without_reading_the_layout_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    _fix(SAMPLE, "out")
    Path("mine").mkdir()
    Path("mine", "house.toml").write_text(table_rule("house.place-name", "柯城区", "柯城"), encoding="utf-8")
    with monkeypatch.context() as patched:
        for stage in ("load_pages", "laid_out"):
            patched.setattr(pipeline, stage, lambda *args, stage=stage: pytest.fail(f"{stage} ran again"))
        changed = _fix(SAMPLE, "out", "--rules", "mine")
    assert changed == _fix(SAMPLE, "cold", "--no-cache", "--rules", "mine")


def test_a_rule_that_can_change_nothing_in_an_issue_does_not_repair_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding, changing or removing a character rule repairs only the issues where a version of
    it can change something: its quick scan finds one of its characters in the issue, and a
    table's entry is in a text the issue's repair held."""
    _fix(SAMPLE, "out")
    Path("mine").mkdir()
    # a rule's quick scan looks for the first character of its wrong strings: 囯 is not in the sample
    # 柯囯: its first character is in the sample, but an entry is found only where all of its are
    # 区城柯: the sample holds all its characters, but no text spells it
    steps = (("added", "囯家", "国家"), ("changed", "囯内", "国内"), ("changed again", "柯囯", "柯国"), ("spelled nowhere", "区城柯", "柯城区"))
    for step, wrong, right in (*steps, ("removed", None, None)):
        for old in Path("mine").iterdir():
            old.unlink()
        if wrong:
            Path("mine", "house.toml").write_text(table_rule("house.place-name", wrong, right), encoding="utf-8")
        with monkeypatch.context() as patched:
            patched.setattr(pipeline, "repaired", lambda *args: pytest.fail(f"rule {step}: the issue was repaired again"))
            rerun = _fix(SAMPLE, "out", "--rules", "mine")
        assert rerun == _fix(SAMPLE, "cold", "--no-cache", "--rules", "mine"), step
        shutil.rmtree("cold")
    # 镇（街道）便 is in the sample only after punct.paren-width makes its bracket full-width (a
    # text a rule left), 镇(街 only before it, 柯城区 throughout; each rule acts where it is spelled
    for wrong in ("镇（街道）便", "镇(街", "柯城区"):
        Path("mine", "house.toml").write_text(table_rule("house.place-name", wrong, "柯城"), encoding="utf-8")
        repairs = []
        with monkeypatch.context() as patched:
            patched.setattr(pipeline, "repaired", lambda *args, real=pipeline.repaired: repairs.append(1) or real(*args))
            assert _fix(SAMPLE, "out", "--rules", "mine") == _fix(SAMPLE, "cold", "--no-cache", "--rules", "mine")
        assert repairs == [1, 1], f"{wrong}: the issue the rule may change, repaired again (and once in the run without the cache)"
        shutil.rmtree("cold")


def test_a_table_rule_whose_entry_only_a_protected_span_hides_is_not_taken_as_quiet() -> None:
    """With a URL's characters hidden, the exception n柯 no longer covers the entry 柯成 in
    www.kc.cn柯成区, and the rule edits it: that the texts the repair held never match the
    entry outside the exception does not make the rule quiet, added or removed."""
    Path("in").mkdir()
    shutil.copy(SAMPLE / "2023-05-10_p2.txt", "in")
    page = (SAMPLE / "2023-05-10_p1.txt").read_text(encoding="utf-8")
    Path("in", "2023-05-10_p1.txt").write_text(page + "\n\n本报讯 详情请登录www.kc.cn柯成区政府网站查询。", encoding="utf-8")
    Path("mine").mkdir()
    rule = table_rule("house.district", "柯成", "柯城").replace('kind = "table"', 'kind = "table"\nexceptions = ["n柯"]')
    Path("mine", "house.toml").write_text(rule + '\n[[rule.example]]\ntext = "登录kc.cn柯成区"\n', encoding="utf-8")
    _fix(Path("in"), "out")
    for step in (("--rules", "mine"), ()):
        assert _fix(Path("in"), "out", *step) == _fix(Path("in"), "cold", "--no-cache", *step), step
        shutil.rmtree("cold")


def _house_rule(table: dict[str, str], level: str = "safe", above: str = "") -> str:
    """A user's rule file of one table rule, `above` written before it."""
    (wrong, right), entries = next(iter(table.items())), "\n".join(f'"{w}" = "{r}"' for w, r in table.items())
    return f"""{above}[[rule]]
id = "house.place-name"
description = "The district's name as the paper prints it."
kind = "table"
scope = ["body", "caption", "headline"]
level = "{level}"

[rule.table]
{entries}

[[rule.example]]
text = "{wrong}召开会议"
fixed = "{right}召开会议"

[[rule.example]]
text = "{right}召开会议"
"""


def test_a_changed_rule_that_acts_alike_in_an_issue_does_not_repair_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that acts in the issue, changed so that it acts alike on every text the issue's
    repair held (an entry the issue never spells added to its table, its file edited above
    it), leaves the issue as it was; changed to act otherwise there, it repairs it again."""
    Path("mine").mkdir()
    rule_file = Path("mine", "house.toml")
    rule_file.write_text(_house_rule({"柯城区": "柯城"}), encoding="utf-8")
    _fix(SAMPLE, "out", "--rules", "mine")
    steps = (
        ("an entry spelled nowhere", _house_rule({"柯城区": "柯城", "区城柯": "柯城区"}), 0),
        ("the file edited above the rule", _house_rule({"柯城区": "柯城", "区城柯": "柯城区"}, above="# the paper's names\n\n"), 0),
        ("an entry that acts, changed", _house_rule({"柯城区": "柯城市", "区城柯": "柯城区"}), 1),
        ("the rule made unsafe", _house_rule({"柯城区": "柯城市", "区城柯": "柯城区"}, level="unsafe"), 1),
    )
    for step, text, expected in steps:
        rule_file.write_text(text, encoding="utf-8")
        repairs = []
        with monkeypatch.context() as patched:
            patched.setattr(pipeline, "repaired", lambda *args, real=pipeline.repaired: repairs.append(1) or real(*args))
            rerun = _fix(SAMPLE, "out", "--rules", "mine")
        assert len(repairs) == expected, step
        assert rerun == _fix(SAMPLE, "cold", "--no-cache", "--rules", "mine"), step
        shutil.rmtree("cold")


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


def _forged(cache: Path) -> None:
    """Every issue entry made to hold an issue with another headline, as a whole entry with
    the right key and checksum: a run that reads the cache writes it."""
    entries = Cache(cache)
    for path in _entries(cache / f"v{FORMAT}" / "issue"):
        layout, repair, pickled, _ = entries.load("issue", path.name)
        issue = pickle.loads(pickled)
        issue.articles[0].headline = ["伪造的标题"]
        pickled = pickle.dumps(issue)
        entries.store("issue", path.name, (layout, repair, pickled, hashlib.sha256(pickled).hexdigest()))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_rerun_reads_the_cache_and_no_cache_neither_reads_nor_writes_it(jobs: str, own_cache: Path) -> None:
    expected = _fix(SAMPLE, "cold", "--no-cache")
    assert _entries(own_cache) == [], "--no-cache wrote to the cache"
    _fix(SAMPLE, "out", "--jobs", jobs)
    _forged(own_cache)
    assert "伪造的标题".encode() in _fix(SAMPLE, "out", "--jobs", jobs)["report.json"], "the rerun did not use the cache"
    held = {path: path.read_bytes() for path in _entries(own_cache)}
    assert _fix(SAMPLE, "out", "--jobs", jobs, "--no-cache") == expected
    assert {path: path.read_bytes() for path in _entries(own_cache)} == held


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_issue_missing_from_the_cache_is_built_again_from_its_files(jobs: str, own_cache: Path) -> None:
    """The cache holds the facts of each file, not its pages: an issue whose entry is gone
    (removed, or its files grouped otherwise now) is built from its files read again."""
    expected = _fix(SAMPLE, "cold", "--no-cache")
    _fix(SAMPLE, "out", "--jobs", jobs)
    for path in _entries(own_cache / f"v{FORMAT}" / "issue"):
        path.unlink()
    assert _fix(SAMPLE, "out", "--jobs", jobs) == expected
    assert len(_entries(own_cache / f"v{FORMAT}" / "issue")) == 1


@pytest.mark.parametrize("damage", ["cut short", "a byte changed", "another entry's", "empty", "not pickle"])
def test_a_damaged_entry_is_not_used_and_is_written_again(damage: str, own_cache: Path) -> None:
    expected = _fix(SAMPLE, "cold", "--no-cache")
    _fix(SAMPLE, "out")
    entries = _entries(own_cache)
    # the facts of the folder's pages, one issue, what the run wrote of it, the output's SHA-256, the run's record
    assert len(entries) == 5
    for path in entries:
        data = path.read_bytes()
        header = data.index(b"\n") + 1
        if damage == "cut short":
            data = data[: len(data) // 2]
        elif damage == "a byte changed":
            data = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]
        elif damage == "another entry's":
            other = next(p for p in entries if p != path).read_bytes()
            data = data[:header] + other[other.index(b"\n") + 1 :]
        elif damage == "empty":
            data = b""
        else:  # right checksum, not a pickle
            data = data[:header] + hashlib.sha256(data[:header] + b"junk").digest() + b"junk"
        path.write_bytes(data)
    assert _fix(SAMPLE, "out") == expected
    assert all(_whole(own_cache, path) for path in entries), "not written again"


def _whole(cache: Path, path: Path) -> bool:
    """Whether the entry at `path` reads whole and right."""
    if path.parent.name == "shown":  # one entry for an output folder, its issues' parts in it
        return bool(ShownPack(Cache(cache), path.name, "")._last)
    return Cache(cache).load(path.parent.name, path.name) is not None


def test_cache_clean_empties_it_and_leaves_what_is_not_its_own(own_cache: Path) -> None:
    _fix(SAMPLE, "out")
    (own_cache / "notes.txt").write_text("mine", encoding="utf-8")
    assert _entries(own_cache / f"v{FORMAT}")
    assert run("cache", "info").output.startswith(f"{own_cache}: 5 entries")
    assert run("cache", "dir").output.strip() == str(own_cache)
    result = run("cache", "clean")
    assert result.exit_code == 0 and result.output.startswith("removed 5 entries")
    assert [p.name for p in own_cache.iterdir()] == ["notes.txt"]
    (own_cache / "notes.txt").unlink()
    run("cache", "clean")
    assert not own_cache.exists()


def test_the_cache_folder_defaults_to_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KCCLEAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert run("cache", "dir").output.strip() == str(tmp_path / "xdg" / "kcclean")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert run("cache", "dir").output.strip() == str(tmp_path / "home" / ".cache" / "kcclean")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_cache_that_cannot_be_written_is_one_warning_not_a_failed_run(own_cache: Path) -> None:
    expected = _fix(SAMPLE, "cold", "--no-cache")
    own_cache.chmod(0o500)
    try:
        result = run("fix", SAMPLE, "--out", "out", "--jobs", "1")
    finally:
        own_cache.chmod(0o700)
    assert result.exit_code == 0
    assert [line for line in result.output.splitlines() if "cache" in line] == [
        f"kcclean: warning: {own_cache}: the cache cannot be written (Permission denied); this run does not use it"
    ]
    assert tree("out") == expected


def test_a_cache_path_that_is_a_file_is_one_warning_not_a_failed_run(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _fix(SAMPLE, "cold", "--no-cache")
    monkeypatch.setenv("KCCLEAN_CACHE_DIR", str(own_cache / "a-file"))
    (own_cache / "a-file").write_text("not a folder", encoding="utf-8")
    result = run("fix", SAMPLE, "--out", "out", "--jobs", "1", "-q")
    assert result.exit_code == 0
    assert [line for line in result.output.splitlines() if "cache" in line] == [
        f"kcclean: warning: {own_cache / 'a-file'}: the cache cannot be written (Not a directory); this run does not use it"
    ]
    assert tree("out") == expected


def test_the_keys_tell_apart_every_rule_and_setting(tmp_path: Path) -> None:
    """Each rule is part of the repair key in a form of its own (canonical: the same in
    every process), and the layout key leaves the character rules out."""
    book = load_rulebook()
    keys = RunCache.of(book, pytest.fail, tmp_path).keys
    assert canonical(book.all_rules) == canonical(load_rulebook().all_rules)
    ignored = load_rulebook(type(book.settings)(ignore=["punct.comma-width"]))
    other = RunCache.of(ignored, pytest.fail, tmp_path).keys
    assert other.repair != keys.repair and other.layout == keys.layout
    with pytest.raises(TypeError):
        canonical(object())


def test_a_record_made_after_an_earlier_one_is_the_record_made_afresh(tmp_path: Path) -> None:
    """What an earlier repair's record says of the rules both runs have is taken over when the
    texts held the same characters; a rule only this run has is asked, quiet or not."""
    Path(tmp_path, "mine").mkdir()
    Path(tmp_path, "mine", "house.toml").write_text(table_rule("house.country", "囯家", "国家"), encoding="utf-8")
    before, after = load_rulebook(), load_rulebook(Settings(rule_dirs=[tmp_path / "mine"]))
    pages = pipeline.load_pages(Source.of("a.txt", (SAMPLE / "2023-05-10_p1.txt").read_text(encoding="utf-8")), after)
    held: list[str] = []
    pipeline.repaired(*pipeline.laid_out(pages, after), after, held)
    texts = "\n".join(held)
    keys_before, keys_after = (RunCache.of(book, pytest.fail, tmp_path).keys for book in (before, after))
    earlier = RepairRecord.of(keys_before, before, texts)
    afresh = RepairRecord.of(keys_after, after, texts)
    added = next(d for d, rule in zip(keys_after.text_rules, after.text_rules) if rule.id == "house.country")
    assert added in afresh.quiet and added not in earlier.rules  # the sample holds no 囯
    assert RepairRecord.of(keys_after, after, texts, earlier) == afresh
    for unlike in (dict(characters=""), dict(texts="")):  # an earlier repair that held other texts tells nothing
        assert RepairRecord.of(keys_after, after, texts, dataclasses.replace(earlier, **unlike, quiet=frozenset(earlier.rules))) == afresh


def _hashed_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose bytes the runs from now on read to take their SHA-256, by name."""
    read: list[str] = []
    real = hashed.hashlib.file_digest

    def counted(handle, name):
        read.append(Path(handle.name).name)
        return real(handle, name)

    monkeypatch.setattr(hashed.hashlib, "file_digest", counted)
    return read


def test_a_rerun_does_not_read_again_the_files_it_wrote_unless_they_changed(monkeypatch: pytest.MonkeyPatch, own_cache: Path) -> None:
    """The previous output is checked for hand edits as a rerun starts and again as it is
    replaced; an article file the run before wrote, unchanged since, is told by its lstat."""
    _fix(SAMPLE, "out")
    articles = sorted(path.name for path in Path("out").rglob("*.md"))
    read = _hashed_files(monkeypatch)
    _fix(SAMPLE, "out")
    assert not set(read) & set(articles)
    Cache(own_cache).clean()  # without the SHA-256 the run before kept: each read once, not at both checks
    read.clear()
    _fix(SAMPLE, "out")
    assert sorted(name for name in read if name.endswith(".md")) == articles


def test_an_edit_that_keeps_an_article_s_size_and_time_is_still_refused(own_cache: Path) -> None:
    """What tells an unchanged file includes its change time, which an edit always sets."""
    _fix(SAMPLE, "out")
    article = min(Path("out").rglob("*.md"))
    before = article.stat()
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("村民", "居民", 1), encoding="utf-8")  # as many bytes
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert article.stat().st_size == before.st_size and article.read_text(encoding="utf-8") != text
    result = run("fix", SAMPLE, "--out", "out", "--jobs", "1")
    assert result.exit_code == 2 and "changed since kcclean wrote them" in result.output


def _rebuilt_parts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The issues whose part of the report the runs from now on make anew, by key."""
    made: list[str] = []
    real = Report.part_of

    def counted(self, issue, **how):
        made.append(issue.key)
        return real(self, issue, **how)

    monkeypatch.setattr(Report, "part_of", counted)
    return made


def test_a_rerun_makes_anew_only_the_report_parts_of_issues_that_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """An issue's part of the report (and its article files' records) is kept under the issue
    itself: a rule that changes the first issue renumbers the changes of every later one, whose
    parts are used again with their numbers moved."""
    inputs = Path("inputs")
    inputs.mkdir()
    for page in sorted(SAMPLE.glob("*.txt")):  # 村民 is in the sample only
        shutil.copy(page, inputs / f"a-{page.name}")
    for seed in (1, 2):
        for name, text in generator.generate(seed).files.items():
            (inputs / f"b{seed}-{name}").write_text(text, encoding="utf-8")
    _fix(inputs, "out")
    made = _rebuilt_parts(monkeypatch)
    rerun = _fix(inputs, "out")
    assert made == [], "parts made again with nothing changed"
    assert rerun == _fix(inputs, "cold", "--no-cache")
    shutil.rmtree("cold")
    made.clear()
    Path("mine").mkdir()
    Path("mine", "house.toml").write_text(table_rule("house.villagers", "村民", "居民"), encoding="utf-8")
    rerun = _fix(inputs, "out", "--rules", "mine")
    assert made == ["2023-05-10_2045"], "the later issues' parts were made again"
    assert rerun == _fix(inputs, "cold", "--no-cache", "--rules", "mine")
    assert b'"rule":"house.villagers"' in rerun["report.json"]


def test_a_kept_part_that_names_other_article_files_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _fix(SAMPLE, "cold", "--no-cache")
    _fix(SAMPLE, "out")
    real = ShownPack.load

    def elsewhere(self, issue):
        found = real(self, issue)
        return found and dataclasses.replace(found, records=[(p.replace(".md", "-x.md"), d, l) for p, d, l in found.records])

    monkeypatch.setattr(ShownPack, "load", elsewhere)
    made = _rebuilt_parts(monkeypatch)
    assert _fix(SAMPLE, "out") == expected
    assert made == ["2023-05-10_2045"]


def test_the_report_part_of_an_issue_whose_text_holds_a_nul_is_numbered_for_its_run(rulebook) -> None:
    """Slots are strings holding a NUL character: an issue whose text holds one could hold a
    string that reads as a slot, so its part is numbered as it is made, and not kept."""
    cleaned = pipeline.clean_text("标题\n\n\x00c0\n\n本报讯（记者 方心怡）为加强\x00f1疫情防控工作。", "x.txt", rulebook=rulebook)
    report = Report(rulebook)
    report.add_issue(pipeline.clean_text("标题\n\n本报讯（记者 方心怡）连日来，区领导深入一线。", "y.txt", rulebook=rulebook))
    part = report.part_of(cleaned)
    assert not part.kept
    report.add_issue(cleaned, part)
    data = report.to_json()
    assert [change["id"] for change in data["changes"]] == list(range(len(data["changes"])))
    assert "\x00c0" in data["files"][1]["text"]


def test_the_report_part_of_an_issue_of_very_many_changes_is_not_kept_but_written_as_made(monkeypatch: pytest.MonkeyPatch, rulebook) -> None:
    """A part kept for reruns is held in memory until its issue is written: one of a page
    repaired in more places than `_KEPT_CHANGES` is numbered for its run and its changes
    written one by one, and the report is the same."""
    from kcclean.output import report as report_module

    text = "标题\n\n本报讯（记者 方心怡）为加强疫情防控工作,区里召开会议,部署下一步工作。"
    cleaned = pipeline.clean_text(text, "x.txt", rulebook=rulebook)
    assert len(cleaned.changes) > 1
    whole = Report(rulebook)
    whole.add_issue(cleaned)
    monkeypatch.setattr(report_module, "_KEPT_CHANGES", 1)
    streamed = Report(rulebook)
    part = streamed.add_issue(cleaned)
    assert not part.kept
    assert streamed.to_json() == whole.to_json()


def test_the_facts_of_a_folder_s_pages_are_one_entry_that_a_run_over_some_of_its_files_keeps_whole(monkeypatch: pytest.MonkeyPatch, own_cache: Path) -> None:
    """A run writes one entry of page facts for a folder's files, not one per file (creating a
    file costs as much as classifying a page on some disks); a run over one of the files
    leaves the others' facts in it."""
    _fix(SAMPLE, "out")
    assert len(_entries(own_cache / f"v{FORMAT}" / "pages")) == 1
    assert run("fix", min(SAMPLE.glob("*.txt")), "--out", "one", "--jobs", "1").exit_code == 0
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "load_pages", lambda *args: pytest.fail("a file was classified again"))
        rerun = _fix(SAMPLE, "out")
    assert rerun == _fix(SAMPLE, "cold", "--no-cache")


def test_a_damaged_part_of_the_kept_parts_is_made_anew(monkeypatch: pytest.MonkeyPatch, own_cache: Path) -> None:
    """Each issue's part is checked on its own: one damaged byte in it, the index whole."""
    expected = _fix(SAMPLE, "cold", "--no-cache")
    _fix(SAMPLE, "out")
    (path,) = _entries(own_cache / f"v{FORMAT}" / "shown")
    data = bytearray(path.read_bytes())
    data[data.index(b"\n") + 20] ^= 1
    path.write_bytes(bytes(data))
    made = _rebuilt_parts(monkeypatch)
    assert _fix(SAMPLE, "out") == expected
    assert made == ["2023-05-10_2045"]
    made.clear()
    assert _fix(SAMPLE, "out") == expected
    assert made == [], "the part was not kept again"


def test_a_rule_that_can_change_nothing_in_an_issue_leaves_its_entry_as_it_was(own_cache: Path) -> None:
    """Writing the entry again for the new rules would cost a rerun as much as reading it."""
    _fix(SAMPLE, "out")
    issues = own_cache / f"v{FORMAT}" / "issue"
    held = {path.name: path.read_bytes() for path in _entries(issues)}
    Path("mine").mkdir()
    Path("mine", "house.toml").write_text(table_rule("house.country", "囯家", "国家"), encoding="utf-8")  # 囯 is not in the sample
    assert _fix(SAMPLE, "out", "--rules", "mine") == _fix(SAMPLE, "cold", "--no-cache", "--rules", "mine")
    assert {path.name: path.read_bytes() for path in _entries(issues)} == held


def test_an_entry_written_again_over_a_longer_one_reads_as_the_new_one_alone(own_cache: Path) -> None:
    """An entry written again is overwritten where it is: what the old one held past the new
    one's end is cut off, and one left half-written by a reader's view is a miss."""
    entries = Cache(own_cache)
    entries.store("issue", "key", "长" * 10_000)
    entries.store("issue", "key", "短")
    assert entries.load("issue", "key") == "短"
    path = own_cache / f"v{FORMAT}" / "issue" / "key"
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 3])
    assert entries.load("issue", "key") is None
