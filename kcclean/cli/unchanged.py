"""A rerun of `kcclean fix` with nothing changed, answered from the last run's record, as make
answers a target newer than its sources: no file is read, cleaned or written.

A run into an output folder keeps a record in the cache, under the folder's place on the disk:
what its output depends on (its *fingerprint*), the folder as it published it, what it said,
and its exit code. The next run into the folder with the same fingerprint, finding the folder
as it was published, says the same and exits the same; anything else makes a run like any
other, which writes a new record.

The fingerprint is the run's repair key (kcclean's code and data, every rule, the layout model,
the review's decisions: `reuse.RunKeys`), its settings, the inputs named as the run names
them with their stat (device, inode, size, modification and change times), the paths it
could not find, the folder it runs in and `--out` as typed (its words name them). A file
edited since has another change time, which no one can set by hand; a file changed within
two seconds before a run could still be changed in the same tick of its clock, so such a run
keeps no record (as git's index treats a racily clean file). The output folder must not be
locked by a run writing it, and is checked by the lstat of each of its files
(`hashed.Hashed.unchanged`): a file edited, added or removed by hand makes a full run, which
tells of the edit.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import typer

from ..cache import RunCache
from ..digests import canonical, digest
from ..errors import KccleanError
from ..output.folder import OutputFolder
from ..output.hashed import Hashed, signature
from ..rules import Rulebook

_SETTLED_NS = 2_000_000_000  # an input changed more recently than this may change again unseen


@dataclass(slots=True)
class Said:
    """What a run says beside its last line, as (kind, line): `say` on standard output and
    `warning` on standard error, unless the run is quiet. A file it could not clean (`error`)
    is said, not kept: such a run keeps no record."""

    quiet: bool
    lines: list[tuple[str, str]] = field(default_factory=list)
    failed: bool = False  # a file could not be cleaned

    def error(self, line: str) -> None:
        self.failed = True
        typer.echo(line, err=True)

    def warning(self, line: str) -> None:
        self.lines.append(("warning", line))
        if not self.quiet:
            typer.echo(line, err=True)

    def noted(self, line: str) -> str:
        """A line for standard output (the caller prints it where its progress bar is)."""
        self.lines.append(("say", line))
        return line


@dataclass(frozen=True, slots=True)
class RunRecord:
    fingerprint: str
    folder: Hashed  # the output folder as the run published it, its manifest with it
    said: tuple[tuple[str, str], ...]
    total: str  # the run's last line
    exit_code: int


def fingerprint(
    cache: RunCache, rulebook: Rulebook, rules_id: str, files: list[Path], missing: list[KccleanError], out: Path
) -> str | None:
    """What a run's output and its words depend on, or None when an input may be changing
    still. `rules_id`: the report's run id of the rules alone (`Report.rules_id`: every rule
    file as written, comments and rules switched off included); the folder the run runs in
    and `--out` as typed name its files."""
    settled = time.time_ns() - _SETTLED_NS
    inputs = []
    for path in files:
        try:
            status = os.stat(path)
        except OSError:
            return None
        if max(status.st_mtime_ns, status.st_ctime_ns) >= settled:
            return None
        inputs.append((str(path), signature(status)))
    return digest(cache.keys.repair, rules_id, canonical(rulebook.settings), inputs, [str(error) for error in missing], os.getcwd(), str(out))


def _entry(out: Path) -> str:
    return digest("run", os.path.realpath(out))


def replayed(cache: RunCache, out: Path, printed: str | None, quiet: bool) -> int | None:
    """When the last run into `out` had this fingerprint (`printed`), no run is writing the
    folder and it is as that run published it: what it said said again, and its exit code;
    else None."""
    if printed is None or os.environ.get("KCCLEAN_DEBUG") or OutputFolder(out).in_use():  # a run to debug does the work
        return None
    record = cache.entries.load("run", _entry(out))
    if not isinstance(record, RunRecord) or record.fingerprint != printed or not record.folder.unchanged(Path(os.path.realpath(out))):
        return None
    for kind, line in [] if quiet else record.said:
        typer.echo(line, err=kind == "warning")
    typer.echo(record.total)
    return record.exit_code


def keep(cache: RunCache, out: Path, printed: str | None, folder: Hashed | None, said: Said, total: str, exit_code: int) -> None:
    """The record of a run that published `out` (as `folder`), for the next run into it; none
    when a file could not be cleaned: what stopped it (a full disk, a bug) may be gone next time."""
    if printed is not None and folder is not None and not said.failed:
        cache.entries.store("run", _entry(out), RunRecord(printed, folder, tuple(said.lines), total, exit_code))
