"""The detector engine: triggers, compiled pattern sets, validators on candidates.

A detector is data (see `detector_data`): a pattern, a base confidence, context words and a
validator, after Presidio's recognizer decomposition. Detectors are grouped in families that
share a cheap trigger: literal anchors (`AKIA`, `ghp_`, `@`, ...) or, for numbers, the
start of a digit group. All triggers are found in one pass (`triggers`), and patterns run
only there: anchored at the trigger when every match starts with its anchor, or over the
merged windows around the triggers, so ordinary prose costs almost nothing. Texts are matched
in batches, joined into one string, so short chat messages do not pay a call each.

A candidate counts when its validator accepts it and its confidence (base, raised when a
context word is near in the same text) reaches the threshold. When the first candidate at a
position is rejected, the family's other detectors are tried anchored at the same position,
so overlapping shapes (a nine-digit SSN or routing number) still count. Hits of different
families never overlap: the earliest one wins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate, repeat
from operator import add

from localproof.scan.triggers import Finder, Found, Literal, finder

THRESHOLD = 0.5
CONTEXT_BOOST = 0.4
CONTEXT_BEFORE = 64
CONTEXT_AFTER = 32
DIGIT = "digit"  # trigger of the number family: the start of a digit group


@dataclass(frozen=True, slots=True)
class Detector:
    """A sensitive-data type described as data.

    `family` groups detectors that share a trigger; `anchors` are literal strings one of which
    every match contains (empty for the digit-triggered family), and `reach` how far a match
    can extend before and after its anchor. A reach of 0 before means every match starts
    with its anchor (a prefix of one of its anchors is enough).
    """

    category: str
    type: str
    pattern: str
    base: float
    context: tuple[str, ...] = ()
    validator: Callable[[str], bool] | None = None
    ignore_case: bool = False
    family: str = DIGIT
    anchors: tuple[str, ...] = ()
    reach: tuple[int, int] = (48, 48)

    def compiled(self) -> re.Pattern[str]:
        """The pattern alone, for anchored retries."""
        return re.compile(self.pattern, re.IGNORECASE if self.ignore_case else 0)


@dataclass(frozen=True, slots=True)
class Hit:
    """A counted candidate: which detector, and where in the text (never the value)."""

    detector: Detector
    start: int
    end: int


_DIGIT_GROUP = re.compile(r"[0-9]+")
_GROUP_JOINED = re.compile(r"[/.\-, ]{1,2}[0-9]")
# Values with fewer than five digits (ICD-10 codes, short dates) count only in these contexts.
_SHORT_CONTEXT = ("diagnos", "icd", "dx", "dob", "d.o.b", "born", "birth", "condition")
_MONTH_BEFORE = re.compile(
    r"(?i)(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:\d{1,2},? )?$"
)
# Joins the texts of a batch. No pattern matches NUL and whitespace classes stop at it, so no
# match spans two texts; the newlines keep `^`/`$` and word boundaries as at a text's ends.
SEPARATOR = "\n\x00\n"
_ASCII_LOWER_BYTES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


class _Chunk:
    """Texts joined by `SEPARATOR` and scanned as one string; maps offsets back to texts."""

    __slots__ = ("_lowered", "ends", "found", "starts", "text")

    def __init__(self, texts: Sequence[str], triggers: Finder) -> None:
        self.text = SEPARATOR.join(texts)
        lengths = list(map(len, texts))
        # starts[i + 1] = ends[i] + len(SEPARATOR); computed in C, texts are many and short
        self.starts: list[int] = list(
            accumulate(map(add, lengths[:-1], repeat(len(SEPARATOR))), initial=0)
        )
        self.ends: list[int] = list(map(add, self.starts, lengths))
        self._lowered: str | None = None
        self.found: Found = triggers.find(self.text, self.lowered)

    def lowered(self) -> str:
        """The text with ASCII letters in lower case (others unchanged), at the same offsets.

        Only ASCII: anchors are ASCII, and some letters (the Kelvin sign, dotted capital I)
        lower to ASCII or to two characters. Outside ASCII, each character's four UTF-32
        bytes are translated: only ASCII letters' low bytes change, and no byte maps to one
        that makes another character ASCII or invalid."""
        if self._lowered is None:
            text = self.text
            if text.isascii():
                self._lowered = text.lower()
            else:
                wide = text.encode("utf-32-le").translate(_ASCII_LOWER_BYTES)
                self._lowered = wide.decode("utf-32-le")
        return self._lowered

    def index(self, position: int) -> int:
        """Which text holds `position`."""
        return bisect_right(self.starts, position) - 1

    def bounds(self, position: int) -> tuple[int, int]:
        """(start, end) of the text that holds `position`."""
        index = bisect_right(self.starts, position) - 1
        return self.starts[index], self.ends[index]

    def positions(self, literals: Sequence[int]) -> list[int]:
        """Where any of the given trigger literals occurs, in ascending order."""
        if len(literals) == 1:
            return self.found.literals[literals[0]]
        return sorted(at for ident in literals for at in self.found.literals[ident])


class _Family:
    """Detectors sharing one trigger, compiled into one alternation."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)
        self.singles = tuple(d.compiled() for d in self.detectors)
        self.contexts = tuple(_context_regex(d.context) for d in self.detectors)
        self.lower = any(d.ignore_case for d in self.detectors)
        anchors = {a.lower() if self.lower else a for d in self.detectors for a in d.anchors}
        self.before = max(d.reach[0] for d in self.detectors)
        self.after = max(d.reach[1] for d in self.detectors)
        parts = []
        for index, d in enumerate(self.detectors):
            body = f"(?i:{d.pattern})" if d.ignore_case else f"(?:{d.pattern})"
            parts.append(f"(?P<d{index}>{body})")
        self.combined = re.compile("|".join(parts))
        # after[i]: the detectors after the i-th, for the next shape once it is rejected.
        self.after_each = tuple(
            re.compile("|".join(parts[index + 1 :])) if index + 1 < len(parts) else None
            for index in range(len(parts))
        )
        # With no reach before the anchor, every match starts at an anchor: the detectors
        # are tried there, anchored, instead of searching windows. An anchor that another
        # one starts with stands for both.
        self.at_anchor = bool(anchors) and self.before == 0
        if self.at_anchor:
            anchors = {a for a in anchors if not any(a.startswith(b) and a != b for b in anchors)}
        self.anchors = tuple(sorted(anchors))
        self.by_anchor = tuple(
            tuple(
                index
                for index, d in enumerate(self.detectors)
                if any((a.lower() if self.lower else a).startswith(anchor) for a in d.anchors)
            )
            for anchor in self.anchors
        )
        self.literals: tuple[int, ...] = ()  # trigger ids of the anchors, set by the set

    def find(self, chunk: _Chunk) -> Iterator[Hit]:
        if not self.anchors:
            yield from self._find_numbers(chunk)
        elif self.at_anchor:
            yield from self._find_at_anchors(chunk)
        else:
            for low, high in self._windows(chunk):
                yield from self._find_in(chunk, low, high)

    def _windows(self, chunk: _Chunk) -> list[tuple[int, int]]:
        """Merged (start, end) spans around every anchor in the chunk."""
        size = len(chunk.text)
        merged: list[tuple[int, int]] = []
        spans = sorted(
            (at, at + len(anchor))
            for anchor, ident in zip(self.anchors, self.literals, strict=True)
            for at in chunk.found.literals[ident]
        )
        for start, end in spans:
            low, high = max(0, start - self.before), min(size, end + self.after)
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return merged

    def _find_numbers(self, chunk: _Chunk) -> Iterator[Hit]:
        """Numbers: try the patterns anchored at the few places a value can start."""
        text = chunk.text
        done = 0
        size = len(text)
        match_at = self.combined.match
        for start in self._group_starts(chunk):
            if start < done:
                continue
            for candidate in _starts(text, start):
                if candidate < done:
                    continue
                found = match_at(text, candidate)
                if found is None:
                    continue
                first = int(found.lastgroup[1:]) if found.lastgroup else 0
                hit = self._accept(chunk, first, candidate, found.end()) or self._retry(
                    chunk, first, candidate, size
                )
                if hit is not None:
                    yield hit
                    done = hit.end
                    break

    def _group_starts(self, chunk: _Chunk) -> list[int]:
        """Starts of the digit groups where a value can begin: the digit triggers, and in
        texts that speak of a diagnosis or a birth date, also short numbers (ICD-10 codes,
        dates)."""
        starts = chunk.found.digits
        short = sorted({chunk.index(at) for at in chunk.positions(self.literals)})
        text = chunk.text
        extra = []
        for index in short:
            for group in _DIGIT_GROUP.finditer(text, chunk.starts[index], chunk.ends[index]):
                start, end = group.span()
                if end - start >= 3 or _GROUP_JOINED.match(text, end) is not None:
                    extra.append(start)
        if not extra:
            return starts
        return sorted(set(starts).union(extra))

    def _find_at_anchors(self, chunk: _Chunk) -> Iterator[Hit]:
        """Each anchor occurrence is a candidate start: the first detector (in priority
        order) that matches there and is accepted counts."""
        candidates = sorted(
            (at, index, at + len(anchor) + self.after)
            for anchor, ident, indexes in zip(
                self.anchors, self.literals, self.by_anchor, strict=True
            )
            for at in chunk.found.literals[ident]
            for index in indexes
        )
        text = chunk.text
        size = len(text)
        done = 0
        for start, index, high in candidates:
            if start < done:
                continue
            found = self.singles[index].match(text, start, min(size, high))
            if found is None:
                continue
            hit = self._accept(chunk, index, start, found.end())
            if hit is not None:
                yield hit
                done = hit.end

    def _find_in(self, chunk: _Chunk, low: int, high: int) -> Iterator[Hit]:
        pos = low
        search = self.combined.search
        while (match := search(chunk.text, pos, high)) is not None:
            first = int(match.lastgroup[1:]) if match.lastgroup else 0
            hit = self._accept(chunk, first, match.start(), match.end())
            if hit is None:
                hit = self._retry(chunk, first, match.start(), high)
            if hit is None:
                pos = match.start() + 1
                continue
            yield hit
            pos = max(hit.end, match.start() + 1)

    def _retry(self, chunk: _Chunk, skip: int, start: int, high: int) -> Hit | None:
        """The next detector in priority order whose shape matches at `start` and is
        accepted. Those before `skip` did not match there (the alternation tried them)."""
        index = skip
        while (rest := self.after_each[index]) is not None:
            other = rest.match(chunk.text, start, high)
            if other is None:
                return None
            index = int(other.lastgroup[1:]) if other.lastgroup else 0
            hit = self._accept(chunk, index, start, other.end())
            if hit is not None:
                return hit
        return None

    def _accept(self, chunk: _Chunk, index: int, start: int, end: int) -> Hit | None:
        detector = self.detectors[index]
        text = chunk.text
        if detector.base < THRESHOLD:
            context = self.contexts[index]
            if context is None or detector.base + CONTEXT_BOOST < THRESHOLD:
                return None
            low, high = chunk.bounds(start)
            window = text[max(low, start - CONTEXT_BEFORE) : min(high, end + CONTEXT_AFTER)]
            if context.search(window) is None:
                return None
        validator = detector.validator
        if validator is not None and not _valid(validator, text[start:end]):
            return None
        return Hit(detector, start, end)


