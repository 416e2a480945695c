"""The program's exit code, stdio and signals pass through; the sandbox always comes down."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from localproof.witness import WitnessError, exit_status, run_witness, verdict


def test_exit_code_and_stdio_pass_through(capfd: pytest.CaptureFixture[str]) -> None:
    program = "import sys; print('OUT-MARK'); print('ERR-MARK', file=sys.stderr); sys.exit(7)"
    result = run_witness([sys.executable, "-c", program])
    out, err = capfd.readouterr()
    assert (out, err) == ("OUT-MARK\n", "ERR-MARK\n")
    assert result.exit_code == 7
    assert verdict(result) == "offline"
    assert exit_status(result) == 7  # no attempts: the program's own code


def test_death_by_signal_is_128_plus_signal() -> None:
    program = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    result = run_witness([sys.executable, "-c", program])
    assert result.exit_code == 128 + signal.SIGKILL


def test_duration_stops_a_hanging_program() -> None:
    started = time.monotonic()
    result = run_witness(["sleep", "60"], duration=0.5)
    assert time.monotonic() - started < 3
    assert result.stopped_by_duration
    assert result.exit_code == 128 + signal.SIGTERM
    assert exit_status(result) == 0


def test_duration_kills_a_program_that_ignores_sigterm() -> None:
    program = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    started = time.monotonic()
    result = run_witness([sys.executable, "-c", program], duration=0.3)
    assert time.monotonic() - started < 5
    assert result.exit_code == 128 + signal.SIGKILL


def test_sigterm_to_the_witness_reaches_the_program() -> None:
    program = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: (print('got TERM', flush=True), sys.exit(42)))\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n"
    )
    driver = (
        "import sys\n"
        "from localproof.witness import run_witness\n"
        "result = run_witness([sys.executable, '-c', sys.argv[1]], duration=20)\n"
        "print('RESULT', result.exit_code, flush=True)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", driver, program], stdout=subprocess.PIPE, text=True
    ) as witness:
        assert witness.stdout is not None
        assert witness.stdout.readline() == "ready\n"
        witness.send_signal(signal.SIGTERM)
        rest = witness.stdout.read()
    assert rest == "got TERM\nRESULT 42\n"
    assert witness.returncode == 0


def test_fresh_home_is_throwaway(capfd: pytest.CaptureFixture[str]) -> None:
    program = "import os; print(os.environ['HOME']); print(os.environ['TMPDIR'])"
    result = run_witness([sys.executable, "-c", program], fresh_home=True)
    home, tmp = capfd.readouterr().out.split()
    assert result.exit_code == 0
    assert home != os.environ.get("HOME")
    assert "localproof-witness-" in home
    assert "localproof-witness-" in tmp
    assert not Path(home).exists()  # removed with the sandbox


def test_leftover_processes_are_ended(capfd: pytest.CaptureFixture[str]) -> None:
    result = run_witness(["sh", "-c", "sleep 300 & echo $!"])
    pid = int(capfd.readouterr().out)
    assert result.exit_code == 0
    assert not Path(f"/proc/{pid}").exists()


def test_missing_program_is_a_witness_error() -> None:
    with pytest.raises(WitnessError, match="cannot run"):
        run_witness(["/nonexistent/program"])


def test_empty_command_is_a_witness_error() -> None:
    with pytest.raises(WitnessError, match="no command"):
        run_witness([])


DRIVER = (
    "import sys\n"
    "from localproof.witness import run_witness\n"
    "result = run_witness([sys.executable, '-c', sys.argv[1]], duration=20)\n"
    "print('RESULT', result.exit_code, result.stopped_by_duration, flush=True)\n"
)


def _on_a_terminal(program: str, keys: bytes) -> str:
    """Run the witness as the foreground job of a new pseudo-terminal; type `keys` once the
    program says ready, and return everything the terminal showed."""
    pid, master = pty.fork()
    if pid == 0:  # child: session leader with the pty as controlling terminal
        os.execv(sys.executable, [sys.executable, "-c", DRIVER, program])
    shown = b""
    try:
        while b"ready" not in shown:
            shown += os.read(master, 1024)
        for key in keys:
            os.write(master, bytes([key]))
            time.sleep(0.3)
        while True:
            try:
                chunk = os.read(master, 1024)
            except OSError:  # EIO: the terminal's last process is gone
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
        os.waitpid(pid, 0)
    return shown.decode().replace("\r\n", "\n")


def test_ctrl_c_reaches_the_program_once() -> None:
    program = (
        "import signal, sys, time\n"
        "count = []\n"
        "signal.signal(signal.SIGINT, lambda *_: count.append(1))\n"
        "print('ready', flush=True)\n"
        "while not count: time.sleep(0.01)\n"
        "time.sleep(0.5)\n"
        "print('interrupts', len(count), flush=True)\n"
        "sys.exit(5)\n"
    )
    shown = _on_a_terminal(program, b"\x03")
    assert "interrupts 1\n" in shown  # from the terminal only, not forwarded a second time
    assert "RESULT 5 False\n" in shown


def test_ctrl_c_twice_stops_a_program_that_ignores_it() -> None:
    program = (
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n"
    )
    started = time.monotonic()
    shown = _on_a_terminal(program, b"\x03\x03")
    assert f"RESULT {128 + signal.SIGTERM} False\n" in shown
    assert time.monotonic() - started < 10
