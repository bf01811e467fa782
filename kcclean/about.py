"""kcclean's version, as installed."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kcclean")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
