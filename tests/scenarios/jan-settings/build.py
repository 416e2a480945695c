"""Jan 0.8.4+ running with its local API server opened up: bound to every interface,
CORS on, started with the app, an API key set in a world-readable settings file, product
analytics opted in, automatic update checks turned off. Every setting sits inside the
JSON text of its store in `<data folder>/settings.json` (builder: tests/builders/jan.py)."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.jan import (
    ApiServer,
    analytics_blobs,
    api_server_blob,
    general_blob,
    write_settings_file,
)


def build(host: HostBuilder) -> None:
    home = host.user("ann", 1000)
    server = ApiServer(host="0.0.0.0", cors=True, on_startup=True, api_key="sk-planted")
    stores = {
        "setting-local-api-server": api_server_blob(server),
        "setting-general": general_blob(auto_update_check=False),
        **analytics_blobs(opted_in=True),
    }
    # Jan rewrites the file with the default mode (settings_store.rs write_map_atomic)
    write_settings_file(home / ".local/share/Jan/data", stores).chmod(0o644)
    host.process(4100, ["/usr/bin/Jan"], uid=1000, environ={"HOME": "/home/ann"})
    host.listen(4100, "0.0.0.0", 1337, uid=1000)
