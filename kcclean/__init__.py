"""kcclean: clean raw transcripts of 今日柯城 into per-article text, explaining every change.

    >>> import kcclean
    >>> issue = kcclean.clean_text(open("page1.txt", encoding="utf-8").read())
    >>> issue.articles[0].headline, issue.articles[0].body[:1]
"""

from .about import __version__
from .model import Article, Change, Issue
from .pipeline import clean_files, clean_text
from .rules import Settings, load_rulebook

__all__ = ["Article", "Change", "Issue", "Settings", "clean_files", "clean_text", "load_rulebook", "__version__"]
