"""The two trigger finders, batched matching and worker processes give the same census; a
failure while matching becomes an unknown and the census goes on."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import string
from pathlib import Path

import pytest

from localproof.scan import Location, render_json, scan_paths
from localproof.scan import engine as census_engine
from localproof.scan import validators as v
from localproof.scan.detector_data import DETECTORS
from localproof.scan.detectors import SEPARATOR, Detector, DetectorSet
from localproof.scan.readers import Limits, ReaderError, json_stores, open_store, text_stores
from localproof.scan.triggers import HyperscanFinder, Literal, RegexFinder
from tests.scan import builders
from tests.scan.test_detectors import NEGATIVES, POSITIVES

# Pieces that stress offsets: accents, CJK, astral characters (four UTF-8 bytes), a letter
# whose lower case is two characters, NUL, Unicode spaces and digits, a separator inside.
ODD = [
    "é",
    "Ünïcödé",
    "中文",
    "😀",
    "İSTANBUL",
    "\u212aELVIN",
    "ŁAŠ",
    "\x00",
    "\u2003",
    "\u00a0",
    "١٢٣",
    SEPARATOR,
]
FILLER = ["see you at 9:30", "version 3.11.7", "12 percent", "call", "born", "dx", "E11"]


def corpus(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [t for *_, t in POSITIVES] + [t for _, t in NEGATIVES] + ODD + FILLER
    return ["".join(rng.choice(pieces) + rng.choice(["", " ", "\n", "-", "  "])
                    for _ in range(rng.randint(1, 6))) for _ in range(count)]  # fmt: skip


def hits(detector_set: DetectorSet, texts: list[str]) -> list[tuple[int, str, int, int]]:
    return [(i, h.detector.type, h.start, h.end) for i, h in detector_set.find_all(texts)]


def test_finders_find_the_same_triggers() -> None:
    literals = [Literal("sk-", False), Literal("attorney", True), Literal("@", False)]
    regex, fast = RegexFinder(literals), HyperscanFinder(literals)
    ascii_lower = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
    edges = ["Attorney ATTORNEY sk-sk- @@ 1 2 3 4 5 A1 1\u20032\u30003 45", "12345", "1-2-3-4-5x",
             "\u0661\u066245678", "x1234", "E11", "(555) 123-4567", "\U0001f60012345"]  # fmt: skip
    for text in [*corpus(1, 300), *edges]:
        lowered = text.translate(ascii_lower)  # only ASCII letters, as the census does
        assert fast.find(text, lambda t=lowered: t) == regex.find(text, lambda t=lowered: t)


def test_engines_and_batches_agree() -> None:
    texts = corpus(2, 2000)
    regex = DetectorSet(DETECTORS, engine="re")
    fast = DetectorSet(DETECTORS, engine="hyperscan")
    one_by_one = [(i, h.detector.type, h.start, h.end)
                  for i, text in enumerate(texts) for h in regex.find(text)]  # fmt: skip
    assert len(one_by_one) > 500
    assert hits(regex, texts) == one_by_one
    assert hits(fast, texts) == one_by_one


def test_a_value_never_spans_two_texts_of_a_batch() -> None:
    detector_set = DetectorSet(DETECTORS)
    assert (
        detector_set.find_all(["my SSN is 536-22", "-1234 ok", "IBAN DE8937040044", "0532013000"])
        == []
    )
    assert detector_set.find_all(["attorney-client", "privileged"]) == []


def test_stores_of_many_batches_and_workers_give_the_same_census(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = corpus(3, 3000)
    builders.bash_history(tmp_path / ".bash_history", [t.replace("\n", " ") for t in texts])
    builders.jan_thread(tmp_path / "threads" / "t", "t", [("user", t) for t in texts[:500]])
    serial = render_json(scan_paths([tmp_path], workers=1))
    monkeypatch.setattr(census_engine, "BATCH_CHARS", 2000)
    assert render_json(scan_paths([tmp_path], workers=1)) == serial
    assert render_json(scan_paths([tmp_path], workers=2)) == serial
    assert '"ssn"' in serial


def _raises(value: str) -> bool:
    raise RuntimeError("validator bug")


def _dies_in_a_worker(value: str) -> bool:
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return v.us_ssn(value)


SSN_PATTERN = r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-]?\d)"


def test_a_failing_validator_makes_the_store_unknown(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("SSN 536-22-1234\n")
    (tmp_path / "b.txt").write_text("mail jane.doe@protonmail.ch\n")
    broken = DetectorSet([Detector("pii", "ssn", SSN_PATTERN, 0.9, validator=_raises),
                          *(d for d in DETECTORS if d.type == "email")])  # fmt: skip
    result = scan_paths([tmp_path], detectors=broken)
    assert [(u.path, u.reason) for u in result.unknowns] == [
        (str(tmp_path / "a.txt"), "matching failed: RuntimeError")
    ]
    assert result.totals["pii"] == {"email": 1}


def test_a_worker_that_dies_is_replaced_by_matching_here(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text("SSN 536-22-1234 and 536-22-1235\n")
    dying = DetectorSet([Detector("pii", "ssn", SSN_PATTERN, 0.9, validator=_dies_in_a_worker)])
    result = scan_paths([tmp_path], detectors=dying, workers=2)
    assert not result.unknowns
    assert result.totals["pii"] == {"ssn": 6}


def test_large_inputs_use_a_process_per_core() -> None:
    assert census_engine.auto_workers(1_000_000) == 1
    cores = len(os.sched_getaffinity(0))
    assert census_engine.auto_workers(census_engine.PARALLEL_BYTES) == min(cores, 8)


def _line_by_line(path: Path, limit: int, file_format: str) -> list[tuple[int | None, str]]:
    """The reference: `readline(limit)` pieces, as the readers read before blocks."""
    out, number = [], 1
    with path.open("rb") as stream:
        while piece := stream.readline(limit):
            raw = text_stores.unmetafy(piece) if file_format == "zsh-history" else piece
            text = text_stores._strip(raw.decode("utf-8", errors="replace"), file_format)
            if text:
                out.append((number, text))
            number += piece.endswith(b"\n")
    return out


@pytest.mark.parametrize("file_format", ["text", "zsh-history", "bash-history", "fish-history"])
def test_blocks_give_the_lines_that_reading_line_by_line_gives(
    tmp_path: Path, file_format: str
) -> None:
    rng = random.Random(file_format)
    lines = [": 1700000000:0;ls -la", "#1700000000", "- cmd: echo hi", "  when: 1700000000",
             "é" * 40, "x" * 300, "\x83\x21meta", "", "\r", "SSN 536-22-1234"]  # fmt: skip
    raw = [line.encode() for line in lines] + [b"\xe2\x82", b"\xff\xfe bad", b"ok \xf0\x9f"]
    data = b"".join(rng.choice(raw) + b"\n" for _ in range(400)) + b"no newline at the end"
    path = tmp_path / "store"
    path.write_bytes(data)
    for block_bytes, limit in ((64, 16), (100, 7), (1 << 16, 1 << 20), (5, 3), (4096, 301)):
        blocks = text_stores.text_blocks(path, Limits(max_line_bytes=limit), file_format,
                                         block_bytes)  # fmt: skip
        got = [(r.locate(i).line, text) for r in (b.read() for b in blocks)
               for i, text in enumerate(r.texts)]  # fmt: skip
        assert got == _line_by_line(path, limit, file_format), (block_bytes, limit)


def test_jsonl_blocks_number_messages_across_blocks(tmp_path: Path) -> None:
    records = [json.dumps({"object": "thread.message", "thread_id": "t", "role": "user",
                           "content": [{"type": "text", "text": {"value": f"SSN 536-22-{n:04d}"}}]})
               for n in range(1000, 1200)]  # fmt: skip
    path = tmp_path / "messages.jsonl"
    path.write_text("\n".join(records[:50]) + "\n\n  \n{broken\n" + "\n".join(records[50:]) + "\n")
    whole: list[tuple[Location, str]] = []
    with open_store(path) as store, pytest.raises(ReaderError, match="1 line"):
        whole.extend((segment.location, segment.text) for segment in store.segments)
    # The line that is not JSON has no message number; numbering counts it.
    assert [loc.message for loc, _ in whole] == [*range(50), None, *range(51, 201)]
    blocks = json_stores.jsonl_blocks(path, Limits(), "jan", block_bytes=300)
    records_before, got, invalid = 0, [], 0
    for block in blocks:
        read = block.read()
        got += [(json_stores.offset_message(read.locate(i), records_before), text)
                for i, text in enumerate(read.texts)]  # fmt: skip
        records_before += read.records
        invalid += read.invalid
    assert got == whole
    assert invalid == 1


def test_ascii_and_wide_encodings_find_the_same_hits() -> None:
    texts = [t for t in corpus(4, 1500) if t.isascii()]
    fast = DetectorSet(DETECTORS, engine="hyperscan")
    ascii_hits = hits(fast, texts)  # one ASCII batch: one byte per character
    wide_hits = hits(fast, [*texts, "é"])  # one non-ASCII text: four bytes per character
    assert len(ascii_hits) > 200
    assert wide_hits == ascii_hits
