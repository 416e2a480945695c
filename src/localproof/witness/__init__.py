"""The witness engine: run a program in a sealed network sandbox and record every outbound
attempt (DNS names, TCP/UDP destinations, TLS SNI, HTTP method/Host/path, pings).

Nothing leaves the machine: the program gets its own network namespace in which every
address is local and answered by the witness. Public API:

- `run_witness(command, allow=..., duration=..., fresh_home=...) -> WitnessResult`
- `exit_status(result) -> int`: EXIT_EGRESS (1) on unexpected attempts, else the program's
- `render_json / render_terminal / render_markdown(result) -> str`
- `add_arguments(parser)` and `command_of(args)` for the CLI

Exports load lazily: the sandbox helper runs as `python -m localproof.witness.inside`, which
imports this package first, and must not pay for the knowledge base and the renderers
before the program can start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localproof.witness.model import SCHEMA_VERSION, Attempt, SandboxInfo, WitnessResult
    from localproof.witness.options import add_arguments, command_of
    from localproof.witness.report import render_json, render_markdown, render_terminal
    from localproof.witness.sandbox import WitnessError, run_witness
    from localproof.witness.summary import EXIT_EGRESS, destinations, exit_status, verdict

_HOMES = {
    "model": ("SCHEMA_VERSION", "Attempt", "SandboxInfo", "WitnessResult"),
    "options": ("add_arguments", "command_of"),
    "report": ("render_json", "render_markdown", "render_terminal"),
    "sandbox": ("WitnessError", "run_witness"),
    "summary": ("EXIT_EGRESS", "destinations", "exit_status", "verdict"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "EXIT_EGRESS",
    "SCHEMA_VERSION",
    "Attempt",
    "SandboxInfo",
    "WitnessError",
    "WitnessResult",
    "add_arguments",
    "command_of",
    "destinations",
    "exit_status",
    "render_json",
    "render_markdown",
    "render_terminal",
    "run_witness",
    "verdict",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
