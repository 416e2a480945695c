"""Sandbox helper: `python -m localproof.witness.inside WORKDIR DURATION FLAGS -- COMMAND...`.

Started by `run_witness`, it builds the namespaces, starts the sinks, runs the program with
the caller's stdio, forwards signals, stops the program at the duration, kills whatever the
program left behind, and writes `result.json` into WORKDIR. It never prints: its stdio
belongs to the program. It inherits a blocked signal mask from the parent (so signals
reach its supervisor loop, not a thread) and clears it for the program.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from localproof.witness import bpf, netns
from localproof.witness.capture import Capture
from localproof.witness.dns import NameMap
from localproof.witness.model import SandboxInfo
from localproof.witness.recorder import Recorder
from localproof.witness.sink import Sinks
from localproof.witness.supervise import (
    WAITED,
    Outcome,
    program_environment,
    reap_descendants,
    supervise,
)

FALLBACK_TCP_PORTS = (53, 80, 443, 853)  # ports a program under test rarely serves itself
PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Sandbox:
    sinks: Sinks
    capture: Capture | None
    info: SandboxInfo
    recorder: Recorder


def _start_tcp(sinks: Sinks) -> tuple[bool, tuple[int, ...], list[str], list[int]]:
    """Every TCP port through BPF sk_lookup if the kernel lets us, else the fixed ports."""
    listener = sinks.tcp_listener(0)
    try:
        keep = bpf.attach(listener)
    except OSError as error:
        notes = [
            f"TCP answered only on ports {', '.join(map(str, FALLBACK_TCP_PORTS))} "
            f"(BPF sk_lookup unavailable: {error.strerror}); connections to other ports "
            "were refused and are recorded from the packet log, without SNI or HTTP."
        ]
        for port in FALLBACK_TCP_PORTS:
            try:
                sinks.tcp_listener(port)
            except OSError as bind_error:
                notes.append(f"TCP port {port} not answered: {bind_error.strerror}")
        return False, FALLBACK_TCP_PORTS, notes, []
    return True, (), [], keep


def build(workdir: Path, *, user_namespace: bool) -> tuple[Sandbox, list[int]]:
    """Namespaces, routes, resolver files, sinks: everything before the program starts."""
    mode = netns.enter_namespaces(user_namespace=user_namespace)
    notes = netns.setup_network()
    if mode == "user-namespace":
        notes.append("the program ran as uid 0 of a user namespace (your own uid outside)")
    netns.make_private()
    hidden = netns.hide_daemon_sockets()
    for target, generated in netns.resolver_files(workdir).items():
        if not netns.bind_file(generated, target, hidden):
            notes.append(f"{target} missing on this host; not replaced")
    recorder, names = Recorder(), NameMap()
    sinks = Sinks(recorder, names)
    sinks.start_dns()
    any_port, ports, tcp_notes, keep = _start_tcp(sinks)
    notes.extend(tcp_notes)
    capture: Capture | None = None
    try:
        capture = Capture(recorder, names, frozenset(ports), sinks.waker)
        capture.record_tcp = not any_port
        capture.start()
    except OSError as error:
        notes.append(f"no packet log (AF_PACKET: {error.strerror}): UDP and ICMP not recorded")
    info = SandboxInfo(mode, any_port, ports, capture is not None, tuple(hidden), tuple(notes))
    return Sandbox(sinks, capture, info, recorder), keep


def _write(workdir: Path, data: dict[str, object]) -> None:
    temporary = workdir / "result.json.part"
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.replace(workdir / "result.json")


def _finish(sandbox: Sandbox, outcome: Outcome, started_at: str) -> dict[str, object]:
    reap_descendants()
    sandbox.sinks.stop()  # wakes the capture loop too
    if sandbox.capture is not None:
        sandbox.capture.stop()
    sandbox.sinks.waker.close()
    return {
        "exit_code": outcome.exit_code,
        "stopped_by_duration": outcome.stopped_by_duration,
        "started_at": started_at,
        "elapsed": round(time.monotonic() - sandbox.recorder.started, 4),
        "sandbox": sandbox.info.to_json(),
        "attempts": [attempt.to_json() for attempt in sandbox.recorder.attempts()],
        "truncated": sandbox.recorder.truncated,
    }


def main(argv: list[str]) -> int:
    """Exit 0 whenever result.json was written; the program's code is inside it."""
    workdir, duration_text, flags, command = Path(argv[0]), argv[1], argv[2].split(","), argv[4:]
    duration = float(duration_text) if duration_text != "none" else None
    try:
        sandbox, _keep = build(workdir, user_namespace="userns" in flags)
    except (netns.SandboxError, OSError, ValueError) as error:
        _write(workdir, {"error": str(error)})
        return 0
    # Orphans of the program become our children, so teardown can find and end them.
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    started_at = datetime.now(UTC).isoformat(timespec="milliseconds")
    sandbox.recorder.started = time.monotonic()
    try:
        env = program_environment(os.environ, workdir, fresh_home="fresh-home" in flags)
        outcome = supervise(command, duration, env)
    except OSError as error:
        _write(workdir, {"error": f"cannot run {command[0]}: {error.strerror}"})
        return 0
    _write(workdir, _finish(sandbox, outcome, started_at))
    return 0


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, WAITED)  # before any thread starts
    sys.exit(main(sys.argv[1:]))
