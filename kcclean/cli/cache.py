"""`kcclean cache`: where the results of earlier runs are kept, how much, and emptying it."""

from __future__ import annotations

import typer

from ..cache import Cache, cache_folder
from ..output.diff import visible
from .common import user_errors

def cache_dir() -> None:
    """Print the folder where kcclean keeps the results of earlier runs.

    Example:  du -sh "$(kcclean cache dir)"

    kcclean fix, check and diff keep each issue's result there, keyed by the bytes of its
    files, kcclean's code, the rules and the settings, and use it again while they are the
    same: a rerun costs only what changed. --no-cache runs without it. KCCLEAN_CACHE_DIR
    chooses the folder (default: $XDG_CACHE_HOME/kcclean, else ~/.cache/kcclean).
    """
    typer.echo(visible(str(cache_folder())))


def cache_info() -> None:
    """Say where the cache is, how many entries it holds and how large it is.

    Example:  kcclean cache info
    """
    with user_errors():
        folder = cache_folder()
        entries, size = Cache(folder).size()
        typer.echo(visible(f"{folder}: {entries} entries, {size / 1e6:.1f} MB"))


def cache_clean() -> None:
    """Empty the cache: the next run of each input cleans it from scratch.

    Example:  kcclean cache clean

    Only kcclean's own entries are removed (a folder KCCLEAN_CACHE_DIR names may hold other
    files: they stay), and no output folder is touched. Entries are never wrong
    (each is keyed by everything its result depends on, and one found damaged is not used),
    so this only frees disk space.
    """
    with user_errors():
        folder = cache_folder()
        cache = Cache(folder)
        entries, size = cache.size()
        cache.clean()
        typer.echo(visible(f"removed {entries} entries ({size / 1e6:.1f} MB) from {folder}"))
