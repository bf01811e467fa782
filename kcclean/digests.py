"""What cache keys are made of: a digest of plain values, values in one spelling in every
process (`canonical`), and kcclean's own code and data (`code_digest`)."""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import re
import sys
from importlib import metadata
from pathlib import Path

import ahocorasick_rs
import opencc

from .about import __version__

_PACKAGE = Path(__file__).resolve().parent


def digest(*parts: object) -> str:
    """The SHA-256 of values as `repr` spells them (give `canonical` ones where a value's
    spelling could differ from one process to the next)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def code_digest() -> str:
    """kcclean's version, the bytes of every file of the package (code and data: a checkout
    being worked on never reuses results of other code), Python's version and the versions
    of the libraries kcclean depends on (OpenCC's tables, ftfy's heuristics)."""
    digest = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in ("opencc", "rapidfuzz", "regex", "ahocorasick-rs", "ftfy", "lz4"):
        try:
            digest.update(f"{library} {metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent\0".encode())
    return digest.hexdigest()


# Objects a rule keeps that are built from its other fields when it is compiled (an
# Aho-Corasick automaton of its table, an OpenCC converter of its `convert`): they add
# nothing to what the rule is, and have no stable form to hash.
_DERIVED = (ahocorasick_rs.AhoCorasick, opencc.OpenCC)


def canonical(value: object) -> object:
    """A value as plain data of one spelling in every process (sets sorted, patterns as
    their source), for keys: pickle's bytes of a set depend on the process's hash seed.
    Raises TypeError for a value it does not know, so a new kind of rule field is not
    silently left out of the keys."""
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value if not isinstance(value, enum.Enum) else str(value)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, dict):
        return sorted(([canonical(k), canonical(v)] for k, v in value.items()), key=repr)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, re.Pattern) or type(value).__name__ == "Pattern":  # re's and regex's
        return ["pattern", value.pattern, value.flags]
    if dataclasses.is_dataclass(value):
        return [type(value).__qualname__] + [
            [f.name, canonical(getattr(value, f.name))] for f in dataclasses.fields(value) if f.compare
        ]
    if isinstance(value, _DERIVED):
        return type(value).__qualname__
    raise TypeError(f"no canonical form for {type(value).__module__}.{type(value).__qualname__}")
