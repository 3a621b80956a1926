from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import settings as hypothesis_settings

from services.gateway.settings import GatewaySettings
from shared.bus.connection import connect
from shared.bus.provisioning import StreamSpec, provision
from tests.support.gateway import JWT_SECRET, fresh_database, running_gateway
from tests.support.quota_limits import lift_quotas
from tests.support.servers import nats_url, postgres_url
from tests.support.slow_tests import read_list
from tests.support.tiers import TIER_OF_FOLDER

TESTS = Path(__file__).parent
# Each folder's tier, one marker a folder (tests/support/tiers.py): `pytest -m unit` (or integration,
# e2e, browser, faults) runs one tier alone. `slow` marks the test functions listed in
# tests/slow_tests.txt, measured (tests/support/slow_tests.py): `make check` leaves them out.


def pytest_collection_modifyitems(config, items):
    slow = read_list()
    for item in items:
        folder = Path(item.path).relative_to(TESTS).parts[0]
        item.add_marker(TIER_OF_FOLDER[folder])
        if item.nodeid.partition("[")[0] in slow:
            item.add_marker("slow")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    # Each run's temporary folders in a folder of its own, not under pytest's shared
    # /tmp/pytest-of-<user>: every pytest session that starts resets that folder to mode 700, and the
    # embedded PostgreSQL (it runs as another user, pgserver) then loses its data folder mid-run —
    # a developer's `make check` beside `make test`, or a test running pytest, killed the other
    # run's database. xdist's workers get their folders inside this one.
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        config.option.basetemp = tempfile.mkdtemp(prefix="coursegen-tests-")

    # Speed is measured in bench/, never asserted in a test: Hypothesis's per-example deadline
    # (200 ms) failed a decoding property on a loaded machine when its first example paid for a
    # warm-up (650 ms, then 0.1 ms on the replay). Everything else as the active profile has it
    # (under CI=true Hypothesis's own "ci" profile: derandomised, no deadline either).
    hypothesis_settings.register_profile("coursegen", parent=hypothesis_settings.default, deadline=None)
    hypothesis_settings.load_profile("coursegen")
    lift_quotas(os.environ)  # the gateway's rate limit and quotas, lifted for the suite in one place


def pytest_sessionfinish(session, exitstatus):
    # A run that passed leaves nothing behind; a failing one keeps its folders to be looked at.
    basetemp = session.config.option.basetemp
    if exitstatus == 0 and not hasattr(session.config, "workerinput") and basetemp \
            and Path(basetemp).name.startswith("coursegen-tests-"):
        shutil.rmtree(basetemp, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    with postgres_url(tmp_path_factory.mktemp("postgres")) as url:
        yield url


@pytest.fixture
async def database_url(postgres_server):
    """A fresh, empty database for each test: no test sees another's rows."""
    return await fresh_database(postgres_server)


@pytest.fixture
def nats_server(tmp_path):
    """A private nats-server for each test (it starts in tens of milliseconds); anything with a
    `.url`, so USE_TESTCONTAINERS=1 can provide a container instead."""
    with nats_url(tmp_path) as url:
        yield SimpleNamespace(url=url)


@pytest.fixture
async def js(nats_server):
    """JetStream on the test's nats-server, the stream and buckets provisioned as the gateway does
    (tests/e2e overrides it with one that waits for the gateway to provision)."""
    nc = await connect(nats_server.url, "test")
    js = nc.jetstream()
    await provision(js, StreamSpec())
    yield js
    await nc.close()


@pytest.fixture
def settings(nats_server, database_url) -> GatewaySettings:
    return GatewaySettings(
        environment="test", nats_url=nats_server.url, database_url=database_url,
        jwt_secret=JWT_SECRET, admin_users=["admin"], projection_wait_seconds=5.0,
    )


@pytest.fixture
async def gateway(settings):
    async with running_gateway(settings) as client:
        yield client
