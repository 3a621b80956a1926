"""JSON log lines, one per record, with the service name and what the work is about: course_id,
correlation_id and event_id where known (shared.observability.context), trace_id and span_id
inside a trace."""
from __future__ import annotations

import json
import logging
import sys

from shared.observability.context import log_fields
from shared.observability.tracing import current_ids


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": self.formatTime(record), "level": record.levelname, "service": self._service,
                "logger": record.name, "message": record.getMessage(), **log_fields(), **current_ids()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


def configure_logging(level: str, service: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    logging.basicConfig(level=level, handlers=[handler], force=True)
