"""A lab machine with many tools and their settings, safe and unsafe, and one process
whose environment cannot be read."""

from __future__ import annotations

from tests.builders import HostBuilder, PortPublish


def build(host: HostBuilder) -> None:
    host.user("lab", 1000)
    # vLLM without any usage-stats off switch, with an API key on the command line
    host.process(
        100,
        ["/opt/vllm/bin/python3", "/opt/vllm/bin/vllm", "serve", "m", "--api-key", "k"],
        uid=1000,
    )
    host.listen(100, "127.0.0.1", 8000, uid=1000)
    # llama.cpp's server without an API key
    host.process(101, ["/usr/local/bin/llama-server", "-m", "model.gguf"], uid=1000)
    host.listen(101, "127.0.0.1", 8080, uid=1000)
    # text-generation-webui with a public share link
    host.process(
        102,
        ["/home/lab/textgen/installer_files/env/bin/python", "server.py", "--portable", "--share"],
        uid=1000,
    )
    # Ollama with cloud features off, whose environment is readable
    host.process(
        103, ["/usr/local/bin/ollama", "serve"], uid=1000, environ={"OLLAMA_NO_CLOUD": "1"}
    )
    host.listen(103, "127.0.0.1", 11434, uid=1000)
    # LocalAI whose environment cannot be read (another user's process without root)
    host.process(104, ["/usr/bin/local-ai", "run"], uid=0)
    host.path("/proc/104/environ").unlink()
    # AnythingLLM in Docker with telemetry off; LibreChat with open registration
    host.docker_container(
        "anythingllm",
        "mintplexlabs/anythingllm:latest",
        env={"DISABLE_TELEMETRY": "true"},
        ports=[PortPublish(container_port=3001, host_port=3001, host_ip="127.0.0.1")],
    )
    host.docker_container(
        "librechat",
        "ghcr.io/danny-avila/librechat-dev:latest",
        env={"ALLOW_REGISTRATION": "true", "ALLOW_UNVERIFIED_EMAIL_LOGIN": "false"},
    )
    # GPT4All's settings file, damaged
    host.file("/home/lab/.config/nomic.ai/GPT4All.ini", "usageStatsActive true\n[broken\n")
    # Open WebUI installed with pip but not running
    host.file(
        "/home/lab/.local/lib/python3.11/site-packages/open_webui-0.12.4.dist-info/METADATA",
        "Metadata-Version: 2.4\nName: open-webui\nVersion: 0.12.4\n",
    )
