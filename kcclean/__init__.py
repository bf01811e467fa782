"""kcclean: clean raw transcripts of 今日柯城 into per-article text, explaining every change.

    >>> import kcclean
    >>> issue = kcclean.clean_text(open("page1.txt", encoding="utf-8").read())
    >>> issue.articles[0].headline, issue.articles[0].body[:1]
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kcclean")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

from .model import Article, Change, Issue  # noqa: E402
from .pipeline import clean_files, clean_text  # noqa: E402
from .rulebook import Settings, load_rulebook  # noqa: E402

__all__ = ["Article", "Change", "Issue", "Settings", "clean_files", "clean_text", "load_rulebook", "__version__"]
