"""history-leak.prompts-in-histories: prompts in shell/REPL histories and request logs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from localproof.collect.promptpatterns import prompt_pattern
from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.residue import (
    bash_history,
    fish_history,
    llm_logs_db,
    ollama_request_logs,
    zsh_history,
)
from tests.conftest import audit_report, findings_of, statuses

CHECK = "history-leak.prompts-in-histories"
HOME = "/home/alice"
CURL = 'curl http://localhost:11434/api/generate -d \'{"model": "llama3.2", "prompt": "hi"}\''


@pytest.mark.parametrize(
    ("command", "pattern"),
    [
        ('ollama run llama3.2 "summarise my notes"', "ollama run"),
        ("ollama run --verbose llama3.2 why is the sky blue", "ollama run"),
        ("OLLAMA_HOST=127.0.0.1 ollama run llama3.2 'hello'", "ollama run"),
        ("sudo /usr/local/bin/ollama run llama3.2 hello", "ollama run"),
        ("echo 'summarise this' | ollama run llama3.2", "echo | ollama run"),
        (CURL, "curl /api/generate"),
        (
            "curl -s localhost:8080/v1/chat/completions -H 'Content-Type: application/json' "
            '-d \'{"messages": [{"role": "user", "content": "x"}]}\'',
            "curl /v1/chat/completions",
        ),
        ("llm 'Ten names for cheesecakes'", "llm prompt"),
        ("llm -m gpt-4o-mini 'explain this'", "llm prompt"),
        ("llm prompt -s 'you are a lawyer' < case.txt", "llm prompt"),
        ("ollama run llama3.2", None),
        ("ollama run --format json llama3.2", None),
        ("ollama pull llama3.2", None),
        ("ollama serve", None),
        ("llm models", None),
        ("llm logs -n 3", None),
        ("curl http://localhost:11434/api/tags", None),
        ("curl localhost:11434/api/generate -d @request.json", None),
        ("ls -la ~/.ollama", None),
        ("git commit -m 'fix ollama run'", None),
    ],
)
def test_prompt_patterns(command: str, pattern: str | None) -> None:
    assert prompt_pattern(command) == pattern


def _clean_bash(host: HostBuilder) -> None:
    bash_history(host, HOME, ["ls", "ollama pull llama3.2", "ollama run llama3.2"])


def _bash_prompts(host: HostBuilder) -> None:
    bash_history(host, HOME, ["ls", 'ollama run llama3.2 "x"', CURL], timestamps=True)


def _zsh_prompts(host: HostBuilder) -> None:
    zsh_history(host, HOME, ["cd", "ollama run llama3.2 'first line\nsecond line'"])


def _fish_prompts(host: HostBuilder) -> None:
    fish_history(host, HOME, ["ls", "llm 'what is\\nthis'"])


def _repl(host: HostBuilder) -> None:
    write_repl_history(host.path(f"{HOME}/.ollama/history"), ["tell me a joke", "/bye"])


def _repl_only_commands(host: HostBuilder) -> None:
    write_repl_history(host.path(f"{HOME}/.ollama/history"), ["/set verbose", "/bye"])


def _llm_log(host: HostBuilder) -> None:
    llm_logs_db(host, HOME, ["one", "two"], wal=True)


def _llm_log_empty(host: HostBuilder) -> None:
    llm_logs_db(host, HOME, [])


def _llm_log_corrupt(host: HostBuilder) -> None:
    host.file(f"{HOME}/.config/io.datasette.llm/logs.db", b"SQLite format 3\x00" + b"\x07" * 200)


def _request_logging_unit(host: HostBuilder) -> None:
    host.systemd_unit(
        "ollama",
        exec_start="/usr/local/bin/ollama serve",
        user="ollama",
        dropins={"debug.conf": '[Service]\nEnvironment="OLLAMA_DEBUG_LOG_REQUESTS=1"\n'},
    )


def _request_log_dir(host: HostBuilder) -> None:
    ollama_request_logs(host, "/tmp/ollama-request-logs-123456", ['{"prompt":"x"}'])


def _unreadable_history(host: HostBuilder) -> None:
    host.symlink(f"{HOME}/.bash_history", f"{HOME}/.bash_history")


CASES: list[tuple[str, Callable[[HostBuilder], None], str, str]] = [
    ("bash history without prompts", _clean_bash, f"{HOME}/.bash_history", "pass"),
    ("bash history with prompts", _bash_prompts, f"{HOME}/.bash_history", "fail"),
    ("zsh extended history", _zsh_prompts, f"{HOME}/.zsh_history", "fail"),
    ("fish history", _fish_prompts, f"{HOME}/.local/share/fish/fish_history", "fail"),
    ("Ollama REPL history", _repl, f"{HOME}/.ollama/history", "fail"),
    ("REPL history of commands only", _repl_only_commands, f"{HOME}/.ollama/history", "pass"),
    (
        "llm logs.db with rows in the WAL",
        _llm_log,
        f"{HOME}/.config/io.datasette.llm/logs.db",
        "fail",
    ),
    ("empty llm logs.db", _llm_log_empty, f"{HOME}/.config/io.datasette.llm/logs.db", "pass"),
    (
        "corrupt llm logs.db",
        _llm_log_corrupt,
        f"{HOME}/.config/io.datasette.llm/logs.db",
        "unknown",
    ),
    (
        "request logging in a drop-in",
        _request_logging_unit,
        "/etc/systemd/system/ollama.service.d/debug.conf",
        "fail",
    ),
    ("request log directory", _request_log_dir, "/tmp/ollama-request-logs-123456", "fail"),
    ("history behind a symlink loop", _unreadable_history, f"{HOME}/.bash_history", "unknown"),
]


@pytest.mark.parametrize(
    ("setup", "resource", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_history_status(
    host: HostBuilder, setup: Callable[[HostBuilder], None], resource: str, status: str
) -> None:
    host.user("alice", 1000)
    setup(host)
    report = audit_report(host.root)
    assert {s for _, r, s in statuses(report, CHECK) if r == resource} == {status}


def test_no_history_anywhere_passes(host: HostBuilder) -> None:
    host.user("alice", 1000)
    assert statuses(audit_report(host.root), CHECK) == {(None, "histories", "pass")}


def test_fail_locates_lines_and_never_quotes_them(host: HostBuilder) -> None:
    host.user("alice", 1000)
    bash_history(host, HOME, ["ls", 'ollama run llama3.2 "CANARY-hist-77"', CURL], timestamps=True)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    detail = finding["evidence"][0]["detail"]
    assert "2 prompt(s)" in detail
    assert "line(s) 4, 6" in detail  # #<epoch> lines count as lines of the file
    assert "CANARY-hist-77" not in str(finding)
    assert "HISTCONTROL" in finding["remediation"]


def test_nohistory_set_still_fails_for_old_prompts(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.file(f"{HOME}/.bashrc", "export OLLAMA_NOHISTORY=1\n")
    _repl(host)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert finding["status"] == "fail"
    assert "already set" in finding["remediation"]


def test_request_logging_in_a_process_and_its_tmpdir(host: HostBuilder) -> None:
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    host.process(
        4321,
        ["/usr/local/bin/ollama", "serve"],
        uid=998,
        environ={"OLLAMA_DEBUG_LOG_REQUESTS": "true", "TMPDIR": "/var/lib/ollama/tmp"},
    )
    ollama_request_logs(host, "/var/lib/ollama/tmp/ollama-request-logs-7", ["{}", "{}", "{}"])
    report = audit_report(host.root)
    found = statuses(report, CHECK)
    assert ("ollama", "process 4321", "fail") in found
    assert ("ollama", "/var/lib/ollama/tmp/ollama-request-logs-7", "fail") in found
    log_dir = next(f for f in findings_of(report, CHECK) if f["resource"].endswith("-7"))
    assert "3 prompt(s)" in log_dir["evidence"][0]["detail"]
    assert log_dir["severity"] == "high"


def test_request_logging_switched_off_is_not_a_finding(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.process(
        77,
        ["/usr/local/bin/ollama", "serve"],
        uid=1000,
        environ={"OLLAMA_DEBUG_LOG_REQUESTS": "false"},
    )
    assert statuses(audit_report(host.root), CHECK) == {(None, "histories", "pass")}


def test_zsh_continuation_lines_locate_the_command_start(host: HostBuilder) -> None:
    host.user("alice", 1000)
    zsh_history(host, HOME, ["ls", "cat <<EOF\nnot a prompt\nEOF", "ollama run m 'a\nb'"])
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert "1 prompt(s) in 3 entries, line(s) 5" in finding["evidence"][0]["detail"]
