"""History leaks: prompts kept in shell histories, REPL histories, logs and request dumps.

Findings carry counts and line numbers only; the lines themselves are never read into a
fact, let alone a report."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.facts.residue import PromptTrace
from localproof.model import Category, Evidence, Finding, Severity

TOOLS = {"repl-history": "ollama", "request-log": "ollama", "request-logging": "ollama"}
WHAT = {
    "shell-history": "shell history",
    "repl-history": "Ollama REPL history",
    "llm-log": "`llm` prompt log",
    "request-log": "Ollama request log directory",
    "request-logging": "Ollama request logging",
}
SHELL_FIX = {
    "bash": "delete those lines (`history -d N`, then `history -w`), and set "
    "`HISTCONTROL=ignorespace` so commands typed with a leading space are not saved",
    "zsh": "delete those lines from the file, and `setopt HIST_IGNORE_SPACE` so commands "
    "typed with a leading space are not saved",
    "fish": "remove them with `history delete --contains`, and start fish with `--private` "
    "(or use `fish_private_mode`) when prompting",
}
FIXES = {
    "repl-history": "Delete {path} and set OLLAMA_NOHISTORY=1 in the environment of the "
    "users who run `ollama run`, so the REPL stops saving prompts.",
    "llm-log": "Run `llm logs off` to stop logging prompts, and delete what is logged "
    "(remove {path}, or `llm logs` + SQLite `DELETE` for selected rows).",
    "request-log": "Delete {path}: every file in it is a full request body.",
    "request-logging": "Remove OLLAMA_DEBUG_LOG_REQUESTS from {path} (it writes every "
    "request body to a temporary directory) and restart Ollama.",
}


@check(
    id="history-leak.prompts-in-histories",
    category=Category.HISTORY_LEAK,
    title="Prompts are not kept in shell histories, REPL histories or request logs",
    severity=Severity.MEDIUM,
    control="LOG-01",
    threats=("prompt-residue", "shared-host", "device-theft"),
    remediation="Remove stored prompts and turn off the history or logging that keeps them.",
)
def prompts_in_histories(self: Check, context: Context) -> Iterator[Finding]:
    """People who are careful about where conversations are stored forget the side
    channels: `ollama run model "…"` and `curl …/api/generate -d '{"prompt": …}'` land in
    the shell history, `ollama run` keeps the last 100 inputs in ~/.ollama/history, the
    `llm` CLI logs every prompt and answer to SQLite, and Ollama's request logging writes
    whole request bodies to a temporary directory. These copies outlive the chat and are
    rarely encrypted, backed up with care or deleted."""
    traces = context.facts.residue.prompts
    if not traces:
        yield self.passed(None, "histories", Evidence("home folders", "no history file found"))
    for trace in traces:
        yield _finding(self, trace)


def _finding(self: Check, trace: PromptTrace) -> Finding:
    tool = TOOLS.get(trace.kind)
    what = WHAT[trace.kind]
    if trace.error:
        return self.unknown(tool, trace.path, f"cannot read the {what}: {trace.error}")
    if trace.kind == "request-logging":
        detail = "OLLAMA_DEBUG_LOG_REQUESTS is on: request bodies are written to disk"
        evidence = Evidence(trace.path, detail + (f" ({trace.note})" if trace.note else ""))
        return self.failed(tool, trace.path, evidence, remediation=_fix(trace))
    if trace.prompts == 0:
        detail = f"{what}: {trace.entries} entries, none carrying a prompt"
        return self.passed(tool, trace.path, Evidence(trace.path, _noted(detail, trace)))
    return self.failed(
        tool,
        trace.path,
        Evidence(trace.path, _noted(_describe(trace, what), trace)),
        severity=Severity.HIGH if trace.kind in ("llm-log", "request-log") else None,
        remediation=_fix(trace),
    )


def _describe(trace: PromptTrace, what: str) -> str:
    detail = f"{what}: {trace.prompts} prompt(s) in {trace.entries} entries"
    if trace.lines:
        more = ", …" if trace.prompts > len(trace.lines) else ""
        detail += f", line(s) {', '.join(map(str, trace.lines))}{more}"
    if trace.patterns:
        detail += "; " + ", ".join(f"{name} x{count}" for name, count in trace.patterns)
    return detail


def _noted(detail: str, trace: PromptTrace) -> str:
    if trace.kind == "shell-history" or not trace.note:
        return detail
    return f"{detail} ({trace.note})"


def _fix(trace: PromptTrace) -> str:
    if trace.kind == "shell-history":
        shell = SHELL_FIX.get(trace.note, SHELL_FIX["bash"])
        lines = ", ".join(map(str, trace.lines))
        return (
            f"Prompts typed on the command line are saved in {trace.path} (line(s) {lines}): "
            f"{shell}. Prefer the REPL with OLLAMA_NOHISTORY=1, or read prompts from a file."
        )
    fix = FIXES[trace.kind].format(path=trace.path)
    if trace.kind == "repl-history" and "OLLAMA_NOHISTORY" in trace.note:
        fix += " OLLAMA_NOHISTORY is already set, but prompts saved before it remain."
    return fix


CHECKS = (prompts_in_histories,)
