"""The census: walk the given paths, read each store, count detections by category and type.

Read-only: files are opened for reading, SQLite through a private copy. Memory stays bounded:
segments are streamed, and the detection list is capped (the rest is counted as omitted).
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
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
from localproof.scan.readers import (
    Limits,
    LineBlock,
    NotAStoreError,
    ReaderError,
    invalid_lines,
    offset_message,
    open_store,
)

MAX_DETECTIONS = 100_000
BATCH_CHARS = 256_000  # characters matched at once: chat messages are short, calls cost
PARALLEL_BYTES = 16_000_000  # below this, starting processes costs more than it saves
MAX_WORKERS = 8
_LOCATION_CACHE = 10_000
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_READ_ERRORS = (ReaderError, sqlite3.Error, OSError, UnicodeError, ValueError, RecursionError)


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """Reported after each batch and each file: which file, files done and bytes done out of
    the totals. Within a file, bytes are those of its blocks of lines, or for databases and
    JSON documents the characters read so far (bounded by the file's size)."""

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
    locations: dict[Location, Location] = field(default_factory=dict)

    def record(self, detection: Detection) -> None:
        if len(self.detections) < self.max_detections:
            self.detections.append(detection)
        else:
            self.omitted += 1

    def wants_detection(self) -> bool:
        """Whether another detection's location will be listed (not only counted)."""
        return len(self.detections) < self.max_detections

    def scrubbed(self, location: Location, detector_set: DetectorSet) -> Location:
        """`_scrubbed`, remembered per location: the ids repeat across detections."""
        known = self.locations.get(location)
        if known is None:
            if len(self.locations) > _LOCATION_CACHE:
                self.locations.clear()
            known = self.locations[location] = _scrubbed(location, detector_set)
        return known


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
    workers: int | None = None,
) -> ScanResult:
    """Count sensitive data in the stores at `paths` (files or folders, any supported format).

    Texts are read in this process and matched in batches. `workers` > 1 matches them in
    that many processes, this one included; None chooses one per core when the input is
    large enough to repay starting processes. Results are the same, in the same order,
    either way. `progress` is called after each batch and each file.
    """
    census = _Census(max_detections)
    files = list(_files(paths, census))
    bytes_total = sum(size for _, size, _ in files)
    detector_set = detectors or default_detectors()
    jobs = workers if workers is not None else auto_workers(bytes_total)
    with _pool(detector_set, jobs) as pool:
        done = within = 0  # files done; bytes of the current file's blocks done
        for item, hits in _in_order(pool, _batches(files, limits or Limits()), detector_set, jobs):
            if isinstance(item, _Batch):
                item.store.add(hits, item, census, detector_set)
                if progress is not None:  # the file's size bounds what its texts count for
                    within = min(item.store.size, within + item.size)
                    progress(ScanProgress(item.store.path, done, len(files),
                                          census.bytes_scanned + within, bytes_total))  # fmt: skip
                continue
            item.finish(census)
            done, within = done + 1, 0
            census.bytes_scanned += item.size
            if progress is not None:
                progress(ScanProgress(item.path, done, len(files), census.bytes_scanned,
                                      bytes_total))  # fmt: skip
    return ScanResult(
        stores=tuple(census.stores),
        totals=census.totals,
        detections=tuple(census.detections),
        unknowns=tuple(census.unknowns),
        skipped=tuple(census.skipped),
        detections_omitted=census.omitted,
        bytes_scanned=census.bytes_scanned,
    )


def auto_workers(bytes_total: int) -> int:
    """Processes for an input of `bytes_total` bytes: one per usable core (at most
    `MAX_WORKERS`) from `PARALLEL_BYTES` up, else one."""
    if bytes_total < PARALLEL_BYTES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


Hits = list[tuple[int, str, str]]  # (index of the text in its batch, category, type)


@dataclass(frozen=True, slots=True)
class _Located:
    """Hits of a block of lines, located where the block was read, and its counts."""

    hits: list[tuple[Location, str, str]]
    records: int
    invalid: int


Result = Hits | _Located


@dataclass(slots=True)
class _Store:
    """One file being read: its counts so far, and how reading it ended."""

    path: Path
    size: int
    explicit: bool
    format: str | None = None
    counts: dict[str, dict[str, int]] = field(default_factory=empty_counts)
    unknown: Unknown | None = None
    skipped: Unknown | None = None
    records: int = 0  # JSONL records read so far, for message numbers
    invalid: int = 0  # JSONL lines that were not JSON

    def add(self, result: Result, batch: _Batch, census: _Census,
            detector_set: DetectorSet) -> None:  # fmt: skip
        if isinstance(result, _Located):
            hits = [(offset_message(where, self.records), category, type_name)
                    for where, category, type_name in result.hits]  # fmt: skip
            self.records += result.records
            self.invalid += result.invalid
        else:
            hits = [(batch.locations[i], category, type_name) for i, category, type_name in result]
        for location, category, type_name in hits:
            bucket = self.counts[category]
            bucket[type_name] = bucket.get(type_name, 0) + 1
            if census.wants_detection():
                census.record(
                    Detection(category, type_name, census.scrubbed(location, detector_set))
                )
            else:
                census.omitted += 1

    def finish(self, census: _Census) -> None:
        if self.invalid and self.unknown is None:
            self.unknown = Unknown(str(self.path), invalid_lines(self.invalid))
        if self.skipped is not None:
            census.skipped.append(self.skipped)
        if self.unknown is not None:
            census.unknowns.append(self.unknown)
        if self.format is not None:
            census.stores.append(StoreResult(str(self.path), self.format, self.counts))
            add_counts(census.totals, self.counts)


