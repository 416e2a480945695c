"""The detector engine: compiled pattern sets, candidate windows, validators on candidates.

A detector is data (see `detector_data`): a pattern, a base confidence, context words and a
validator, after Presidio's recognizer decomposition. Detectors are grouped in families that
share a cheap trigger: a digit, an `@`, or literal anchors (`AKIA`, `ghp_`, `://`, ...).
The trigger is found at C speed; each family's patterns, joined into one alternation of named
groups, then run once over the merged windows around the triggers, so a text is scanned in a
single pass per family and ordinary prose costs almost nothing. A candidate counts when its
validator accepts it and its confidence (base, raised when a context word is near) reaches the
threshold. When the first candidate at a position is rejected, the family's other detectors
are tried anchored at the same position, so overlapping shapes (a nine-digit SSN or routing
number) still count. Hits of different families never overlap: the earliest one wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

THRESHOLD = 0.5
CONTEXT_BOOST = 0.4
CONTEXT_BEFORE = 64
CONTEXT_AFTER = 32
DIGIT = "digit"  # trigger of the number family: any digit run


@dataclass(frozen=True, slots=True)
class Detector:
    """A sensitive-data type described as data.

    `family` groups detectors that share a trigger; `anchors` are literal strings one of which
    every match contains (empty for the digit-triggered family), and `reach` how far a match
    can extend around its anchor.
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


_DIGIT_GROUP = re.compile(r"\d+")
_GROUP_JOINED = re.compile(r"[/.\-, ]{1,2}\d")
_FIVE_DIGITS = re.compile(r"\d(?:[\s().+/-]{0,2}\d){4}")
# Values with fewer than five digits (ICD-10 codes, short dates) count only in these contexts.
_SHORT_CONTEXT = ("diagnos", "icd", "dx", "dob", "d.o.b", "born", "birth", "condition")
_MONTH_BEFORE = re.compile(
    r"(?i)(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:\d{1,2},? )?$"
)


