"""`run_witness`: the caller's side of a witness run.

Starts the helper (`python -m localproof.witness.inside`) which builds the sandbox and runs
the program with the caller's stdio; waits for it while forwarding signals; reads the
result it wrote. A throwaway work directory holds the generated resolver files, the
result, and with `fresh_home` the program's HOME and TMPDIR; it is removed afterwards.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from localproof.witness.model import Attempt, SandboxInfo, WitnessResult
from localproof.witness.supervise import GRACE, WAITED, forward

HELPER = "localproof.witness.inside"
SAFETY_MARGIN = 10.0  # seconds past duration + grace before the helper itself is killed


class WitnessError(RuntimeError):
    """The sandbox could not be built or run; the message is meant for the user."""


def _wait(helper: subprocess.Popen[bytes], duration: float | None) -> None:
    """Wait for the helper, forwarding signals other processes send us."""
    limit = None if duration is None else time.monotonic() + duration + GRACE + SAFETY_MARGIN
    while helper.poll() is None:
        if limit is not None and time.monotonic() > limit:
            helper.kill()
            helper.wait()
            raise WitnessError("the sandbox helper did not stop after --duration; killed it")
        forward(signal.sigtimedwait(WAITED, 0.2), helper.pid)


def _load(workdir: Path, returncode: int) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((workdir / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise WitnessError(
            f"the sandbox helper exited with code {returncode} and no result"
        ) from error
    if "error" in data:
        raise WitnessError(str(data["error"]))
    return data


def _result(command: Sequence[str], allow: Sequence[str], data: dict[str, Any]) -> WitnessResult:
    return WitnessResult(
        command=tuple(command),
        exit_code=int(data["exit_code"]),
        stopped_by_duration=bool(data["stopped_by_duration"]),
        started_at=str(data["started_at"]),
        elapsed=float(data["elapsed"]),
        sandbox=SandboxInfo.from_json(data["sandbox"]),
        attempts=tuple(Attempt.from_json(item) for item in data["attempts"]),
        truncated=bool(data["truncated"]),
        allow=tuple(allow),
    )


def run_witness(
    command: Sequence[str],
    *,
    allow: Sequence[str] = (),
    duration: float | None = None,
    fresh_home: bool = False,
    user_namespace: bool = False,
) -> WitnessResult:
    """Run `command` in the sealed sandbox and return its exit code and every attempt.

    The program's stdin/stdout/stderr are the caller's. `allow` is kept in the result for
    `exit_status` and the renderers. Raises `WitnessError` when the sandbox cannot be built
    (with the reason and the fix, e.g. a sysctl to change). `user_namespace` builds the
    rootless sandbox even when running as root (to test what unprivileged users get).
    """
    if not command:
        raise WitnessError("no command given: localproof witness -- COMMAND [ARGS...]")
    if not sys.platform.startswith("linux"):
        raise WitnessError("the witness needs Linux namespaces; this is " + sys.platform)
    workdir = Path(tempfile.mkdtemp(prefix="localproof-witness-"))
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, WAITED)
    try:
        helper_argv = [
            str(workdir),
            "none" if duration is None else str(duration),
            ",".join(
                [
                    "run",
                    *(["fresh-home"] if fresh_home else []),
                    *(["userns"] if user_namespace else []),
                ]
            ),
            "--",
        ]
        try:
            helper = subprocess.Popen([sys.executable, "-m", HELPER, *helper_argv, *command])
        except OSError as error:
            raise WitnessError(f"cannot start {sys.executable}: {error.strerror}") from error
        try:
            _wait(helper, duration)
        finally:
            if helper.poll() is None:
                helper.kill()
                helper.wait()
        return _result(command, allow, _load(workdir, helper.returncode))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        shutil.rmtree(workdir, ignore_errors=True)
