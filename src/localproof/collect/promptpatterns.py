"""Recognise shell commands that carry a prompt for a local model in their arguments.

Only the *kind* of match leaves this module (a pattern name), never the command's text.

- `ollama run MODEL PROMPT...`: ollama/ollama cmd/cmd.go (RunHandler joins the arguments
  after the model into the prompt; `--format`, `--keepalive`, `--think`, `--dimensions`
  take a value). `echo … | ollama run MODEL` passes the prompt on stdin, so the text sits in
  the `echo` of the same line.
- `curl … /api/generate | /api/chat | /v1/chat/completions | /v1/completions` with an
  inline JSON body holding `"prompt"` or `"messages"` (ollama/ollama docs/api.md,
  docs/openai.md; the same routes serve llama.cpp, LocalAI and vLLM).
- `llm PROMPT`, `llm prompt PROMPT`, `llm -s SYSTEM`: simonw/llm llm/cli.py (the default
  command is `prompt`; the other sub-commands below carry no prompt text).
"""

from __future__ import annotations

import re
import shlex

OLLAMA_VALUE_FLAGS = frozenset({"--format", "--keepalive", "--think", "--dimensions"})
LLM_SUBCOMMANDS = frozenset(
    {
        "aliases", "chat", "cmd", "collections", "embed", "embed-models", "embed-multi",
        "fragments", "install", "keys", "logs", "models", "openai", "plugins", "schemas",
        "similar", "templates", "tools", "uninstall", "init-db",
    }
)  # fmt: skip
LLM_VALUE_FLAGS = frozenset(
    {
        "-m", "--model", "-t", "--template", "-a", "--attachment", "-f", "--fragment",
        "--sf", "--system-fragment", "-T", "--tool", "--cid", "--conversation", "--key",
        "--schema", "-d", "--database", "--at", "--attachment-type", "-o", "--option",
        "-p", "--param",
    }
)  # fmt: skip
LLM_TWO_VALUE_FLAGS = frozenset({"--at", "--attachment-type", "-o", "--option", "-p", "--param"})
LLM_PROMPT_FLAGS = frozenset({"-s", "--system"})
API_ROUTE = re.compile(r"/(api/generate|api/chat|v1/chat/completions|v1/completions)\b")
BODY_FIELD = re.compile(r"""["'\\]*(prompt|messages)["'\\]*\s*:""")
SEGMENT_SPLIT = re.compile(r"\|\||&&|[|;&]")
ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
CANDIDATE = re.compile(r"ollama|curl|llm")
WRAPPERS = frozenset({"sudo", "env", "nice", "ionice", "time", "command", "exec", "nohup"})


def prompt_pattern(command: str) -> str | None:
    """The name of the prompt-carrying pattern `command` matches, or None."""
    if not CANDIDATE.search(command):  # most history lines: skip the slow shlex split
        return None
    route = API_ROUTE.search(command)
    if route and "curl" in command and BODY_FIELD.search(command):
        return f"curl {route.group(0)}"
    segments = [_words(part) for part in SEGMENT_SPLIT.split(command)]
    for index, words in enumerate(segments):
        program, arguments = _program(words)
        if program == "ollama" and arguments[:1] == ["run"]:
            if _ollama_prompt(arguments[1:]):
                return "ollama run"
            previous = segments[index - 1] if index else []
            if _program(previous)[0] in ("echo", "printf") and "|" in command:
                return "echo | ollama run"
        if program == "llm" and _llm_prompt(arguments):
            return "llm prompt"
    return None


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False)
    except ValueError:  # an unbalanced quote: a multi-line command or a typo
        return text.split()


def _program(words: list[str]) -> tuple[str, list[str]]:
    """Skip `VAR=value` prefixes and wrappers like sudo; return (program name, arguments)."""
    index = 0
    while index < len(words) and (ENV_ASSIGNMENT.match(words[index]) or words[index] in WRAPPERS):
        index += 1
    if index >= len(words):
        return "", []
    return words[index].rsplit("/", 1)[-1], words[index + 1 :]


def _ollama_prompt(arguments: list[str]) -> bool:
    """After `run`: flags, the model, then prompt words."""
    positional: list[str] = []
    skip = False
    for word in arguments:
        if skip:
            skip = False
        elif word in OLLAMA_VALUE_FLAGS:
            skip = True
        elif not word.startswith("-"):
            positional.append(word)
    return len(positional) >= 2


def _llm_prompt(arguments: list[str]) -> bool:
    if arguments[:1] == ["prompt"]:
        arguments = arguments[1:]
    elif arguments and arguments[0] in LLM_SUBCOMMANDS:
        return False
    skip = 0
    for word in arguments:
        if skip:
            skip -= 1
        elif word in LLM_PROMPT_FLAGS:
            return True
        elif word in LLM_VALUE_FLAGS:
            skip = 2 if word in LLM_TWO_VALUE_FLAGS else 1
        elif not word.startswith("-"):
            return True
    return False
