"""A disk image with five people's Jan 0.8.4+ (no proc/: nothing runs). Ann moved her
data folder to /srv/jan-ann (her app configuration, ~/.local/share/Jan/settings.json,
names it) and opened the API server to the network at every start without an API key,
with a proxy password in a world-readable settings file; Ben keeps the server on
loopback, started by hand, with a key in a private file; Cai's server store is damaged;
Dan's configuration names a folder on another Windows drive, which cannot be followed;
Eve never changed a setting. Formats: tests/builders/jan.py."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.jan import (
    ApiServer,
    api_server_blob,
    proxy_blob,
    write_app_config,
    write_settings_file,
)

DATA = ".local/share/Jan/data"
SERVER = "setting-local-api-server"


def build(host: HostBuilder) -> None:
    ann = host.user("ann", 1001)
    write_app_config(ann / ".local/share/Jan", "/srv/jan-ann")
    opened = ApiServer(host="0.0.0.0", on_startup=True)
    stores = {
        SERVER: api_server_blob(opened),
        "setting-proxy-config": proxy_blob("http://proxy.lan:3128", "ann", "planted-password"),
    }
    write_settings_file(host.path("/srv/jan-ann"), stores).chmod(0o644)
    host.file("/srv/jan-ann/threads/01J/thread.json", '{"id": "01J"}', mode=0o600)

    ben = host.user("ben", 1002)
    server = ApiServer(api_key="planted-key")
    write_settings_file(ben / DATA, {SERVER: api_server_blob(server)}).chmod(0o600)

    cai = host.user("cai", 1003)
    write_settings_file(cai / DATA, {SERVER: '{"state":{"serverHost":"0.0.0.0"'}).chmod(0o600)

    dan = host.user("dan", 1004)
    write_app_config(dan / ".local/share/Jan", "D:\\Jan")
    host.file(f"/home/dan/{DATA}/threads/01J/thread.json", '{"id": "01J"}', mode=0o600)

    eve = host.user("eve", 1005)
    write_settings_file(eve / DATA, {}).chmod(0o600)
