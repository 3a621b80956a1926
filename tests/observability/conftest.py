"""One pipeline run for the whole package: every test reads what it left behind."""
from __future__ import annotations

from types import SimpleNamespace

import httpx
import nats
import pytest

from tests.support.gateway import fresh_database
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.llm_fixtures import TEST_API_KEY
from tests.support.llm_server import FakeAnthropicServer
from tests.observability.pipeline import whole_pipeline
from tests.observability.system import analysis_answer, running_system
from tests.support.servers import nats_url

STREAM = "COURSES"


@pytest.fixture(scope="package")
async def private_database(postgres_server):
    return await fresh_database(postgres_server, "obs")


@pytest.fixture(scope="package")
def private_nats(tmp_path_factory):
    with nats_url(tmp_path_factory.mktemp("obs-nats")) as url:
        yield url


@pytest.fixture(scope="package")
def llm():
    with FakeAnthropicServer(api_key=TEST_API_KEY, default=analysis_answer) as server:
        yield server


@pytest.fixture(scope="package")
async def observed(private_nats, private_database, llm, tmp_path_factory):
    """The running system after a whole pipeline: its URLs, the run, and a JetStream context."""
    root = tmp_path_factory.mktemp("obs")
    make_repo(root / "skyline", COURSE_REPO)
    (root / "spans").mkdir()
    async with running_system(private_nats, private_database, llm.url, root / "spans") as system:
        async with httpx.AsyncClient(base_url=system.gateway_url, timeout=30) as api:
            run = await whole_pipeline(api, str(root / "skyline"))
        nc = await nats.connect(private_nats)
        try:
            yield SimpleNamespace(system=system, run=run, js=nc.jetstream(), llm=llm)
        finally:
            await nc.close()
