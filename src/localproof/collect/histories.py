"""Prompts outside the tools' stores: shell histories, the Ollama REPL history, the `llm`
CLI's log database, and Ollama's request logs. Counts and line numbers only.

Formats:
- bash: one command per line; `#<epoch>` lines when HISTTIMEFORMAT is set (bash(1),
  HISTORY section).
- zsh: `: <start>:<elapsed>;<command>` with EXTENDED_HISTORY, a plain line otherwise; a
  line ending in a backslash continues on the next one (zsh Src/hist.c, savehistfile).
- fish: `- cmd: <command>` entries with `when:` and `paths:` below, newlines escaped as
  `\\n` (fish-shell src/history/yaml_compat.rs).
- Ollama REPL: `~/.ollama/history`, one line per input, `/commands` included
  (ollama/ollama readline/history.go); OLLAMA_NOHISTORY stops it (envconfig/config.go).
- llm: `logs.db` in click's app dir for "io.datasette.llm" (`~/.config/io.datasette.llm`
  on Linux, `~/Library/Application Support/io.datasette.llm` on macOS), table `responses`
  (simonw/llm llm/migrations.py m010; `logs`/`log` before it).
- Ollama request logs: with OLLAMA_DEBUG_LOG_REQUESTS on, `os.MkdirTemp("",
  "ollama-request-logs-*")` receives `<time>_<route>_body.json` per request
  (ollama/ollama server/inference_request_log.go).
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.collect.promptpatterns import prompt_pattern
from localproof.collect.sqlitecopy import CopyError, query_copy
from localproof.facts import FileKind, Process, SystemdUnit
from localproof.facts.residue import PromptTrace

SHELL_HISTORIES = (
    ("bash", ".bash_history"),
    ("zsh", ".zsh_history"),
    ("fish", ".local/share/fish/fish_history"),
)
LLM_DIRS = (".config/io.datasette.llm", "Library/Application Support/io.datasette.llm")
RC_FILES = (".bashrc", ".bash_profile", ".profile", ".zshrc", ".zshenv", ".zprofile")
RC_FILES_FISH = ".config/fish/config.fish"
MAX_HISTORY_BYTES = 16 << 20
MAX_LINES_KEPT = 10
FALSE_VALUES = frozenset({"", "0", "f", "false"})  # Go strconv.ParseBool's false spellings
ZSH_EXTENDED = re.compile(r"^: \d+:\d+;")
NOHISTORY = re.compile(
    r"^\s*(?:export\s+|set\s+-[a-zA-Z]*x[a-zA-Z]*\s+)?OLLAMA_NOHISTORY[=\s]\s*['\"]?([^'\"\s#]*)",
    re.MULTILINE,
)
REQUEST_LOG_DIRS = ("/tmp", "/var/tmp")  # noqa: S108 - where Go's os.TempDir() points


def read_prompt_traces(
    root: AuditRoot,
    homes: list[tuple[str, str]],
    processes: tuple[Process, ...],
    units: tuple[SystemdUnit, ...],
) -> tuple[PromptTrace, ...]:
    traces: list[PromptTrace] = []
    for user, home in homes:
        for shell, relative in SHELL_HISTORIES:
            traces.extend(_shell_history(root, shell, f"{home}/{relative}", user))
        traces.extend(_repl_history(root, user, home))
        for directory in LLM_DIRS:
            traces.extend(_llm_log(root, user, f"{home}/{directory}"))
    traces.extend(_request_logging(processes, units))
    traces.extend(_request_logs(root, processes, units))
    return tuple(traces)


def _read(root: AuditRoot, path: str, kind: str, owner: str) -> str | PromptTrace | None:
    """The file's text; a trace carrying the reason when it cannot be read; None if absent."""
    fact = root.stat(path)
    if fact.kind is FileKind.MISSING:
        return None
    if fact.kind is not FileKind.FILE:
        reason = fact.error or f"not a regular file ({fact.kind.value})"
        return PromptTrace(kind, path, owner, error=reason)
    try:
        data = root.read_bytes(path, MAX_HISTORY_BYTES)
    except OSError as error:
        return PromptTrace(kind, path, owner, error=describe_error(error))
    return data.decode("utf-8", "replace")


def _shell_history(root: AuditRoot, shell: str, path: str, owner: str) -> Iterator[PromptTrace]:
    text = _read(root, path, "shell-history", owner)
    if text is None or isinstance(text, PromptTrace):
        yield from [text] if text else []
        return
    commands = list(_fish_commands(text) if shell == "fish" else _line_commands(text, shell))
    found = Counter[str]()
    lines: list[int] = []
    for number, command in commands:
        pattern = prompt_pattern(command)
        if pattern:
            found[pattern] += 1
            lines.append(number)
    yield PromptTrace(
        "shell-history",
        path,
        owner,
        prompts=len(lines),
        lines=tuple(lines[:MAX_LINES_KEPT]),
        entries=len(commands),
        patterns=tuple(sorted(found.items())),
        note=shell,
    )


