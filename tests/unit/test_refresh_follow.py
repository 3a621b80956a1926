"""`coursegen refresh --wait` prints every step a refresh reached, also those that began and ended
between two of its polls (the answer lists `steps`), each once, in order."""
from __future__ import annotations

import io

import httpx

from ops.refresh_commands import _follow

SCAN, ANALYSE, WRITE = "scanning the repository", "analysing the documents", "writing the changed modules"


def answers(*statuses: dict) -> httpx.Client:
    """A client whose GET /refresh answers `statuses` in turn, as the gateway would."""
    pending = list(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"refresh_id": "r1", **pending.pop(0)})
    return httpx.Client(base_url="http://gateway", transport=httpx.MockTransport(answer))


def followed(*statuses: dict) -> list[str]:
    out = io.StringIO()
    _follow(answers(*statuses), "c1", "r1", out, poll=0)
    return out.getvalue().splitlines()


def test_a_step_passed_between_two_polls_is_still_shown_once_in_order():
    lines = followed({"status": "RUNNING", "step": "starting"},
                     {"status": "RUNNING", "step": f"{ANALYSE}: Started", "steps": [SCAN, ANALYSE]},
                     {"status": "RUNNING", "step": f"{ANALYSE}: Started", "steps": [SCAN, ANALYSE]},
                     {"status": "NEW_VERSION", "steps": [SCAN, ANALYSE, "carrying the pathway forward", WRITE]})
    assert lines == ["  starting", f"  {SCAN}", f"  {ANALYSE}: Started", "  carrying the pathway forward",
                     f"  {WRITE}"]


def test_a_step_seen_while_it_ran_is_not_shown_again():
    lines = followed({"status": "RUNNING", "step": f"{SCAN}: Cloning", "steps": [SCAN]},
                     {"status": "RUNNING", "step": f"{ANALYSE}: Started", "steps": [SCAN, ANALYSE]},
                     {"status": "UNCHANGED", "steps": [SCAN, ANALYSE]})
    assert lines == [f"  {SCAN}: Cloning", f"  {ANALYSE}: Started"]
