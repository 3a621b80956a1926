"""How many objects of a class are alive, for the tests that bound what a stage holds.

Counted from `gc.get_objects()`, whose list holds every object while it lasts, tuples that another
thread is still building among them: such a tuple cannot grow while something else holds it, and
that thread fails ("bad argument to internal function"). So the list lives only inside one
expression evaluated in C (the interpreter lets no other thread run in the middle of it), and one
count runs at a time (a count's list also keeps alive what another thread has let go)."""
from __future__ import annotations

import gc
import threading

_COUNTING = threading.Lock()


def live(kind: type) -> int:
    with _COUNTING:
        gc.collect()  # what a cycle keeps until the next collection is not alive
        return list(map(type, gc.get_objects())).count(kind)
