"""Per-reader tests on stores built in each tool's real format (see builders.py), including
corrupt and truncated ones."""

from __future__ import annotations

import json
from pathlib import Path

from localproof.scan import ScanResult, scan_paths
from tests.scan import builders

SSN = "536-22-1234"
CARD = "4012 8888 8888 1881"
CHAT = [("user", f"my SSN is {SSN}"), ("assistant", f"Card {CARD} noted")]


def scan(*paths: Path) -> ScanResult:
    return scan_paths(list(paths))


def where(result: ScanResult) -> list[tuple[str, str | None, int | None, str | None, int | None]]:
    return [
        (d.type, d.location.conversation, d.location.message, d.location.role, d.location.line)
        for d in result.detections
    ]


def only_store(result: ScanResult) -> tuple[str, dict[str, dict[str, int]]]:
    assert len(result.stores) == 1, result
    store = result.stores[0]
    return store.format, {c: dict(t) for c, t in store.counts.items() if t}


EXPECTED = {"pii": {"ssn": 1}, "financial": {"payment_card": 1}}


def test_open_webui_chat_blob_counted_once_and_chat_message_extra_rows(tmp_path: Path) -> None:
    db = tmp_path / "webui.db"
    extra = [("c2", "", [("user", "DEA AB1234563 for the prescriber")])]
    builders.open_webui_db(db, [("c1", "Tax", CHAT)], message_table=extra).close()
    result = scan(db)
    file_format, counts = only_store(result)
    assert file_format == "open-webui"
    # history.messages and the flattened copy hold the same text: counted once.
    assert counts == {**EXPECTED, "phi": {"dea": 1}}
    assert where(result) == [
        ("ssn", "c1", 0, "user", None),
        ("payment_card", "c1", 1, "assistant", None),
        ("dea", "c2", 0, "user", None),
    ]


def test_ollama_desktop_messages_in_order(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    builders.ollama_desktop_db(db, [("0198c2f1", "Tax question", CHAT)]).close()
    result = scan(db)
    assert only_store(result) == ("ollama-desktop", EXPECTED)
    assert where(result) == [
        ("ssn", "0198c2f1", 0, "user", None),
        ("payment_card", "0198c2f1", 1, "assistant", None),
    ]


def test_ollama_desktop_attachment_blob_is_read_at_its_message(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    connection = builders.ollama_desktop_db(db, [("c", "t", CHAT)])
    connection.execute(
        "INSERT INTO attachments (message_id, filename, data) VALUES (2, 'a.txt', ?)",
        (b"patient MRN: 00123456",),
    )
    connection.commit()
    connection.close()
    result = scan(db)
    assert only_store(result)[1]["phi"] == {"mrn": 1}
    assert ("mrn", "c", 1, "assistant", None) in where(result)


def test_anythingllm_prompt_and_response_json(tmp_path: Path) -> None:
    db = tmp_path / "anythingllm.db"
    builders.anythingllm_db(db, [(3, CHAT[0][1], CHAT[1][1])])
    result = scan(db)
    assert only_store(result) == ("anythingllm", EXPECTED)
    assert where(result) == [
        ("ssn", "workspace-3", 0, "user", None),
        ("payment_card", "workspace-3", 1, "assistant", None),
    ]


def test_llm_cli_logs(tmp_path: Path) -> None:
    db = tmp_path / "logs.db"
    builders.llm_logs_db(db, "01jconv", [("hello", "hi"), (CHAT[0][1], CHAT[1][1])])
    result = scan(db)
    assert only_store(result) == ("llm-cli", EXPECTED)
    assert where(result) == [
        ("ssn", "01jconv", 2, "user", None),
        ("payment_card", "01jconv", 3, "assistant", None),
    ]


def test_generic_sqlite_reads_every_text_column(tmp_path: Path) -> None:
    db = tmp_path / "notes.bin"
    builders.generic_db(db, ["nothing", CHAT[0][1]])
    result = scan(db)
    assert only_store(result) == ("sqlite", {"pii": {"ssn": 1}})
    assert result.detections[0].location.field == "notes[1].body"


def test_ollama_repl_history_lines(tmp_path: Path) -> None:
    history = tmp_path / ".ollama" / "history"
    builders.ollama_history(history, ["why is the sky blue?", CHAT[0][1], CHAT[1][1]])
    result = scan(history)
    assert only_store(result) == ("ollama-history", EXPECTED)
    assert where(result) == [("ssn", None, None, None, 2), ("payment_card", None, None, None, 3)]


def test_lm_studio_conversation(tmp_path: Path) -> None:
    path = tmp_path / "1767225600000.conversation.json"
    builders.lm_studio_conversation(path, "Packing", CHAT)
    result = scan(path)
    assert only_store(result) == ("lm-studio", EXPECTED)
    assert where(result) == [
        ("ssn", "1767225600000", 0, "user", None),
        ("payment_card", "1767225600000", 1, "assistant", None),
    ]


def test_jan_thread_messages_jsonl(tmp_path: Path) -> None:
    path = builders.jan_thread(tmp_path / "threads" / "jan_1", "jan_1", CHAT)
    result = scan(tmp_path / "threads")
    formats = sorted(s.format for s in result.stores)
    assert formats == ["jan", "json"]
    assert where(result) == [
        ("ssn", "jan_1", 0, "user", 1),
        ("payment_card", "jan_1", 1, "assistant", 2),
    ]
    assert result.detections[0].location.path == str(path)


def test_truncated_jan_messages_jsonl_keeps_the_partial_line(tmp_path: Path) -> None:
    path = builders.jan_thread(tmp_path / "t", "t", CHAT)
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"noted")])  # cut inside the last record
    result = scan(path)
    assert only_store(result) == ("jan", EXPECTED)
    assert "1 line(s) were not valid JSON" in result.unknowns[0].reason


