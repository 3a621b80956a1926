"""The event contract as a Node.js integrator meets it (issue 20): the official AsyncAPI parser and
strict ajv, run through Node. Without node, npm or the installed packages the tests are skipped,
saying why (as the browser tests are without Chromium); `make test` installs them (`make node`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.node_checks import missing_node

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    reason = missing_node()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)
