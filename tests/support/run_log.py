"""A course's log read raw (an ordered JetStream consumer on its subjects, not the event store),
and what of one run comes after that run's end in it."""
from __future__ import annotations

import json

from nats.errors import TimeoutError as NatsTimeout


async def raw_log(js, course_id: str) -> list[dict]:
    """The course's messages as stored, in stream order."""
    sub = await js.subscribe(f"course.{course_id}.>", ordered_consumer=True)
    found = []
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=1)
            except (NatsTimeout, TimeoutError):
                return found
            found.append(json.loads(msg.data))
    finally:
        await sub.unsubscribe()


def after_end(log: list[dict], end_type: str, task_id: str) -> list[str]:
    """The events of run `task_id` that come after its first `end_type` in `log` (type and progress)."""
    ends = [i for i, e in enumerate(log) if e["event_type"] == end_type and e["payload"].get("task_id") == task_id]
    assert ends, f"no {end_type} of {task_id} in the log"
    return [f'{e["event_type"]} {e["payload"].get("progress_percentage", "")}'.strip()
            for e in log[ends[0] + 1:] if e["payload"].get("task_id") == task_id]
