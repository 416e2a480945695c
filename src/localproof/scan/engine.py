"""The census: walk the given paths, read each store, count detections by category and type.

Read-only: files are opened for reading, SQLite through a private copy. Memory stays bounded:
segments are streamed, and the detection list is capped (the rest is counted as omitted).
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from localproof.scan.detector_data import DETECTORS
from localproof.scan.detectors import DetectorSet
from localproof.scan.model import (
    Detection,
    Location,
    ScanResult,
    StoreResult,
    Unknown,
    add_counts,
    empty_counts,
)
from localproof.scan.readers import Limits, NotAStoreError, ReaderError, open_store

MAX_DETECTIONS = 100_000
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_READ_ERRORS = (ReaderError, sqlite3.Error, OSError, UnicodeError, ValueError, RecursionError)


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """Reported after each file: which one, and files and bytes done out of the totals."""

    path: Path
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int


ProgressCallback = Callable[[ScanProgress], None]


@dataclass(slots=True)
class _Census:
    max_detections: int
    stores: list[StoreResult] = field(default_factory=list)
    totals: dict[str, dict[str, int]] = field(default_factory=empty_counts)
    detections: list[Detection] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    skipped: list[Unknown] = field(default_factory=list)
    omitted: int = 0
    bytes_scanned: int = 0

    def merge(self, part: _Census) -> None:
        """Add one file's census to this one."""
        self.stores += part.stores
        add_counts(self.totals, part.totals)
        for detection in part.detections:
            self.record(detection)
        self.omitted += part.omitted
        self.unknowns += part.unknowns
        self.skipped += part.skipped

    def record(self, detection: Detection) -> None:
        if len(self.detections) < self.max_detections:
            self.detections.append(detection)
        else:
            self.omitted += 1


@cache
def default_detectors() -> DetectorSet:
    """The compiled built-in detector set (compiled once per process)."""
    return DetectorSet(DETECTORS)


def scan_paths(
    paths: Sequence[Path],
    *,
    limits: Limits | None = None,
    detectors: DetectorSet | None = None,
    max_detections: int = MAX_DETECTIONS,
    progress: ProgressCallback | None = None,
    workers: int = 1,
) -> ScanResult:
    """Count sensitive data in the stores at `paths` (files or folders, any supported format).

    `workers` > 1 reads that many files at once in separate processes; results are the same
    and in the same order. `progress` is called after each file.
    """
    census = _Census(max_detections)
    files = list(_files(paths, census))
    bytes_total = sum(size for _, size, _ in files)
    job = _Job(limits or Limits(), detectors or default_detectors(), max_detections)
    for number, (path, size, part) in enumerate(_per_file(files, job, workers)):
        census.merge(part)
        census.bytes_scanned += size
        if progress is not None:
            progress(ScanProgress(path, number + 1, len(files), census.bytes_scanned, bytes_total))
    return ScanResult(
        stores=tuple(census.stores),
        totals=census.totals,
        detections=tuple(census.detections),
        unknowns=tuple(census.unknowns),
        skipped=tuple(census.skipped),
        detections_omitted=census.omitted,
        bytes_scanned=census.bytes_scanned,
    )


@dataclass(frozen=True, slots=True)
class _Job:
    """What every file is scanned with; picklable, so worker processes get a copy."""

    limits: Limits
    detector_set: DetectorSet
    max_detections: int

    def run(self, entry: tuple[Path, int, bool]) -> _Census:
        path, _, explicit = entry
        part = _Census(self.max_detections)
        _scan_file(path, explicit, part, self.detector_set, self.limits)
        return part


def _per_file(
    files: list[tuple[Path, int, bool]], job: _Job, workers: int
) -> Iterator[tuple[Path, int, _Census]]:
    if workers <= 1 or len(files) < 2:
        for entry in files:
            yield entry[0], entry[1], job.run(entry)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a possibly threaded parent
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for entry, part in zip(files, pool.map(job.run, files), strict=True):
            yield entry[0], entry[1], part