def _line_commands(text: str, shell: str) -> Iterator[tuple[int, str]]:
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if not pending:
            start = number
            if shell == "bash" and line.startswith("#") and line[1:].isdigit():
                continue
            line = ZSH_EXTENDED.sub("", line) if shell == "zsh" else line
        if shell == "zsh" and line.endswith("\\"):
            pending.append(line[:-1])
            continue
        command = "\n".join([*pending, line])
        pending = []
        if command.strip():
            yield start, command
    if pending:
        yield start, "\n".join(pending)


def _fish_commands(text: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("- cmd: "):
            command = raw[len("- cmd: ") :].replace("\\n", "\n").replace("\\\\", "\\")
            yield number, command


def _repl_history(root: AuditRoot, owner: str, home: str) -> Iterator[PromptTrace]:
    path = f"{home}/.ollama/history"
    text = _read(root, path, "repl-history", owner)
    if text is None or isinstance(text, PromptTrace):
        yield from [text] if text else []
        return
    numbered = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    entries = [(n, line) for n, line in numbered if line]
    prompts = [n for n, line in entries if not line.startswith("/")]
    note = "OLLAMA_NOHISTORY is set" if _nohistory(root, home) else ""
    yield PromptTrace(
        "repl-history",
        path,
        owner,
        prompts=len(prompts),
        lines=tuple(prompts[:MAX_LINES_KEPT]),
        entries=len(entries),
        note=note,
    )


def _nohistory(root: AuditRoot, home: str) -> bool:
    """OLLAMA_NOHISTORY switched on in the user's shell start-up files or /etc/environment."""
    candidates = [f"{home}/{name}" for name in (*RC_FILES, RC_FILES_FISH)]
    candidates += [*root.glob(f"{home}/.config/environment.d/*.conf"), "/etc/environment"]
    for path in candidates:
        try:
            text = root.read_text(path, 1 << 20)
        except OSError:
            continue
        if any(value.lower() not in FALSE_VALUES for value in NOHISTORY.findall(text)):
            return True
    return False


def _llm_log(root: AuditRoot, owner: str, directory: str) -> Iterator[PromptTrace]:
    path = f"{directory}/logs.db"
    if not root.stat(path).exists:
        return
    note = "logging turned off (logs-off)" if root.exists(f"{directory}/logs-off") else ""
    try:
        rows = query_copy(root, path, _count_llm_rows)
    except CopyError as error:
        yield PromptTrace("llm-log", path, owner, error=str(error), note=note)
        return
    yield PromptTrace("llm-log", path, owner, prompts=rows, entries=rows, note=note)


def _count_llm_rows(connection: sqlite3.Connection) -> int:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    for table in ("responses", "logs", "log"):
        if table in tables:
            return int(connection.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0])  # noqa: S608 - fixed names
    raise sqlite3.DatabaseError("no responses table")


def _logging_on(environment: dict[str, str] | None) -> bool:
    if not environment or "OLLAMA_DEBUG_LOG_REQUESTS" not in environment:
        return False
    return environment["OLLAMA_DEBUG_LOG_REQUESTS"].strip().lower() not in FALSE_VALUES


def _request_logging(
    processes: tuple[Process, ...], units: tuple[SystemdUnit, ...]
) -> Iterator[PromptTrace]:
    """Where request-body logging is switched on: a running process or a service."""
    for process in processes:
        if _logging_on(process.environ):
            yield PromptTrace("request-logging", f"process {process.pid}", str(process.uid))
    for unit in units:
        if _logging_on(unit.environment):
            source = unit.environment_sources.get("OLLAMA_DEBUG_LOG_REQUESTS", unit.path)
            yield PromptTrace("request-logging", source, unit.user or "root", note=unit.name)


def _request_logs(
    root: AuditRoot, processes: tuple[Process, ...], units: tuple[SystemdUnit, ...]
) -> Iterator[PromptTrace]:
    temp_dirs = set(REQUEST_LOG_DIRS)
    for environment in [p.environ for p in processes] + [u.environment for u in units]:
        if environment and environment.get("TMPDIR", "").startswith("/"):
            temp_dirs.add(environment["TMPDIR"].rstrip("/"))
    for directory in sorted(temp_dirs):
        for log_dir in root.glob(f"{directory}/ollama-request-logs-*"):
            fact = root.stat(log_dir)
            try:
                bodies = [n for n in root.listdir(log_dir) if n.endswith("_body.json")]
            except OSError as error:
                yield PromptTrace(
                    "request-log", log_dir, str(fact.uid), error=describe_error(error)
                )
                continue
            yield PromptTrace(
                "request-log", log_dir, str(fact.uid), prompts=len(bodies), entries=len(bodies)
            )
