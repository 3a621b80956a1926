"""A password or token in NATS_URL never shows: not in a connection error, not in a service's
start-up lines, not in a settings error (shared/bus/connection.py `without_secrets`)."""
from __future__ import annotations

import asyncio
import logging

import pytest
from pydantic import ValidationError

from shared.bus.connection import connect, server_urls, without_secrets
from ops.local.ports import free_port
from shared.settings import ServiceSettings
from tests.support.processes import Process
from tests.support.waiting import eventually

PASSWORD = "s3cret-pw-42"
TOKEN = "t0ken-that-is-secret"


def test_the_shown_url_keeps_user_host_and_port_but_not_the_secret():
    assert without_secrets(f"nats://alice:{PASSWORD}@nats.example:4222") == "nats://alice:***@nats.example:4222"
    assert without_secrets(f"tls://{TOKEN}@nats.example") == "tls://***@nats.example"
    assert (without_secrets(f"nats://alice:{PASSWORD}@n1:4222,nats://alice:{PASSWORD}@n2:4222")
            == "nats://alice:***@n1:4222,nats://alice:***@n2:4222")
    assert without_secrets("nats://127.0.0.1:4222") == "nats://127.0.0.1:4222"


async def test_connecting_where_nothing_listens_logs_no_password(caplog):
    caplog.set_level(logging.INFO, logger="shared.bus.connection")
    url = f"nats://alice:{PASSWORD}@127.0.0.1:{free_port()}"
    attempt = asyncio.create_task(connect(url, "secrets-test"))
    try:
        await eventually(lambda: any("NATS error" in r.getMessage() for r in caplog.records), 20,
                         "a connection error logged")
    finally:
        attempt.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
    shown = [r.getMessage() for r in caplog.records]
    assert not [line for line in shown if PASSWORD in line]
    assert any("alice:***@127.0.0.1" in line for line in shown)


def test_an_error_on_the_url_does_not_echo_its_secret():
    with pytest.raises(ValueError, match="empty entry") as error:
        server_urls(f"nats://alice:{PASSWORD}@127.0.0.1:4222,")
    assert PASSWORD not in str(error.value)
    with pytest.raises(ValidationError) as error:
        ServiceSettings(nats_url="nats://tok!en@127.0.0.1:4222")
    assert "tok!en" not in str(error.value)


def test_a_stage_service_start_up_shows_the_url_without_its_password():
    url = f"nats://alice:{PASSWORD}@127.0.0.1:{free_port()}"
    service = Process(["-m", "services.pathway.main"], {"NATS_URL": url})
    try:
        service.wait_for_line(lambda line: "NATS error" in line, timeout=60)
    finally:
        service.kill()
    printed = service.drain_output(timeout=10)
    assert not [line for line in printed if PASSWORD in line]
    assert any("connecting to NATS at nats://alice:***@127.0.0.1" in line for line in printed)
