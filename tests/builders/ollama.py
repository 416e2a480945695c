"""Ollama's per-user files under ~/.ollama.

- REPL history: ollama/ollama readline/history.go — `~/.ollama/history`, plain text, one
  prompt per line ("%s\\n" via fmt.Fprintln), oldest first, only the last 100 kept
  (History.Limit), file mode 0600, ~/.ollama created 0755.
- Server settings: ollama/ollama envconfig/config.go — `~/.ollama/server.json`, a JSON object
  whose only field is `disable_ollama_cloud` (bool, omitempty: false is written as `{}`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

HISTORY_LIMIT = 100


def _prepare_parent(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o755)


def write_repl_history(path: Path, prompts: Sequence[str]) -> Path:
    """Write `prompts` as the REPL history file, keeping the last 100 like Ollama does.

    Ollama trims whitespace and skips empty lines when it reads the file back, so prompts
    here must be single-line.
    """
    if any("\n" in prompt for prompt in prompts):
        raise ValueError("history entries are single lines")
    _prepare_parent(path)
    kept = list(prompts)[-HISTORY_LIMIT:]
    path.write_text("".join(f"{prompt}\n" for prompt in kept), encoding="utf-8")
    path.chmod(0o600)
    return path


def write_server_json(path: Path, *, disable_cloud: bool) -> Path:
    """Write server.json; `{"disable_ollama_cloud":true}` or `{}` (Go omits a false value)."""
    _prepare_parent(path)
    content = {"disable_ollama_cloud": True} if disable_cloud else {}
    path.write_text(json.dumps(content, separators=(",", ":")), encoding="utf-8")
    path.chmod(0o644)
    return path