def test_text_generation_webui_log_reads_internal_only(tmp_path: Path) -> None:
    path = tmp_path / "20260101-09-00-00.json"
    builders.tgw_log(path, [(CHAT[0][1], CHAT[1][1])])
    result = scan(path)
    assert only_store(result) == ("text-generation-webui", EXPECTED)
    assert where(result) == [
        ("ssn", "20260101-09-00-00", 2, "user", None),
        ("payment_card", "20260101-09-00-00", 3, "assistant", None),
    ]


def test_gpt4all_chat_v12_with_attachment_and_sub_items(tmp_path: Path) -> None:
    path = tmp_path / "gpt4all-8f1c.chat"
    builders.gpt4all_chat(
        path,
        "8f1c",
        [("Prompt: ", CHAT[0][1]), ("Response: ", "")],
        attachment=b"DOB: 03/14/1985",
        sub_items=[("Think: ", "hmm"), ("ToolCall: ", CARD), ("Text: ", "NPI 1245319599")],
    )
    result = scan(path)
    # The tool call's text and its parameter value both hold the card number.
    assert only_store(result) == (
        "gpt4all",
        {
            "pii": {"ssn": 1, "date_of_birth": 1},
            "financial": {"payment_card": 2},
            "phi": {"npi": 1},
        },
    )
    assert result.unknowns == ()
    assert {(d.type, d.location.message, d.location.role) for d in result.detections} == {
        ("ssn", 0, "user"),
        ("date_of_birth", 0, "user"),
        ("payment_card", 1, "assistant"),
        ("npi", 1, "assistant"),
    }


def test_gpt4all_chat_v11(tmp_path: Path) -> None:
    path = tmp_path / "gpt4all-a.chat"
    builders.gpt4all_chat(
        path, "a", [("Prompt: ", CHAT[0][1]), ("Response: ", CHAT[1][1])], version=11
    )
    assert only_store(scan(path)) == ("gpt4all", EXPECTED)


def test_gpt4all_truncated_keeps_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "gpt4all-t.chat"
    builders.gpt4all_chat(path, "t", [("Prompt: ", CHAT[0][1]), ("Response: ", CHAT[1][1])])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 30])
    result = scan(path)
    assert only_store(result) == ("gpt4all", {"pii": {"ssn": 1}})
    assert "truncated" in result.unknowns[0].reason


def test_gpt4all_unsupported_version_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "gpt4all-old.chat"
    builders.gpt4all_chat(path, "old", [("Prompt: ", "hi")], version=11)
    path.write_bytes(path.read_bytes()[:4] + b"\x00\x00\x00\x07" + path.read_bytes()[8:])
    result = scan(path)
    assert "version 7" in result.unknowns[0].reason


