"""The gateway's quotas as the test suite runs it: the one place they are lifted. Tests poll
(every 50 ms), race requests and start many runs for one user; the production defaults would refuse
them. Set as the environment at the session's start (tests/conftest.py), so gateways in-process and
as processes (`coursegen run`, the gateway's own entrypoint) read the same; a test of a quota sets
its own values on its settings, which win over the environment."""
from __future__ import annotations

from collections.abc import MutableMapping

SUITE_LIMITS = {
    "RATE_LIMIT_PER_MINUTE": "0",  # off
    "MAX_RUNS_IN_FLIGHT_PER_USER": "1000",
    "USER_BUDGET_USD": "1000000",
}


def lift_quotas(environ: MutableMapping[str, str]) -> None:
    """The suite's limits, unless the environment already sets one (to run the suite under it)."""
    for name, value in SUITE_LIMITS.items():
        environ.setdefault(name, value)