def _scan_file(
    path: Path, explicit: bool, census: _Census, detector_set: DetectorSet, limits: Limits
) -> None:
    counts = empty_counts()
    file_format: str | None = None
    try:
        with open_store(path, limits) as store:
            file_format = store.format
            for segment in store.segments:
                for hit in detector_set.find(segment.text):
                    category, type_name = hit.detector.category, hit.detector.type
                    bucket = counts[category]
                    bucket[type_name] = bucket.get(type_name, 0) + 1
                    location = _scrubbed(segment.location, detector_set)
                    census.record(Detection(category, type_name, location))
    except NotAStoreError as reason:
        (census.unknowns if explicit else census.skipped).append(Unknown(str(path), str(reason)))
    except _READ_ERRORS as error:
        census.unknowns.append(Unknown(str(path), _reason(error)))
    if file_format is not None:
        census.stores.append(StoreResult(str(path), file_format, counts))
        add_counts(census.totals, counts)


def _scrubbed(location: Location, detector_set: DetectorSet) -> Location:
    """The location with any id or field name that itself holds a sensitive value replaced
    (ids and keys come from the store's content, e.g. a JSON object keyed by e-mail)."""
    parts = (location.conversation, location.role, location.field)
    if not any(part and _holds_value(part, detector_set) for part in parts):
        return location
    return replace(
        location,
        conversation=_redact(location.conversation, detector_set),
        role=_redact(location.role, detector_set),
        field=_redact(location.field, detector_set),
    )


def _holds_value(text: str, detector_set: DetectorSet) -> bool:
    return next(iter(detector_set.find(text)), None) is not None


def _redact(text: str | None, detector_set: DetectorSet) -> str | None:
    return "[redacted]" if text and _holds_value(text, detector_set) else text


def _reason(error: BaseException) -> str:
    if isinstance(error, ReaderError):
        return str(error)
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, sqlite3.Error):
        return f"unreadable SQLite database: {error}"
    if isinstance(error, OSError):
        return f"cannot read: {error.strerror or error}"
    return f"{type(error).__name__}: {error}"


def _files(paths: Sequence[Path], census: _Census) -> Iterator[tuple[Path, int, bool]]:
    """(file, size, given explicitly) for every regular file under `paths`."""
    for root in paths:
        try:
            info = root.stat()
        except OSError as error:
            census.unknowns.append(Unknown(str(root), _reason(error)))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(root, census)
        elif stat.S_ISREG(info.st_mode):
            yield root, info.st_size, True
        else:
            census.unknowns.append(Unknown(str(root), "not a regular file"))


def _walk(root: Path, census: _Census) -> Iterator[tuple[Path, int, bool]]:
    def failed(error: OSError) -> None:
        census.unknowns.append(Unknown(str(error.filename or root), _reason(error)))

    for folder, dirs, names in os.walk(root, onerror=failed):
        dirs.sort()
        for name in sorted(names):
            entry = _walked_file(Path(folder, name), census)
            if entry is not None:
                yield entry


def _walked_file(path: Path, census: _Census) -> tuple[Path, int, bool] | None:
    if path.name.endswith(_SIDE_SUFFIXES) and _is_side_file(path):
        return None
    try:
        info = path.lstat()
    except OSError as error:
        census.unknowns.append(Unknown(str(path), _reason(error)))
        return None
    if stat.S_ISLNK(info.st_mode):
        census.skipped.append(Unknown(str(path), "symbolic link not followed"))
        return None
    if not stat.S_ISREG(info.st_mode):
        census.skipped.append(Unknown(str(path), "not a regular file"))
        return None
    return path, info.st_size, False


def _is_side_file(path: Path) -> bool:
    name = path.name
    for suffix in _SIDE_SUFFIXES:
        if name.endswith(suffix) and path.with_name(name[: -len(suffix)]).is_file():
            return True
    return False
