"""Messages of the catalogue's events changed in one place — a value anywhere given an odd one, a
field taken away or an extra key added at any object — for the tests that hold two decoders to
reading every message alike (decode_stored and decode_event; the bulk fold's typed dicts)."""
from __future__ import annotations

import json
from typing import Any, Iterator

from hypothesis import strategies as st

ODD_VALUES = st.sampled_from([None, -1, 0, 2**64, 1.5, "", "x", True, [], {}, ["x"], {"x": 1},
                              "2025-01-01T00:00:00", "2025-01-01T00:00:00+02:00"])


def places(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every place in a JSON value: the paths of its dicts' keys and its lists' items."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from places(item, (*path, index))


def value_at(raw: Any, path: tuple) -> Any:
    for step in path:
        raw = raw[step]
    return raw


def changed(raw: Any, path: tuple, change) -> Any:
    """`raw` with the value at `path` replaced by `change(value)`; `raw` itself unchanged."""
    if not path:
        return change(raw)
    copy = dict(raw) if isinstance(raw, dict) else list(raw)
    copy[path[0]] = changed(raw[path[0]], path[1:], change)
    return copy


@st.composite
def mutated(draw, events: st.SearchStrategy) -> tuple[Any, bytes, str | None]:
    """(an event, its message changed in one place, the envelope field taken away whose default
    factory makes a fresh value — an id, a time — so that two readings agree only in making one)."""
    event = draw(events)
    raw = json.loads(event.to_json())
    # The envelope one time in four: a long payload would otherwise leave it almost never drawn
    path = () if draw(st.integers(0, 3)) == 0 else draw(st.sampled_from(list(places(raw))))
    target, made_anew = value_at(raw, path), None
    if isinstance(target, dict) and (not path or draw(st.booleans())):
        if target and draw(st.booleans()):
            gone = draw(st.sampled_from(sorted(target)))
            change = lambda obj: {k: v for k, v in obj.items() if k != gone}  # noqa: E731
            field = type(event).model_fields.get(gone) if not path else None
            made_anew = gone if field is not None and field.default_factory else None
        else:
            change = lambda obj: {**obj, "unexpected": 1}  # noqa: E731
    else:
        value = draw(ODD_VALUES)
        change = lambda _: value  # noqa: E731
    return event, json.dumps(changed(raw, path, change)).encode(), made_anew
