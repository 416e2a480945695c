"""The demo host: Ollama exposed by a systemd drop-in, Open WebUI in Docker on all
interfaces without login, its database world-readable."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.builders import HostBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples"))

from build_demo_host import build_onto


def build(host: HostBuilder) -> None:
    build_onto(host)
