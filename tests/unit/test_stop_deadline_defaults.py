"""The stop deadline (shared/stop_deadline.py) cuts only a stop that is stuck: by default it leaves a
stage service its whole wait for the work in hand and the gateway its wait for open requests, and the
deployments give a stopping process longer still before they kill it."""
from __future__ import annotations

import re
from pathlib import Path

from services.gateway.main import GRACEFUL_SHUTDOWN_SECONDS
from shared.settings import ServiceSettings
from shared.stage.app import STOP_GRACE_SECONDS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_default_deadline_outlasts_every_wait_of_a_clean_stop():
    deadline = ServiceSettings.model_fields["stop_deadline_seconds"].default
    assert deadline > STOP_GRACE_SECONDS and deadline > GRACEFUL_SHUTDOWN_SECONDS


def test_the_deployments_wait_longer_than_the_deadline_before_they_kill():
    deadline = ServiceSettings.model_fields["stop_deadline_seconds"].default
    kubernetes = [int(s) for path in (DEPLOY / "k8s").glob("*.yaml")
                  for s in re.findall(r"terminationGracePeriodSeconds: (\d+)", path.read_text())]
    compose = [int(s) for s in re.findall(r"stop_grace_period: (\d+)s", (DEPLOY / "compose.yaml").read_text())]
    assert kubernetes and compose
    assert min(kubernetes + compose) > deadline
