"""asyncpg's array encoder, made to ask concrete types first.

For every array parameter and every element of it, asyncpg asks `collections.abc` whether it is
a container (Iterable, Sized; Mapping for the array itself) — a Python-level
`ABCMeta.__instancecheck__` call each, two to four per element. For the projection that is most of
writing a scan (400 files as arrays for `unnest`) and of an analysed document's row (six arrays),
and half the CPU of a rebuild's COPY of them (26 µs -> 11 µs a row).

`isinstance` with a tuple answers in C when one of its types matches, in order. Putting
list, tuple, str and bytes before the ABC (dict before Mapping) gives every answer the ABC alone
gave, since each of them is a registered subclass of it; anything else is still asked of the ABC.
asyncpg is pinned; tests/unit/test_asyncpg_arrays.py checks the names it reads are still these."""
from __future__ import annotations

import collections.abc

_ITERABLE = (list, tuple, str, bytes, collections.abc.Iterable)
_SIZED = (list, tuple, str, bytes, collections.abc.Sized)
_MAPPING = (dict, collections.abc.Mapping)


def ask_concrete_types_first() -> None:
    """For this process; again: nothing more."""
    from asyncpg.protocol import protocol

    protocol.IterableABC, protocol.SizedABC, protocol.MappingABC = _ITERABLE, _SIZED, _MAPPING
