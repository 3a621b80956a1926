"""The folding workers make asyncpg check arrays against concrete types (bulk_copy.take_lists_as_arrays):
the names it replaces must still be the ones asyncpg's array encoder reads, and the rows the fold
produces must still encode as they did. The rows COPYed by the workers are compared with the SQL
handlers' in tests/integration/test_bulk_replay.py."""
import collections.abc
import subprocess
import sys


def test_asyncpg_still_reads_the_container_checks_by_these_names():
    # In a fresh interpreter: the patch is for a worker process, not for this one.
    script = ("import collections.abc as abc; from asyncpg.protocol import protocol as p; "
              "assert p.IterableABC is abc.Iterable and p.SizedABC is abc.Sized and p.MappingABC is abc.Mapping; "
              "from services.gateway.projection.bulk_copy import take_lists_as_arrays; take_lists_as_arrays(); "
              "assert p.IterableABC == (list, tuple) and p.MappingABC is dict; print('ok')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_this_process_keeps_asyncpg_as_it_is():
    from asyncpg.protocol import protocol

    assert protocol.IterableABC is collections.abc.Iterable
