"""Which stage run an event belongs to, and the id its envelope's `correlation_id` carries.

A stage run is named by its `task_id` (the REST API answers it; every event of the run carries it
in `payload.task_id`). Its events' `correlation_id` is the same UUID: the gateway writes it on the
request command, stage services copy it (`Event.reacting`), and the gateway's cancel and watchdog
copy it from the request. Events of no run (CourseCreated, FoldersSelected, …) carry none.

Since issue 20 a new task id is a canonical UUID (`str(uuid4())`), so `correlation_id ==
payload.task_id` literally. Older runs have 32-hex task ids and a random correlation id of their
own: the log keeps them as written, and they read back as before."""
from __future__ import annotations

import uuid

from .envelope import Event


def new_task_id() -> str:
    """A new stage run's id: a lowercase canonical UUID, valid as `task_id` and `correlation_id`."""
    return str(uuid.uuid4())


def run_of(event: Event) -> str | None:
    """The task id of the stage run `event` belongs to, or None for an event of no run."""
    return getattr(event.payload, "task_id", None)


def correlation_for(event: Event) -> str | None:
    """The `correlation_id` coursegen writes on `event` since issue 20: its run's task id in
    canonical UUID form (what the envelope's schema requires), or None for an event of no run."""
    task_id = run_of(event)
    return None if task_id is None else str(uuid.UUID(task_id))
