"""What characters every match of a pattern needs: a quick scan that tells a rule it has
nothing to do in a text, read off the pattern with `re`'s own parser."""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _re_parser
import warnings

import regex

# Pattern syntax of the `regex` module that `re` would misread, or that makes a literal
# optional: fuzzy matching ({e<=1}), inline flags ((?i)), named lists and the like.
_NOT_PLAIN = regex.compile(r"\{[\d\s]*[eids]|\(\?(?![:=!<P>#])|\\[LNXmM]")
# \G (where the last match ended) only narrows where a match may start: read as nothing, the
# pattern matches more, so a character every match needs is still needed
_SEARCH_ANCHOR = regex.compile(r"(?<!\\)((?:\\\\)*)\\G")
_PROPERTY = regex.compile(r"\\[pP](?:\{[^}]*\}|[A-Za-z])")
_LARGEST_CLASS = 4096  # a wider class (\p{Han}) is no use as a trigger


def trigger_of(pattern: str) -> re.Pattern | None:
    """A `re` character class such that every match of the pattern contains one of its
    characters (so text with none of them cannot match), or None when that cannot be told.

    The pattern is parsed with `re`'s own parser, `\\p{..}` classes read as "any character";
    a construct only `regex` knows makes it None, never a wrong class.
    """
    if _NOT_PLAIN.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # re's FutureWarning on "[[": the pattern is regex's
            parsed = _re_parser.parse(_without_properties(_SEARCH_ANCHOR.sub(r"\1", pattern)))
    except (re.error, RecursionError, OverflowError):
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    chars = _required(parsed.data)
    if not chars:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _without_properties(pattern: str) -> str:
    """The pattern with each `\\p{..}` / `\\P{..}` read as any character, in a class or not."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if found := _PROPERTY.match(pattern, i):
                out.append(r"\x00-\U0010ffff" if in_class else r"[\x00-\U0010ffff]")
                i = found.end()
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(ch)
        i += 1
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            for literal in ("^", "]"):  # [^…] and a ] first in the class are part of it
                if pattern.startswith(literal, i):
                    out.append(literal)
                    i += 1
    return "".join(out)


def _required(items: list) -> set[str] | None:
    """The smallest set of characters one of which every match of this sequence consumes."""
    best = None
    for op, value in items:
        found = None
        if op is _c.LITERAL:
            found = {chr(value)}
        elif op is _c.IN:
            found = _class_chars(value)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and value[0] >= 1:
            found = _required(value[2].data)
        elif op is _c.SUBPATTERN and not value[1] and not value[2]:
            found = _required(value[3].data)
        elif op is _c.ATOMIC_GROUP:
            found = _required(value.data)
        elif op is _c.BRANCH:
            branches = [_required(branch.data) for branch in value[1]]
            if all(branch is not None for branch in branches):
                found = set().union(*branches)
        if found is not None and (best is None or len(found) < len(best)):
            best = found
    return best


def _class_chars(items: list) -> set[str] | None:
    chars: set[str] = set()
    for op, value in items:
        if op is _c.LITERAL:
            chars.add(chr(value))
        elif op is _c.RANGE and value[1] - value[0] < _LARGEST_CLASS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:  # a negated class, a category (\d, \s), a huge range
            return None
        if len(chars) > _LARGEST_CLASS:
            return None
    return chars
