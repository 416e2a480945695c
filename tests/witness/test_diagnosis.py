"""Where user namespaces are disabled, the witness says exactly which setting and how to
allow it. Real kernel behaviour: `user.max_user_namespaces` is per user namespace, so the
test sets it to 0 inside a user namespace of its own, leaving the host alone."""

from __future__ import annotations

import subprocess
import sys

DRIVER = (
    "import sys\n"
    "from localproof.witness import WitnessError, run_witness\n"
    "try:\n"
    "    run_witness(['true'], user_namespace=True)\n"
    "except WitnessError as error:\n"
    "    print(error)\n"
)


def test_disabled_user_namespaces_are_named_with_the_fix() -> None:
    script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" -c "$1"'
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "sh", "-c", script, sys.executable, DRIVER],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    message = done.stdout.strip()
    assert "user.max_user_namespaces=0" in message
    assert "sudo sysctl user.max_user_namespaces=" in message
