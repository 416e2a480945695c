"""Fixture builders: fake Linux roots and tool data files in their real upstream formats."""

from tests.builders.docker import BindMount, PortPublish, VolumeMount
from tests.builders.host import HostBuilder, remove_tree

__all__ = ["BindMount", "HostBuilder", "PortPublish", "VolumeMount", "remove_tree"]
