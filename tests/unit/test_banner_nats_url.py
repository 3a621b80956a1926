"""The `make run` banner shows the NATS URL, but never a password or token given in NATS_URL."""
from __future__ import annotations

from shared.bus.connection import without_secrets as _without_password


def test_a_password_in_the_nats_url_is_masked_on_the_console():
    assert _without_password("nats://me:s3cret@nats.example:4222") == "nats://me:***@nats.example:4222"
    assert _without_password("nats://127.0.0.1:41234") == "nats://127.0.0.1:41234"
    assert _without_password("nats://s3cret-token@127.0.0.1:4222") == "nats://***@127.0.0.1:4222"