@dataclass(slots=True)
class _Batch:
    """What one store gives to match at once: texts read here with their locations, or a
    block of lines to split where it is matched (hits then carry line numbers)."""

    store: _Store
    work: list[str] | LineBlock
    locations: list[Location] = field(default_factory=list)
    size: int = 0  # bytes of the file it stands for (characters read, for texts)


def _batches(files: list[tuple[Path, int, bool]], limits: Limits) -> Iterator[_Batch | _Store]:
    """Each file's texts in batches of about `BATCH_CHARS`, then the file itself: done, with
    how reading it ended (reported in order when its batches are counted)."""
    for path, size, explicit in files:
        store = _Store(path, size, explicit)
        texts: list[str] = []
        locations: list[Location] = []
        chars = 0
        try:
            with open_store(path, limits) as reader:
                store.format = reader.format
                for block in reader.blocks or ():
                    yield _Batch(store, block, size=block.size)
                for segment in reader.segments if reader.blocks is None else ():
                    texts.append(segment.text)
                    locations.append(segment.location)
                    chars += len(segment.text)
                    if chars >= BATCH_CHARS:
                        yield _Batch(store, texts, locations, chars)
                        texts, locations, chars = [], [], 0
        except NotAStoreError as reason:
            failed = Unknown(str(path), str(reason))
            if explicit:
                store.unknown = failed
            else:
                store.skipped = failed
        except _READ_ERRORS as error:
            store.unknown = Unknown(str(path), _reason(error))
        if texts:
            yield _Batch(store, texts, locations, chars)
        yield store


Work = list[str] | LineBlock
Matcher = Callable[[Work], Result]


@contextmanager
def _pool(detector_set: DetectorSet, processes: int) -> Iterator[Executor | None]:
    """The processes that match beside this one (`processes` - 1), each holding the set."""
    if processes <= 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")  # no fork of a possibly threaded parent
    pool = ProcessPoolExecutor(
        max_workers=processes - 1,
        mp_context=context,
        initializer=_start_worker,
        initargs=(detector_set,),
    )
    with pool:
        yield pool


_Pending = tuple[_Batch | _Store, "Future[Result] | None", Result | None]


def _in_order(
    pool: Executor | None, items: Iterator[_Batch | _Store], detector_set: DetectorSet,
    processes: int,
) -> Iterator[tuple[_Batch | _Store, Result]]:  # fmt: skip
    """(item, hits of a batch) in input order. With a pool, batches go to its processes
    while a few are queued there; beyond that this process matches the next batch itself,
    so every core works, from the start (workers take a moment to start). Memory stays
    bounded: at most a few batches wait. A batch the pool fails on (a worker died) is
    matched here instead."""
    here = partial(_match, detector_set)
    if pool is None:
        for item in items:
            yield item, (_hits(item, here) if isinstance(item, _Batch) else [])
        return
    queued_limit, pending_limit = 4 * (processes - 1), 8 * processes
    pending: deque[_Pending] = deque()
    for item in items:
        if not isinstance(item, _Batch):
            pending.append((item, None, []))
        elif sum(1 for _, f, _ in pending if f is not None and not f.done()) < queued_limit:
            future = _submit(pool, item)
            pending.append((item, future, None if future is not None else _hits(item, here)))
        else:
            pending.append((item, None, _hits(item, here)))
        while pending and (len(pending) > pending_limit or _ready(pending[0])):
            yield _settled(pending.popleft(), here)
    while pending:
        yield _settled(pending.popleft(), here)


def _submit(pool: Executor, item: _Batch) -> Future[Result] | None:
    try:
        return pool.submit(_match_in_worker, item.work)
    except BrokenExecutor:
        return None


def _ready(entry: _Pending) -> bool:
    _, future, hits = entry
    return hits is not None or (future is not None and future.done())


def _settled(entry: _Pending, here: Matcher) -> tuple[_Batch | _Store, Result]:
    item, future, hits = entry
    if hits is not None or not isinstance(item, _Batch):
        return item, hits or []
    if future is not None:
        try:
            return item, future.result()
        except BrokenExecutor:
            pass
    return item, _hits(item, here)


def _hits(batch: _Batch, match: Matcher) -> Result:
    """The batch's hits; if matching fails (a validator raised), none, and the store
    becomes an unknown instead of ending the census."""
    try:
        return match(batch.work)
    except Exception as error:  # noqa: BLE001 - any failure is reported on the store
        if batch.store.unknown is None:
            batch.store.unknown = Unknown(
                str(batch.store.path), f"matching failed: {type(error).__name__}"
            )
        return []


def _match(detector_set: DetectorSet, work: Work) -> Result:
    """The hits of a batch of texts, or of a block of lines, read here."""
    if isinstance(work, list):
        return [(i, hit.detector.category, hit.detector.type)
                for i, hit in detector_set.find_all(work)]  # fmt: skip
    read = work.read()
    hits = [(read.locate(i), hit.detector.category, hit.detector.type)
            for i, hit in detector_set.find_all(read.texts)]  # fmt: skip
    return _Located(hits, read.records, read.invalid)


_WORKER_SET: list[DetectorSet] = []


def _start_worker(detector_set: DetectorSet) -> None:
    _WORKER_SET.append(detector_set)


def _match_in_worker(work: Work) -> Result:
    return _match(_WORKER_SET[0], work)


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
