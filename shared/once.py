"""A value a process makes on its first use and keeps: `@once` on a function of no arguments.

`functools.cache` does not serialise first calls: each thread that calls before the first call has
returned makes the value again. For the data a part loads on first use that is memory and time
paid once per thread — stage 2 analyses several documents at once in threads, and each of them
loaded the tagger's and the lemmatizer's lexicons for itself, the largest objects of the service —
and for a value that must be one (a metrics registry) it is a second one that some callers keep.
`@once` makes the value exactly once: the other callers wait for it. A first call that raises
leaves nothing behind; the next call tries again. tests/unit/test_once.py finds any other
zero-argument function cached with functools."""
from __future__ import annotations

import functools
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class _Once(Generic[T]):
    def __init__(self, make: Callable[[], T]) -> None:
        self._make, self._lock, self._made = make, threading.Lock(), False
        functools.update_wrapper(self, make)  # its name and docstring

    def __call__(self) -> T:
        if not self._made:  # read without the lock: once set, it never changes back
            with self._lock:
                if not self._made:
                    self._value = self._make()
                    self._made = True
        return self._value


def once(make: Callable[[], T]) -> Callable[[], T]:
    """`make()`'s value, made by the first call and returned to every call after it."""
    return _Once(make)
