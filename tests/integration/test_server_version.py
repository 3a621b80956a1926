"""NATS >= 2.11 is required, and an older server is refused at connection with a clear error."""
from __future__ import annotations

import os

import pytest

from shared.bus.connection import MINIMUM_SERVER_VERSION, ServerTooOld, check_server_version, connect
from ops.local.nats_server import NatsServer, binary_version, find_nats_server

DEBIAN_NATS_SERVER = "/usr/sbin/nats-server"


@pytest.mark.parametrize("version", ["2.11.0", "2.11.3", "2.15.0", "v2.12.1", "3.0.0", "2.11.0-RC.2"])
def test_new_enough_versions_are_accepted(version):
    check_server_version(version)


@pytest.mark.parametrize("version", ["2.10.9", "2.9.10", "2.10.29", "1.4.1", "v2.10.0"])
def test_older_versions_are_refused_naming_the_minimum(version):
    with pytest.raises(ServerTooOld) as caught:
        check_server_version(version)
    message = str(caught.value)
    assert version in message and ">= 2.11" in message


@pytest.mark.parametrize("version", ["", "unknown", "2.x.1"])
def test_unreadable_versions_are_refused(version):
    with pytest.raises(ServerTooOld, match="cannot read the NATS server version"):
        check_server_version(version)


@pytest.fixture
def old_nats_server(tmp_path):
    if not (os.path.isfile(DEBIAN_NATS_SERVER) and os.access(DEBIAN_NATS_SERVER, os.X_OK)):
        pytest.skip(f"no old nats-server at {DEBIAN_NATS_SERVER} to test the refusal against")
    version = binary_version(DEBIAN_NATS_SERVER)
    if version >= MINIMUM_SERVER_VERSION:
        pytest.skip(f"{DEBIAN_NATS_SERVER} is v{'.'.join(map(str, version))}, not older than 2.11")
    server = NatsServer(tmp_path / "old", binary=DEBIAN_NATS_SERVER).start()
    try:
        yield server, ".".join(map(str, version))
    finally:
        server.stop()


async def test_connecting_to_a_real_old_server_is_refused(old_nats_server):
    server, version = old_nats_server
    with pytest.raises(ServerTooOld) as caught:
        await connect(server.url, "version-test")
    assert f"NATS server {version} is too old" in str(caught.value)
    assert ">= 2.11" in str(caught.value)


async def test_connecting_to_the_provided_server_works(nats_server):
    nc = await connect(nats_server.url, "version-test")
    try:
        assert nc.is_connected
        check_server_version(nc._server_info["version"])
    finally:
        await nc.close()


def test_find_nats_server_returns_a_new_enough_binary():
    binary = find_nats_server()
    assert os.access(binary, os.X_OK)
    assert binary_version(binary) >= MINIMUM_SERVER_VERSION


def test_find_nats_server_skips_a_too_old_binary_named_by_the_environment(monkeypatch):
    if not os.path.isfile(DEBIAN_NATS_SERVER):
        pytest.skip(f"no old nats-server at {DEBIAN_NATS_SERVER}")
    monkeypatch.setenv("NATS_SERVER_BIN", DEBIAN_NATS_SERVER)
    assert binary_version(find_nats_server()) >= MINIMUM_SERVER_VERSION
