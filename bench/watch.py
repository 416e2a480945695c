"""Capture rate of `localproof watch` for short-lived connections.

    python bench/watch.py [--count N]       (Linux, as root or with user namespaces)

Inside a fresh network namespace, a stand-in Ollama opens N connections one after the
other to an address of the namespace, each held for a given time, while the watcher
polls every 50 ms. The rate is the share of those connections the watcher saw (distinct
sockets), per hold time. The only backend available without eBPF or conntrack access is
/proc polling, so that is the one measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNNER = r"""
import json, os, socket, subprocess, sys, threading, time
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
subprocess.run(["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"], check=True)
subprocess.run(["ip", "addr", "add", "192.0.2.10/24", "dev", "v0"], check=True)
for name in ("v0", "v1"):
    subprocess.run(["ip", "link", "set", name, "up"], check=True)
listener = socket.create_server(("192.0.2.10", 8443))
def drain(c):
    while c.recv(4096):
        pass
    c.close()
def serve():
    while True:
        try:
            c, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=drain, args=(c,), daemon=True).start()
threading.Thread(target=serve, daemon=True).start()
count, hold = int(sys.argv[1]), float(sys.argv[2])
client = os.path.join(os.path.dirname(sys.argv[3]), "ollama")
code = (
    "import socket, sys, time\n"
    f"for _ in range({count}):\n"
    "    s = socket.create_connection(('192.0.2.10', 8443)); "
    f"time.sleep({hold}); s.close(); time.sleep(0.01)\n"
)
os.makedirs(os.path.dirname(client), exist_ok=True)
with open(client, "w") as f:
    body = "".join("    " + line + "\n" for line in code.splitlines())
    f.write("import sys\nif sys.argv[1:] == ['serve']:\n" + body)
watch = subprocess.Popen([sys.executable, "-m", "localproof", "watch", "--duration",
                          str(count * (hold + 0.02) + 1.0), "--format", "json"],
                         stdout=subprocess.PIPE, text=True)
time.sleep(0.5)
subprocess.run([sys.executable, client, "serve"], check=True)
out, _ = watch.communicate()
seen = sum(c["connections"] for c in json.loads(out)["connections"])
print(json.dumps({"count": count, "hold": hold, "seen": seen}))
"""


def run(count: int, hold: float, scratch: Path) -> dict[str, float]:
    script = scratch / "runner.py"
    script.write_text(RUNNER)
    done = subprocess.run(
        [
            "unshare",
            "-rn",
            sys.executable,
            str(script),
            str(count),
            str(hold),
            str(scratch / "client" / "x"),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    if shutil.which("unshare") is None:
        print("needs util-linux unshare")
        return 2
    print(f"backend proc-poll, interval 50 ms, {args.count} connections per hold time")
    with tempfile.TemporaryDirectory() as scratch:
        for hold in (0.005, 0.025, 0.05, 0.1, 0.2):
            result = run(args.count, hold, Path(scratch))
            rate = result["seen"] / result["count"]
            print(
                f"hold {hold * 1000:5.0f} ms: seen {result['seen']:3.0f}/{args.count} = {rate:6.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