def test_shell_histories(tmp_path: Path) -> None:
    zsh, fish, bash = (
        tmp_path / ".zsh_history",
        tmp_path / "fish_history",
        tmp_path / ".bash_history",
    )
    command = f'ollama run llama3 "is {SSN} valid?"'
    builders.zsh_history(zsh, ["ls", command])
    builders.fish_history(fish, [command])
    builders.bash_history(bash, ["cd", command])
    result = scan(zsh, fish, bash)
    assert [(s.format, dict(s.counts["pii"])) for s in result.stores] == [
        ("zsh-history", {"ssn": 1}),
        ("fish-history", {"ssn": 1}),
        ("bash-history", {"ssn": 1}),
    ]
    assert [d.location.line for d in result.detections] == [2, 1, 4]


def test_zsh_format_detected_from_content_and_metafied_bytes(tmp_path: Path) -> None:
    path = tmp_path / "histfile-backup"
    # zsh metafies bytes >= 0x83: here a UTF-8 "é" (c3 a9) around nothing sensitive,
    # and 0x83-escaped digit bytes would still decode to the SSN.
    path.write_bytes(b": 1767225600:0;echo caf\xc3\xa9 " + SSN.encode() + b"\n")
    result = scan(path)
    assert only_store(result) == ("zsh-history", {"pii": {"ssn": 1}})


def test_generic_text_json_and_jsonl(tmp_path: Path) -> None:
    text, doc, lines = tmp_path / "notes.txt", tmp_path / "export.json", tmp_path / "log.jsonl"
    text.write_text(f"line one\n{CHAT[0][1]}\n")
    doc.write_text(json.dumps([{"role": "user", "content": CHAT[1][1]}]))
    lines.write_text(json.dumps({"q": "x"}) + "\n" + json.dumps({"q": CHAT[0][1]}) + "\n")
    result = scan(text, doc, lines)
    assert [(s.format, {c: dict(t) for c, t in s.counts.items() if t}) for s in result.stores] == [
        ("text", {"pii": {"ssn": 1}}),
        ("json", {"financial": {"payment_card": 1}}),
        ("jsonl", {"pii": {"ssn": 1}}),
    ]
    assert [d.location.line for d in result.detections] == [2, None, 2]


def test_truncated_json_is_scanned_as_text_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "1.conversation.json"
    builders.lm_studio_conversation(path, "x", CHAT)
    path.write_text(path.read_text()[:-40])
    result = scan(path)
    assert result.stores[0].counts["pii"] == {"ssn": 1}
    assert "invalid or truncated JSON" in result.unknowns[0].reason


def test_bracketed_text_that_is_not_json_is_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "ollama.service"
    path.write_text(f"[Service]\nEnvironment=NOTE={SSN}\n")
    result = scan(path)
    assert only_store(result) == ("text", {"pii": {"ssn": 1}})
    assert result.unknowns == ()


def test_corrupt_sqlite_is_unknown_not_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "webui.db"
    builders.open_webui_db(db, [("c1", "t", CHAT)]).close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db.write_bytes(bytes(data))
    result = scan(db)
    assert result.unknowns
    assert result.unknowns[0].path == str(db)
    assert "SQLite" in result.unknowns[0].reason or "database" in result.unknowns[0].reason


def test_truncated_sqlite_is_unknown(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    builders.ollama_desktop_db(db, [("c", "t", CHAT * 200)]).close()
    db.write_bytes(db.read_bytes()[:6000])
    result = scan(db)
    assert result.unknowns, result


def test_binary_garbage_explicit_is_unknown_walked_is_skipped(tmp_path: Path) -> None:
    blob = tmp_path / "models" / "sha256-00"
    blob.parent.mkdir()
    blob.write_bytes(b"GGUF\x00\x01" + bytes(range(256)) * 4)
    assert scan(blob).unknowns[0].reason.startswith("binary")
    walked = scan(tmp_path)
    assert walked.unknowns == ()
    assert walked.skipped[0].path == str(blob)


def test_missing_path_symlink_loop_and_undecodable_name(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    odd = tmp_path / b"caf\xe9.txt".decode("utf-8", "surrogateescape")
    odd.write_text(CHAT[0][1])
    result = scan(tmp_path, tmp_path / "nope")
    assert [s.format for s in result.stores] == ["text"]
    assert any(u.path.endswith("nope") for u in result.unknowns)
    assert any(s.reason == "symbolic link not followed" for s in result.skipped)


def test_over_long_line_is_read_in_bounded_pieces(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("a " * 1_500_000 + CHAT[0][1] + "\n" + CHAT[0][1] + "\n")
    result = scan(path)
    assert [d.location.line for d in result.detections] == [1, 2]