class _Family:
    """Detectors sharing one trigger, compiled into one alternation."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)
        self.singles = tuple(d.compiled() for d in self.detectors)
        self.contexts = tuple(_context_regex(d.context) for d in self.detectors)
        self.lower = any(d.ignore_case for d in self.detectors)
        anchors = {a for d in self.detectors for a in d.anchors}
        self.anchors = tuple(sorted(a.lower() for a in anchors) if self.lower else sorted(anchors))
        self.before = max(d.reach[0] for d in self.detectors)
        self.after = max(d.reach[1] for d in self.detectors)
        parts = []
        for index, d in enumerate(self.detectors):
            body = f"(?i:{d.pattern})" if d.ignore_case else f"(?:{d.pattern})"
            parts.append(f"(?P<d{index}>{body})")
        self.combined = re.compile("|".join(parts))

    def windows(self, text: str) -> list[tuple[int, int]]:
        """Merged (start, end) spans around every anchor in `text`."""
        haystack = text.lower() if self.lower else text
        present = [a for a in self.anchors if a in haystack]
        if not present:
            return []
        spans = sorted((i, i + len(a)) for a in present for i in _occurrences(haystack, a))
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            low, high = max(0, start - self.before), min(len(text), end + self.after)
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return merged

    def find(self, text: str) -> Iterator[Hit]:
        if not self.anchors:
            yield from self._find_numbers(text)
            return
        for low, high in self.windows(text):
            yield from self._find_in(text, low, high)

    def _find_numbers(self, text: str) -> Iterator[Hit]:
        """Numbers: try the patterns anchored at the few places a value can start."""
        done = 0
        size = len(text)
        short: list[bool] = []
        match_at = self.combined.match
        for group in _DIGIT_GROUP.finditer(text):
            start, end = group.span()
            if start < done or not _worth_trying(text, start, end, short):
                continue
            for candidate in _starts(text, start):
                if candidate < done:
                    continue
                found = match_at(text, candidate)
                if found is None:
                    continue
                first = int(found.lastgroup[1:]) if found.lastgroup else 0
                hit = self._accept(text, first, candidate, found.end()) or self._retry(
                    text, first, candidate, size
                )
                if hit is not None:
                    yield hit
                    done = hit.end
                    break

    def _find_in(self, text: str, low: int, high: int) -> Iterator[Hit]:
        pos = low
        while (match := self.combined.search(text, pos, high)) is not None:
            first = int(match.lastgroup[1:]) if match.lastgroup else 0
            hit = self._accept(text, first, match.start(), match.end())
            if hit is None:
                hit = self._retry(text, first, match.start(), high)
            if hit is None:
                pos = match.start() + 1
                continue
            yield hit
            pos = max(hit.end, match.start() + 1)

    def _retry(self, text: str, skip: int, start: int, high: int) -> Hit | None:
        for index, single in enumerate(self.singles):
            if index == skip:
                continue
            other = single.match(text, start, high)
            if other is not None:
                hit = self._accept(text, index, start, other.end())
                if hit is not None:
                    return hit
        return None

    def _accept(self, text: str, index: int, start: int, end: int) -> Hit | None:
        detector = self.detectors[index]
        if detector.base < THRESHOLD:
            context = self.contexts[index]
            if context is None or detector.base + CONTEXT_BOOST < THRESHOLD:
                return None
            window = text[max(0, start - CONTEXT_BEFORE) : end + CONTEXT_AFTER]
            if context.search(window) is None:
                return None
        validator = detector.validator
        if validator is not None and not validator(text[start:end]):
            return None
        return Hit(detector, start, end)


class DetectorSet:
    """Detectors compiled by family, in priority order."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)
        names = dict.fromkeys(d.family for d in self.detectors)
        self._families = tuple(
            _Family([d for d in self.detectors if d.family == name]) for name in names
        )

    @cached_property
    def types(self) -> tuple[tuple[str, str], ...]:
        """Every (category, type) this set can report, in order, without repeats."""
        return tuple(dict.fromkeys((d.category, d.type) for d in self.detectors))

    def find(self, text: str) -> Iterator[Hit]:
        """Every counted value in `text`, left to right, without overlaps."""
        hits = [hit for family in self._families for hit in family.find(text)]
        if len(self._families) > 1:
            hits.sort(key=lambda h: h.start)
        end = -1
        for hit in hits:
            if hit.start >= end:
                yield hit
                end = hit.end


def _worth_trying(text: str, start: int, end: int, short: list[bool]) -> bool:
    """A letter-prefixed code (E11, GB82, AB123...), five digits in a row of groups, or, when
    the text speaks of a diagnosis or a birth date, a short number (ICD-10 code, date).
    `short` caches that last question for the text: [] until asked."""
    if (start > 0 and text[start - 1].isupper()) or _FIVE_DIGITS.match(text, start):
        return True
    if end - start < 3 and _GROUP_JOINED.match(text, end) is None:
        return False
    if not short:
        lowered = text.lower()
        short.append(any(word in lowered for word in _SHORT_CONTEXT))
    return short[0]


def _starts(text: str, start: int) -> list[int]:
    """Where a value holding the digit group at `start` can begin, in ascending order."""
    starts = {start}
    if start > 0 and text[start - 1] in "(+":
        starts.add(start - 1)
    token = start
    while token > 0 and start - token < 4 and (text[token - 1].isalpha() or text[token - 1] == "-"):
        token -= 1
    starts.add(token)
    if token == start:
        month = _MONTH_BEFORE.search(text, max(0, start - 24), start)
        if month is not None:
            starts.add(month.start())
    return sorted(starts)


def _occurrences(haystack: str, needle: str) -> Iterator[int]:
    index = haystack.find(needle)
    while index >= 0:
        yield index
        index = haystack.find(needle, index + 1)


def _context_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]*") for w in words)
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.IGNORECASE)
