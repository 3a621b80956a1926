"""Clones a repository and scans its documentation (stage 1).
The stage's work arrives with its issue; for now the service records what it receives."""
from __future__ import annotations

import logging

from shared.events.catalogue import RepoCloneRequested

log = logging.getLogger(__name__)


async def handle_request(event: RepoCloneRequested) -> None:
    log.info("repo_clone received %s for course %s (event %s)", event.event_type, event.course_id,
             event.event_id)
