"""Output contract: JSON Schema, renderers as pure functions, and canary values planted in
every store type never appearing in any output format (raw, masked or hashed)."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from localproof.scan import (
    ScanFormat,
    ScanResult,
    add_arguments,
    render_json,
    render_markdown,
    render_terminal,
    renderer,
    scan_paths,
)
from localproof.scan import engine as census_engine
from tests.scan import builders

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "scan-v1.schema.json").read_text())

CANARIES = {
    "ssn": "536-22-1234",
    "card": "4012 8888 8888 1881",
    "email": "canary.person@protonmail.ch",
    "aws": "AKIAZ7Q3MPL2VX9KRT4W",
    "iban": "DE89370400440532013000",
    "npi": "1245319599",
}
TEXT = (
    f"SSN {CANARIES['ssn']} card {CANARIES['card']} mail {CANARIES['email']} "
    f"key {CANARIES['aws']} IBAN {CANARIES['iban']} NPI {CANARIES['npi']}"
)
CHAT = [("user", TEXT), ("assistant", "noted")]


def every_store(root: Path) -> None:
    builders.open_webui_db(root / "webui.db", [("c1", "t", CHAT)]).close()
    builders.ollama_desktop_db(root / "db.sqlite", [("c2", "t", CHAT)]).close()
    builders.anythingllm_db(root / "anythingllm.db", [(1, TEXT, "ok")])
    builders.llm_logs_db(root / "logs.db", "c3", [(TEXT, "ok")])
    builders.generic_db(root / "other.sqlite", [TEXT])
    builders.lm_studio_conversation(root / "1.conversation.json", "n", CHAT)
    builders.jan_thread(root / "threads" / "j", "j", CHAT)
    builders.tgw_log(root / "20260101-09-00-00.json", [(TEXT, "ok")])
    builders.gpt4all_chat(root / "gpt4all-g.chat", "g", [("Prompt: ", TEXT)])
    builders.ollama_history(root / ".ollama" / "history", [TEXT])
    builders.zsh_history(root / ".zsh_history", [TEXT])
    builders.fish_history(root / "fish_history", [TEXT])
    builders.bash_history(root / ".bash_history", [TEXT])
    (root / "notes.txt").write_text(TEXT + "\n")
    (root / "log.jsonl").write_text(json.dumps({"a": 1}) + "\n" + json.dumps({"t": TEXT}) + "\n")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("stores")
    every_store(root)
    return scan_paths([root])


def forms(value: str) -> set[str]:
    """The value raw, without separators, partly masked, and hashed."""
    bare = "".join(c for c in value if c.isalnum())
    out = {value, bare, f"***{bare[-4:]}", f"{bare[:6]}***"}
    out |= {hashlib.sha256(v.encode()).hexdigest() for v in (value, bare)}
    out |= {hashlib.md5(v.encode()).hexdigest() for v in (value, bare)}
    return out


def test_every_store_type_is_read_with_every_planted_type(result: ScanResult) -> None:
    formats = sorted(s.format for s in result.stores)
    assert formats == sorted(
        [
            "open-webui",
            "ollama-desktop",
            "anythingllm",
            "llm-cli",
            "sqlite",
            "lm-studio",
            "jan",
            "json",
            "text-generation-webui",
            "gpt4all",
            "ollama-history",
            "zsh-history",
            "fish-history",
            "bash-history",
            "text",
            "jsonl",
        ]
    )
    for store in result.stores:
        if store.format == "json":  # Jan's thread.json holds no message text
            continue
        assert store.counts["pii"] == {"ssn": 1, "email": 1}, store
        assert store.counts["financial"] == {"payment_card": 1, "iban": 1}, store
        assert store.counts["secret"] == {"aws_access_key": 1}, store
        assert store.counts["phi"] == {"npi": 1}, store
    assert result.unknowns == ()


@pytest.mark.parametrize("output_format", list(ScanFormat))
def test_canaries_never_appear_in_any_output(result: ScanResult, output_format: ScanFormat) -> None:
    text = renderer(output_format)(result)
    for value in CANARIES.values():
        for form in forms(value):
            assert form not in text, (output_format, form)


def test_json_output_matches_the_published_schema(result: ScanResult) -> None:
    document = json.loads(render_json(result))
    jsonschema.validate(document, SCHEMA)
    assert document["schema_version"] == 1
    assert set(document["totals"]) == {"pii", "phi", "financial", "secret", "marking"}
    lines = {(Path(d["path"]).name, d["line"]) for d in document["detections"]}
    assert ("history", 1) in lines
    assert ("webui.db", None) in lines


def test_renderers_are_pure_and_deterministic(result: ScanResult) -> None:
    for render in (render_json, render_terminal, render_markdown):
        assert render(result) == render(result)
    assert "Content census" in render_terminal(result)
    assert "| pii | ssn | 15 |" in render_markdown(result)


def test_unknowns_are_reported_in_every_format(tmp_path: Path) -> None:
    bad = tmp_path / "webui.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    result = scan_paths([bad])
    document = json.loads(render_json(result))
    jsonschema.validate(document, SCHEMA)
    assert document["unknowns"][0]["path"] == str(bad)
    assert str(bad) in render_terminal(result)
    assert str(bad) in render_markdown(result)


def test_detection_cap_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "many.txt"
    path.write_text(f"SSN {CANARIES['ssn']}\n" * 50)
    result = scan_paths([path], max_detections=10)
    assert len(result.detections) == 10
    assert result.detections_omitted == 40
    assert result.totals["pii"] == {"ssn": 50}


def test_add_arguments_parses_the_scan_options() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["a", "b", "--format", "json", "--output", "r.json"])
    assert (args.paths, args.format, args.output, args.max_detections, args.jobs) == (
        ["a", "b"],
        "json",
        "r.json",
        100_000,
        None,  # one process per core for large inputs
    )
    assert parser.parse_args(["--jobs", "3"]).jobs == 3


def test_progress_callback_sees_every_file(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("x\n")
    seen: list[tuple[str, int, int]] = []
    scan_paths(
        [tmp_path], progress=lambda p: seen.append((p.path.name, p.files_done, p.files_total))
    )
    # After each block of lines (one here), then when the file is done.
    assert seen == [("a.txt", 0, 2), ("a.txt", 1, 2), ("b.txt", 1, 2), ("b.txt", 2, 2)]


def test_progress_moves_within_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("a line of chat text without values\n" * 30_000)  # over 1 MB: 4+ blocks
    done: list[tuple[int, int]] = []
    scan_paths([path], progress=lambda p: done.append((p.files_done, p.bytes_done)))
    assert len(done) > 4
    assert [b for _, b in done] == sorted(b for _, b in done)
    assert done[-2] == (0, path.stat().st_size)
    assert done[-1] == (1, path.stat().st_size)


def test_worker_processes_give_the_same_result(tmp_path: Path) -> None:
    every_store(tmp_path)
    serial = scan_paths([tmp_path])
    parallel = scan_paths([tmp_path], workers=2)
    assert render_json(parallel) == render_json(serial)


def test_ids_and_keys_holding_values_are_redacted_in_locations(tmp_path: Path) -> None:
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps({CANARIES["email"]: f"SSN {CANARIES['ssn']}"}))
    result = scan_paths([path])
    assert result.totals["pii"] == {"email": 1, "ssn": 1}
    assert {d.location.field for d in result.detections} == {"[redacted]"}
    for output_format in ScanFormat:
        assert CANARIES["email"] not in renderer(output_format)(result)


def test_progress_within_a_database_stays_within_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "logs.db"
    builders.llm_logs_db(db, "c", [(f"prompt {n} " * 40, "ok") for n in range(200)])
    monkeypatch.setattr(census_engine, "BATCH_CHARS", 2000)
    seen: list[tuple[int, int]] = []
    scan_paths([db], progress=lambda p: seen.append((p.files_done, p.bytes_done)))
    size = db.stat().st_size
    assert len(seen) > 3
    assert all(done <= size for _, done in seen)
    assert [b for _, b in seen] == sorted(b for _, b in seen)
    assert seen[-1] == (1, size)
