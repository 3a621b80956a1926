"""Hypothesis strategies for the events of the catalogue: any value each field's type and
constraints allow (shared by the event-property and the event-contract tests)."""
from __future__ import annotations

import contextlib
import json
import types
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterator, Literal, Union, get_args, get_origin

from hypothesis import strategies as st
from pydantic import BaseModel

from shared.events import COURSE_ID_PATTERN, Event
from shared.events.codec import UPCASTERS, register_upcaster

ZONES = st.builds(lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-14 * 60, 14 * 60))
MOMENTS = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 1, 1), timezones=ZONES)


def _bounds(metadata) -> dict:
    found = {}
    for item in metadata:
        for name in ("min_length", "max_length", "ge", "le", "gt", "lt", "pattern"):
            if getattr(item, name, None) is not None:
                found[name] = getattr(item, name)
    return found


def strategy_for(annotation, metadata=()) -> st.SearchStrategy:
    """Values of `annotation` that satisfy the field's constraints (lengths kept small)."""
    b, origin = _bounds(metadata), get_origin(annotation)
    if annotation is Any:  # a JSON value (an edited module's field)
        return st.one_of(st.text(max_size=20), st.integers(-1000, 1000), st.booleans(),
                         st.lists(st.text(max_size=10), max_size=3))
    if origin in (Union, types.UnionType):
        return st.one_of([strategy_for(arg, metadata) for arg in get_args(annotation)])
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is list:
        return st.lists(strategy_for(get_args(annotation)[0]), min_size=b.get("min_length", 0),
                        max_size=min(b.get("max_length", 3), 3))
    if origin is dict:
        key, value = get_args(annotation)
        return st.dictionaries(strategy_for(key), strategy_for(value), max_size=3)
    if annotation is type(None):
        return st.none()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model(annotation)
    if annotation is str and "pattern" in b:  # the pattern bounds the length itself
        return st.from_regex(b["pattern"], fullmatch=True)
    if annotation is str:
        return st.text(min_size=b.get("min_length", 0), max_size=min(b.get("max_length", 40), 40))
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(b.get("ge", b.get("gt", -2 ** 53 - 1) + 1), b.get("le", b.get("lt", 2 ** 53 + 1) - 1))
    if annotation is float:
        return st.floats(b.get("ge", b.get("gt", -1e9)), b.get("le", b.get("lt", 1e9)),
                         allow_nan=False, allow_infinity=False)
    if annotation is datetime:
        return MOMENTS
    if annotation is date:
        return st.dates()
    raise NotImplementedError(f"no strategy for {annotation!r}: extend strategy_for")


# The envelope as coursegen writes it (what the published schemas require): the model alone would
# also take other ids, which the log never holds from this code.
IDS = st.uuids().map(str)
ENVELOPE = {"course_id": st.from_regex(COURSE_ID_PATTERN.pattern, fullmatch=True), "schema_version": st.just(1),
            "event_type": None, "event_id": IDS, "correlation_id": st.none() | IDS,
            "causation_id": st.none() | IDS}


def model(cls: type[BaseModel]) -> st.SearchStrategy:
    required, optional = {}, {}
    for name, field in cls.model_fields.items():
        envelope = issubclass(cls, Event) and name in ENVELOPE
        strategy = ENVELOPE[name] if envelope else strategy_for(field.annotation, field.metadata)
        if strategy is not None:
            (required if field.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional).map(lambda values: cls(**values))


@contextlib.contextmanager
def written_as_version_zero(event: Event) -> Iterator[bytes]:
    """`event` as an older version would have written it (its `actor` named `by`, schema_version 0),
    with the upcaster that mends it registered while the block runs."""
    raw = json.loads(event.to_json())
    raw["by"], raw["schema_version"] = raw.pop("actor"), 0

    def step(r: dict) -> dict:
        return {**{k: v for k, v in r.items() if k != "by"}, "actor": r["by"], "schema_version": 1}

    register_upcaster(event.event_type, 0)(step)
    try:
        yield json.dumps(raw).encode()
    finally:
        UPCASTERS.pop((event.event_type, 0), None)
