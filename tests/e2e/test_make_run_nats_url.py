"""An integrator finds the NATS server `coursegen run` (make run) started: its banner prints the URL,
`coursegen nats-url` prints the same one for the data folder, and a subscriber reaches the COURSES
stream there. With no system running, `coursegen nats-url` says so instead of guessing."""
from __future__ import annotations

import re
import tempfile

from shared.bus.connection import connect
from shared.events import ALL_EVENTS
from tests.support.launched import coursegen_run
from tests.support.processes import run_cli


async def test_the_banner_and_coursegen_nats_url_name_the_running_nats_server():
    with coursegen_run() as system:
        line = system.printed(lambda l: l.startswith("NATS"), timeout=10)
        banner_url = re.search(r"nats://\S+", line).group(0)
        printed = run_cli(["nats-url"], {"COURSEGEN_DATA_DIR": str(system.data)})
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout.strip() == banner_url == system.runtime()["nats_url"]
        nc = await connect(banner_url, "integrator")
        try:
            assert (await nc.jetstream().stream_info("COURSES")).config.subjects == ALL_EVENTS
        finally:
            await nc.close()


def test_coursegen_nats_url_without_a_running_system_says_so():
    with tempfile.TemporaryDirectory() as empty:
        printed = run_cli(["nats-url"], {"COURSEGEN_DATA_DIR": empty})
    assert printed.returncode == 1 and printed.stdout == ""
    assert "no running system" in printed.stderr and "make run" in printed.stderr
