"""Proposes learning pathways (stage 3).
The stage's work arrives with its issue; for now the service records what it receives."""
from __future__ import annotations

import logging

from shared.events.catalogue import PathwaysRequested

log = logging.getLogger(__name__)


async def make_handler(js):
    """The stage's adapters arrive with its issue; the handler needs none yet."""
    return handle_request


async def handle_request(event: PathwaysRequested) -> None:
    log.info("pathway received %s for course %s (event %s)", event.event_type, event.course_id,
             event.event_id)
