"""asyncpg's array encoder asks concrete types first (services/gateway/asyncpg_arrays.py): the names
it reads must still be asyncpg's, and every answer must be the one the ABCs alone gave."""
import array
import collections
import collections.abc
import subprocess
import sys

import pytest

from services.gateway.asyncpg_arrays import _ITERABLE, _MAPPING, _SIZED

SAMPLES = [[], ["a"], (), ("a", 1), "text", b"bytes", bytearray(b"x"), memoryview(b"x"), {"a": 1}, {"a"},
           frozenset(), collections.deque([1]), range(3), array.array("i", [1]), {}.keys(), {}.values(),
           (x for x in ()), iter([]), 1, 1.5, None, True, object(), collections.OrderedDict(),
           collections.UserDict(), collections.UserList(), collections.UserString("s")]


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: type(v).__name__)
def test_each_answer_is_the_abcs(value):
    assert isinstance(value, _ITERABLE) == isinstance(value, collections.abc.Iterable)
    assert isinstance(value, _SIZED) == isinstance(value, collections.abc.Sized)
    assert isinstance(value, _MAPPING) == isinstance(value, collections.abc.Mapping)


def test_asyncpg_still_reads_the_checks_by_these_names():
    # In a fresh interpreter, to see asyncpg's own values before and the replacements after.
    script = ("import collections.abc as abc; from asyncpg.protocol import protocol as p; "
              "assert (p.IterableABC, p.SizedABC, p.MappingABC) == (abc.Iterable, abc.Sized, abc.Mapping); "
              "from services.gateway.asyncpg_arrays import ask_concrete_types_first as f, _ITERABLE; f(); "
              "assert p.IterableABC is _ITERABLE; print('ok')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
