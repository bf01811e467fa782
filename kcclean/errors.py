"""The errors kcclean reports to users, and the exit codes they map to.

Exit codes (documented in the README):
  0  success
  1  `kcclean check` found fixes to make; `kcclean rules test` found a failing example
  2  usage or input error: a missing path, an unreadable file, a broken rule file; a worker
     process that died (killed from outside)
  3  internal error (a bug in kcclean: please report it)
130 interrupted by Ctrl-C or SIGTERM: nothing is written, the previous output is left as it was
141 the output pipe was closed by its reader (kcclean rules list | head), as for SIGPIPE
"""

from __future__ import annotations

import os

EXIT_FOUND = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_PIPE = 141

_LISTED = 5  # files named in a message; the rest counted


def printable(name: str | os.PathLike) -> str:
    """A file name as text that every output can hold (report.json, a terminal): the bytes of
    a name that are not UTF-8 (an archive unzipped from a GBK Windows zip), which Python
    holds as lone surrogates, written as `\\xNN`."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


class KccleanError(Exception):
    """An error with a message meant for the user; never shown as a traceback."""

    exit_code = EXIT_INPUT

    def __reduce__(self):
        # Sent back from a worker process: rebuilt as it is, whatever its __init__ takes.
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(kind: type[KccleanError], args: tuple, state: dict) -> KccleanError:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class InputError(KccleanError):
    """An input file that cannot be used: missing, empty, binary or undecodable."""

    def __init__(self, path: str, problem: str):
        path = printable(path)
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class RuleError(KccleanError):
    """A rule file that cannot be loaded, located as file:line."""

    def __init__(self, path: str, line: int | None, problem: str):
        path = printable(path)
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class RuleErrors(KccleanError):
    """Every problem found while loading a set of rule files."""

    def __init__(self, errors: list[RuleError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class RuleTimeout(KccleanError):
    """A rule took too long on one text: usually a pattern that backtracks catastrophically."""

    def __init__(self, rule: str, origin: str, seconds: float):
        super().__init__(
            f"rule {rule} gave up after {seconds:g} s on {origin}: "
            "its pattern probably backtracks catastrophically; fix or --ignore it"
        )
        self.rule = rule


class InternalError(KccleanError):
    """A bug in kcclean met while cleaning some files; the run goes on without them."""

    exit_code = EXIT_INTERNAL

    def __init__(self, path: str, error: Exception):
        super().__init__(
            f"{path}: internal error: {type(error).__name__}: {error} "
            "(a bug in kcclean: please report it with this file; KCCLEAN_DEBUG=1 shows the traceback)"
        )
        self.path = path


class WorkerDied(KccleanError):
    """A worker process of a parallel run died (the kernel's out-of-memory killer, `kill -9`):
    the run stops, and names the files the workers held."""

    def __init__(self, files: list[str]):
        shown = ", ".join(files[:_LISTED]) + (f" and {len(files) - _LISTED} more" if len(files) > _LISTED else "")
        super().__init__(
            f"a worker process died while cleaning {shown or 'the files'} (killed from outside: perhaps "
            "the system ran out of memory); nothing was written. Run again, with fewer --jobs if memory is short"
        )


class OutputError(KccleanError):
    """The output folder cannot be written as asked."""