class DetectorSet:
    """Detectors compiled by family, in priority order, with their triggers.

    `engine` picks the trigger finder: "hyperscan", "re", or None for Hyperscan when it can
    be imported. Both give the same results."""

    def __init__(self, detectors: Sequence[Detector], engine: str | None = None) -> None:
        self.detectors = tuple(detectors)
        names = dict.fromkeys(d.family for d in self.detectors)
        self._families = tuple(
            _Family([d for d in self.detectors if d.family == name]) for name in names
        )
        literals: dict[Literal, int] = {}
        for family in self._families:
            words = family.anchors or _SHORT_CONTEXT  # numbers: their short-number contexts
            caseless = family.lower or not family.anchors
            family.literals = tuple(
                literals.setdefault(Literal(word, caseless), len(literals)) for word in words
            )
        self._triggers = finder(list(literals), engine)

    @property
    def engine(self) -> str:
        """Which trigger finder runs: "hyperscan" or "re"."""
        return self._triggers.name

    @cached_property
    def types(self) -> tuple[tuple[str, str], ...]:
        """Every (category, type) this set can report, in order, without repeats."""
        return tuple(dict.fromkeys((d.category, d.type) for d in self.detectors))

    def find(self, text: str) -> Iterator[Hit]:
        """Every counted value in `text`, left to right, without overlaps."""
        for _, hit in self.find_all((text,)):
            yield hit

    def find_all(self, texts: Sequence[str]) -> list[tuple[int, Hit]]:
        """Every counted value in each of `texts`, as (index of the text, hit), in order.

        The texts are scanned as one string, which is much faster than one call per text for
        short texts such as chat messages; the results are the same as text by text.
        """
        if not texts:
            return []
        chunk = _Chunk(texts, self._triggers)
        hits = [hit for family in self._families for hit in family.find(chunk)]
        if len(self._families) > 1:
            hits.sort(key=lambda h: h.start)
        found: list[tuple[int, Hit]] = []
        end = -1
        for hit in hits:
            if hit.start < end:
                continue
            index = chunk.index(hit.start)
            low = chunk.starts[index]
            if hit.end > chunk.ends[index]:  # cannot happen with the built-in patterns
                return [(i, hit) for i, text in enumerate(texts) for hit in self.find(text)]
            found.append((index, Hit(hit.detector, hit.start - low, hit.end - low)))
            end = hit.end
        return found


def _starts(text: str, start: int) -> list[int]:
    """Where a value holding the digit group at `start` can begin, in ascending order: the
    group; an opening parenthesis or plus sign before it; up to four letters or hyphens
    before it (E11, GB82, AB-123); a month name before it (March 3, 1971)."""
    if start == 0:
        return [0]
    before = text[start - 1]
    if before == " ":
        month = _MONTH_BEFORE.search(text, max(0, start - 24), start)
        return [start] if month is None else [month.start(), start]
    if before in "(+":
        return [start - 1, start]
    if not (before.isalpha() or before == "-"):
        return [start]
    token = start - 1
    while token > 0 and start - token < 4 and (text[token - 1].isalpha() or text[token - 1] == "-"):
        token -= 1
    return [token, start]


@lru_cache(maxsize=4096)
def _valid(validator: Callable[[str], bool], value: str) -> bool:
    """`validator(value)`, remembered: chats repeat the same numbers and placeholders, and
    some validators (phone numbers) are slow."""
    return validator(value)


def _context_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]*") for w in words)
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.IGNORECASE)
