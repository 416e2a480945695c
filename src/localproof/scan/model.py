"""Plain result records of the content census: locations, detections, per-store counts.

A location says where a value was found; it never carries the value itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

CATEGORIES: Final = ("pii", "phi", "financial", "secret", "marking")

Counts = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a text came from: file, conversation, message index, role, 1-based line."""

    path: str
    line: int | None = None
    conversation: str | None = None
    message: int | None = None
    role: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of text read from a store, with its location."""

    text: str
    location: Location


@dataclass(frozen=True, slots=True)
class Detection:
    """One sensitive value found: its category, type and location, never the value."""

    category: str
    type: str
    location: Location


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What one store held: its detected format and the counts by category and type."""

    path: str
    format: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class Unknown:
    """An input the census could not (fully) read, with the reason."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The whole census: stores, totals, detections, and what could not be read."""

    stores: tuple[StoreResult, ...]
    totals: Counts
    detections: tuple[Detection, ...]
    unknowns: tuple[Unknown, ...] = ()
    skipped: tuple[Unknown, ...] = ()
    detections_omitted: int = 0
    bytes_scanned: int = 0


def empty_counts() -> dict[str, dict[str, int]]:
    """A counts table with every category present and no types."""
    return {category: {} for category in CATEGORIES}


def add_counts(into: dict[str, dict[str, int]], other: Counts) -> None:
    """Add `other` into `into`, category by category."""
    for category, types in other.items():
        bucket = into.setdefault(category, {})
        for type_name, n in types.items():
            bucket[type_name] = bucket.get(type_name, 0) + n
