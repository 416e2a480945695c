"""Stores whose content the census reads: a REPL history holding an SSN and a card
number, a clean one, and an Open WebUI database that is not a database."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history

SITE = ".local/lib/python3.11/site-packages/open_webui/data"


def build(host: HostBuilder) -> None:
    for name, uid in (("dana", 1001), ("eli", 1002), ("fay", 1003)):
        host.user(name, uid)
    write_repl_history(
        host.path("/home/dana/.ollama/history"),
        ["my SSN is 536-22-1234 thanks", "card 4012 8888 8888 1881 exp 12/29"],
    )
    write_repl_history(host.path("/home/eli/.ollama/history"), ["why is the sky blue?"])
    host.file(f"/home/fay/{SITE}/webui.db", b"SQLite format 3\x00" + b"\x01" * 500, mode=0o600)
