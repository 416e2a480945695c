"""A server without a desktop whose administrator records access to some chat stores with
the Linux audit system (auditd enabled and running): kim's Ollama folder has a watch
(`-w`), nan's is a symlink into /srv/chats, which a syscall rule watches with `dir=` and
`perm=r`; lee's store has no rule, and mo's is watched for writes only. A rule that
records failed opens anywhere does not count as recording reads."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktop import audit_rules
from tests.builders.ollama import write_repl_history

SITE_RULES = """## localproof scenario: chat stores
-w /home/kim/.ollama -p rwa -k ai-chats
-a always,exit -F arch=b64 -F dir=/srv/chats/ -F perm=r -F key=ai-chats
-w /home/mo/.ollama/history -p wa -k ai-chats
"""
ACCESS_RULES = """-a always,exit -F arch=b64 -S open,openat,openat2 -F exit=-EACCES -k access
-a always,exit -F arch=b64 -S open,openat,openat2 -F exit=-EPERM -k access
"""


def build(host: HostBuilder) -> None:
    for number, name in enumerate(("kim", "lee", "mo", "nan"), start=1000):
        home = host.user(name, number, home_mode=0o700)
        if name != "nan":
            write_repl_history(home / ".ollama" / "history", [f"notes for {name}"])
    write_repl_history(host.path("/srv/chats/nan/history"), ["draft the appeal"])
    host.symlink("/home/nan/.ollama", "../../srv/chats/nan")
    host.ensure_net_tables()
    rules = {
        "10-base-config.rules": "-D\n-b 8192\n-f 1\n",
        "30-access.rules": ACCESS_RULES,
        "50-ai-chats.rules": SITE_RULES,
    }
    audit_rules(host, rules)
