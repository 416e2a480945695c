"""An Ollama user on a host whose audit rules cannot be read: a rules file holds binary
data where text is expected, so whether the store is watched is unknown."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktop import audit_rules
from tests.builders.ollama import write_repl_history


def build(host: HostBuilder) -> None:
    home = host.user("pat", 1000, home_mode=0o700)
    write_repl_history(home / ".ollama" / "history", ["list the invoices"])
    audit_rules(host, {"50-site.rules": b"-w /home \x00\x01\x02\xff\xfe binary"})
