"""Triggers: where in a text a value can be, found in one cheap pass before any pattern runs.

Two kinds: literal anchors (`AKIA`, `ghp_`, `@`, `attorney`, ...; some case-insensitive)
and the starts of digit groups worth trying (after a capital, as in `E11` or `GB82`, or
followed by five digits in a row of groups). Two finders give the same positions:

* `RegexFinder`: `str.find` per anchor and one `re` pass for the digits. Always available.
* `HyperscanFinder`: every trigger in one pass of Hyperscan (Intel's multi-pattern regex
  engine, `hyperscan` on PyPI) over the text encoded as UTF-32, so byte offsets are four
  times character offsets. Used when the package imports; several times faster.

Digit triggers are ASCII digits: values written in other scripts' digits are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# A digit group worth trying, in `re` form: a group start after a capital or followed by
# five digits in a row of groups. Starting with the digit lets `re` skip to digits in C.
_WORTH = re.compile(r"[0-9](?<![0-9]{2})(?:(?<=[A-Z][0-9])|(?=(?:[\s().+/-]{0,2}[0-9]){4}))")
# Characters that may separate the digits of a group row: what `[\s().+/-]` matches.
_SEPARATORS = "().+/-" + "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@dataclass(frozen=True, slots=True)
class Literal:
    """An anchor string; a case-insensitive one is given in lower case."""

    text: str
    caseless: bool


@dataclass(frozen=True, slots=True)
class Found:
    """Trigger positions in a text: per literal (in the order given), and digit-group starts.
    Every list is in ascending order."""

    literals: list[list[int]]
    digits: list[int]


class Finder(Protocol):
    """Finds every trigger in a text. `lowered` gives the text in lower case, at the same
    offsets, for finders that need it."""

    name: str

    def find(self, text: str, lowered: Callable[[], str]) -> Found: ...


class RegexFinder:
    """Triggers with `str.find` and Python `re`."""

    name = "re"

    def __init__(self, literals: Sequence[Literal]) -> None:
        self.literals = tuple(literals)

    def find(self, text: str, lowered: Callable[[], str]) -> Found:
        positions = []
        for literal in self.literals:
            haystack = lowered() if literal.caseless else text
            positions.append(list(_occurrences(haystack, literal.text)))
        return Found(positions, [m.start() for m in _WORTH.finditer(text)])

    def __reduce__(self) -> tuple[Any, ...]:
        return (RegexFinder, (self.literals,))


class HyperscanFinder:
    """Triggers in one Hyperscan pass over the text: as ASCII bytes when it is ASCII, else
    as UTF-32 (four bytes per character), so offsets divide into character offsets."""

    name = "hyperscan"

    def __init__(self, literals: Sequence[Literal]) -> None:
        import hyperscan  # noqa: PLC0415 - optional: the caller falls back when absent

        self.literals = tuple(literals)
        count = len(self.literals)
        # Digit triggers: a capital then a digit; a group start (after a non-digit, or at the
        # very start) followed by five digits in a row of groups. Each reports once.
        self._after_other, self._at_start = count + 1, count + 2
        flags = [hyperscan.HS_FLAG_CASELESS if lit.caseless else 0 for lit in self.literals]
        flags += [0, hyperscan.HS_FLAG_SOM_LEFTMOST, 0]
        self._databases = {}
        for width in (1, _WIDE):
            database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            expressions = _expressions(self.literals, _UNITS[width])
            database.compile(expressions=expressions, ids=list(range(count + 3)),
                             elements=count + 3, flags=flags)  # fmt: skip
            self._databases[width] = database

    def find(self, text: str, lowered: Callable[[], str]) -> Found:
        del lowered  # Hyperscan matches case-insensitive literals itself
        reports: list[tuple[int, int, int]] = []
        report = reports.append

        def on_match(ident: int, start: int, end: int, _flags: int, _context: object) -> None:
            report((ident, start, end))

        width = 1 if text.isascii() else _WIDE
        data = text.encode("ascii") if width == 1 else text.encode("utf-32-le")
        self._databases[width].scan(data, match_event_handler=on_match)
        positions: list[list[int]] = [[] for _ in self.literals]
        digits: list[int] = []
        after_other, at_start, literals = self._after_other, self._at_start, self.literals
        for ident, first, end in reports:
            if ident == at_start:
                digits.append(0)
                continue
            if ident == after_other:
                start = first
            elif ident < after_other - 1:
                start = end - len(literals[ident].text) * width
            else:  # a capital and a digit
                start = end - 2 * width
            if start % width:
                continue  # a match across character boundaries
            if ident < after_other - 1:
                positions[ident].append(start // width)
            else:  # the digit follows the capital or the non-digit
                digits.append(start // width + 1)
        return Found(positions, sorted(set(digits)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (HyperscanFinder, (self.literals,))  # the database is rebuilt, not pickled


def finder(literals: Sequence[Literal], engine: str | None = None) -> Finder:
    """Hyperscan when it can be used (or `engine` is "hyperscan"), else `re`."""
    if engine == RegexFinder.name:
        return RegexFinder(literals)
    try:
        return HyperscanFinder(literals)
    except ImportError:
        if engine == HyperscanFinder.name:
            raise
        return RegexFinder(literals)


def _occurrences(haystack: str, needle: str) -> list[int]:
    found = []
    index = haystack.find(needle)
    while index >= 0:
        found.append(index)
        index = haystack.find(needle, index + 1)
    return found


@dataclass(frozen=True, slots=True)
class _Units:
    """How characters are written in one encoding's Hyperscan patterns."""

    unit: Callable[[str], bytes]  # one character
    digit: bytes  # an ASCII digit
    letter: bytes  # an ASCII capital
    not_digit: bytes  # any character but an ASCII digit


def _expressions(literals: Sequence[Literal], units: _Units) -> list[bytes]:
    """The literals, then: capital + digit, non-digit + five digits, five digits at the start."""
    written = (units.unit(char) for char in _SEPARATORS)
    separator = b"(?:" + b"|".join(unit for unit in written if unit) + b")"
    five = units.digit + b"(?:" + separator + b"{0,2}" + units.digit + b"){4}"
    expressions = [b"".join(units.unit(char) for char in lit.text) for lit in literals]
    return [*expressions, units.letter + units.digit, units.not_digit + five, b"^" + five]


def _escaped(data: bytes) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in data)


_WIDE = 4  # bytes per character in UTF-32
_UNITS = {
    1: _Units(  # ASCII text; non-ASCII separators never occur in it
        unit=lambda char: _escaped(char.encode("ascii")) if char.isascii() else b"",
        digit=rb"[\x30-\x39]",
        letter=rb"[\x41-\x5a]",
        not_digit=rb"[^\x30-\x39]",
    ),
    _WIDE: _Units(  # UTF-32-LE: low byte first
        unit=lambda char: _escaped(char.encode("utf-32-le")),
        digit=rb"[\x30-\x39]\x00\x00\x00",
        letter=rb"[\x41-\x5a]\x00\x00\x00",
        not_digit=(
            rb"(?:[^\x30-\x39][\x00-\xff]{3}|[\x30-\x39](?:[^\x00][\x00-\xff]{2}"
            rb"|\x00[^\x00][\x00-\xff]|\x00\x00[^\x00]))"
        ),
    ),
}
