"""A real unprivileged user (uid 65534) gets the rootless sandbox: user namespace, fixed TCP
ports, packet log. Needs root to drop to that uid, `setpriv` (util-linux), and a Python
>= 3.11 that uid may execute (the venv's interpreter may live under /root)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import localproof

NOBODY = "65534"
SRC = Path(localproof.__file__).parents[1]
SITE = next(p for p in sys.path if p.endswith("site-packages"))
DRIVER = """
import json, sys
from localproof.witness import run_witness
program = '''
import os, socket, ssl
print("uid", os.getuid(), flush=True)
conn = socket.create_connection(("api.example.org", 443), timeout=3)
try:
    ssl.create_default_context().wrap_socket(conn, server_hostname="api.example.org")
except OSError:
    pass
'''
result = run_witness([sys.executable, "-c", program])
print(json.dumps({
    "mode": result.sandbox.mode,
    "any_port": result.sandbox.tcp_any_port,
    "tcp": [[a.name, a.port, a.sni] for a in result.attempts if a.kind == "tcp"],
}))
"""


def _as_nobody(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "env",
            "HOME=/tmp",
            f"PYTHONPATH={SRC}:{SITE}",
            *command,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
        cwd="/",
    )


def _python_for_nobody() -> str:
    version = "import sys; assert sys.version_info >= (3, 11)"
    for candidate in (sys.executable, shutil.which("python3.11"), "/usr/bin/python3"):
        if candidate and _as_nobody(candidate, "-c", version).returncode == 0:
            return candidate
    pytest.skip("no Python >= 3.11 that uid 65534 can execute")


def test_unprivileged_user_gets_the_rootless_sandbox() -> None:
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv (util-linux)")
    if os.geteuid() != 0:
        pytest.skip("needs root to become uid 65534")
    done = _as_nobody(_python_for_nobody(), "-c", DRIVER)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "uid 0"  # root of its own user namespace
    report = json.loads(lines[-1])
    assert (report["mode"], report["any_port"]) == ("user-namespace", False)
    assert report["tcp"] == [["api.example.org", 443, "api.example.org"]]
