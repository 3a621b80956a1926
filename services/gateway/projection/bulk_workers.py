"""The fold of a long log spread over worker processes, each folding the courses of its partition
(a course's events stay in order within one fold; courses are independent), while this process
reads the log and hands each worker its share. Decoding and folding are CPU work under the GIL:
processes, not threads, let them use every core.

Courses are independent except for ids unique across courses (analysed documents, pathways,
modules): a log in which two partitions ever held the same one is not folded in parts
(NotBulkable), since its rows would depend on how the courses interleave."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import queue
import socket
import subprocess
import sys
import threading
import zlib
from collections import Counter
from multiprocessing.connection import Connection

from ..asyncpg_arrays import ask_concrete_types_first
from .bulk_copy import Loaded, by_rows, copy_all
from .fold import Fold, NotBulkable


PARTITIONS_KEPT = 200_000  # subjects whose partition the reader keeps (a few tens of MB at most)
# Shares of batches the reader may hand a worker before it waits for that worker (a few MB each):
# enough that a worker given more of one batch catches up during the next ones, rather than the
# reader, and with it the other workers, waiting for the slowest worker at every batch.
AHEAD = 8
_END = object()  # the last share: the sender tells its worker the log is through


def partition_of(subject: str, parts: int) -> int:
    """A course's partition, from its subject (course.<course_id>.<EventType>); stable across processes."""
    course = subject.split(".", 2)[1] if subject.count(".") >= 2 else ""
    return zlib.crc32(course.encode()) % parts


def _work(conn: Connection) -> None:
    """A worker's life: fold every batch it is sent; at the end (None) say how far it got, which
    ids it holds and how many rows each table has, then do as told — send the rows back, or COPY
    them into a schema itself, saying when each table is in — until told to stop (None).

    Without the cyclic garbage collector: the fold builds millions of rows (tuples, lists, dicts)
    and makes no cycles worth collecting, while each collection walks every row kept so far —
    measured, a quarter of the fold's time. The process ends when the rebuild does."""
    gc.disable()
    ask_concrete_types_first()  # for the COPY it may be told to make
    fold = Fold()
    try:
        while (batch := conn.recv()) is not None:
            for seq, subject, data in batch:
                fold.add(seq, subject, data)
        tables = fold.tables()
        conn.send(("folded", fold.position, fold.claimed, {table: len(rows) for table, rows in tables.items()}))
        while (command := conn.recv()) is not None:
            if command[0] == "rows":
                conn.send(("rows", tables))
            elif command[0] == "copy":
                _, database_url, schema, chunk, order = command
                try:
                    copied = asyncio.run(copy_all(database_url, schema, tables, chunk, order,
                                                  loaded=lambda table: conn.send(("table", table))))
                    conn.send(("copied", copied))
                except Exception as exc:
                    conn.send(("failed", f"{type(exc).__name__}: {exc}"[:2000]))
    except NotBulkable as exc:
        conn.send(("not bulkable", str(exc)))
        while conn.recv() is not None:  # drain: the reader may still be sending
            pass
    finally:
        conn.close()


class FoldWorkers:
    """`parts` worker processes; feed them the log in order, then `folded()`, then either `rows()`
    back here or `copy_into()` a schema by the workers themselves; `close()` in the end."""

    def __init__(self, parts: int) -> None:
        # A fresh interpreter per worker, not multiprocessing's spawn: that would import the
        # caller's __main__ again, and the caller may be any program (the gateway, the CLI, a test).
        self._parts, self._pipes, self._processes = parts, [], []
        self._waiting: list[Connection] = []  # workers that folded and wait for a command
        self.counts: dict[str, int] = {}  # each table's rows, summed over the workers, once folded
        self._closed = False
        # subject -> partition: a course's few subjects recur in every batch (measured, working
        # the partition out again was a third of the reader's own time)
        self._partitions: dict[str, int] = {}
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        for _ in range(parts):
            ours, theirs = socket.socketpair()
            process = subprocess.Popen([sys.executable, "-m", __name__, str(theirs.fileno())],
                                       pass_fds=[theirs.fileno()], env=env)
            theirs.close()
            self._pipes.append(Connection(ours.detach()))
            self._processes.append(process)
        self._senders = [_Sender(pipe) for pipe in self._pipes]

    async def feed(self, batch: list) -> None:
        """Hand each worker its share of `batch`; waits only for a worker AHEAD shares behind.
        Raises what a worker's sender met (OSError, EOFError: the worker died)."""
        shares: list[list] = [[] for _ in range(self._parts)]
        known = self._partitions
        if len(known) > PARTITIONS_KEPT:
            known.clear()
        for m in batch:
            part = known.get(m.subject)
            if part is None:
                part = known[m.subject] = partition_of(m.subject, self._parts)
            shares[part].append((m.seq, m.subject, m.data))
        for sender, share in zip(self._senders, shares):
            if share:
                await sender.put(share)

    async def folded(self) -> int:
        """The last sequence folded, once every worker is through. Raises NotBulkable."""
        for sender in self._senders:
            await sender.put(_END)
        for sender in self._senders:
            await sender.through()
        answers = await asyncio.gather(*(asyncio.to_thread(pipe.recv) for pipe in self._pipes))
        self._waiting = [pipe for pipe, answer in zip(self._pipes, answers) if answer[0] == "folded"]
        refused = [a[1] for a in answers if a[0] != "folded"]
        if refused:
            raise NotBulkable(refused[0])
        for kind in ("doc", "pathway", "module"):
            seen: set[str] = set()
            for _, _, claimed, _ in answers:
                if seen & claimed[kind]:
                    raise NotBulkable(f"courses of different partitions held the same {kind} id")
                seen |= claimed[kind]
        self.counts = dict(sum((Counter(a[3]) for a in answers), Counter()))
        return max(a[1] for a in answers)

    async def rows(self) -> dict[str, list[tuple]]:
        """Every table's rows, merged from the workers."""
        answers = await self._ask(("rows",))
        tables: dict[str, list[tuple]] = {}
        for _, rows in answers:
            for table, found in rows.items():
                tables.setdefault(table, []).extend(found)
        return tables

    async def copy_into(self, database_url: str, schema: str, chunk: int, loaded: Loaded | None = None) -> int:
        """Each worker COPYs its rows into `schema` over connections of its own, the tables in the
        same order (the most rows first); `loaded(table)` once every worker's rows of a table are
        in. How many rows."""
        order = by_rows(self.counts)
        await asyncio.gather(*(asyncio.to_thread(pipe.send, ("copy", database_url, schema, chunk, order))
                               for pipe in self._waiting))
        reported: Counter[str] = Counter()

        async def listen(pipe: Connection) -> tuple:
            while (answer := await asyncio.to_thread(pipe.recv))[0] == "table":
                reported[answer[1]] += 1
                if reported[answer[1]] == len(self._waiting) and loaded is not None:
                    loaded(answer[1])
            return answer

        answers = await asyncio.gather(*(listen(pipe) for pipe in self._waiting))
        failed = [a[1] for a in answers if a[0] != "copied"]
        if failed:
            raise RuntimeError(f"a folding worker could not load its rows: {failed[0]}")
        return sum(a[1] for a in answers)

    async def finish(self) -> tuple[int, dict[str, list[tuple]]]:
        """(the last sequence folded, every table's rows). Raises NotBulkable."""
        return await self.folded(), await self.rows()

    async def _ask(self, command: tuple) -> list:
        await asyncio.gather(*(asyncio.to_thread(pipe.send, command) for pipe in self._waiting))
        return await asyncio.gather(*(asyncio.to_thread(pipe.recv) for pipe in self._waiting))

    def close(self) -> None:
        """Stop the workers and wait for them to exit; again: nothing."""
        if self._closed:
            return
        self._closed = True
        for sender in self._senders:
            sender.stop()
        for pipe in self._waiting:
            with contextlib.suppress(OSError):
                pipe.send(None)  # a folded worker waits for a command: none will come
        for pipe in self._pipes:
            pipe.close()  # a worker still reading sees the end and exits
        for process in self._processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class _Sender:
    """A thread sending one worker its shares in order, from a queue of at most AHEAD, so the reader
    goes on reading while a worker is busy. Once sending fails (the worker died), it drops what
    comes and `put` raises the failure."""

    def __init__(self, pipe: Connection) -> None:
        self._pipe = pipe
        self._queue: queue.Queue = queue.Queue(maxsize=AHEAD)
        self._failed: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="fold-sender", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (share := self._queue.get()) is not _END:
            if self._failed is None and not self._stopping:
                try:
                    self._pipe.send(share)
                except BaseException as exc:  # noqa: BLE001  # handed to the reader by put/through
                    self._failed = exc
        if self._failed is None and not self._stopping:
            try:
                self._pipe.send(None)
            except BaseException as exc:  # noqa: BLE001
                self._failed = exc

    async def put(self, share) -> None:
        if self._failed is not None:
            raise self._failed
        try:
            self._queue.put_nowait(share)
        except queue.Full:
            await asyncio.to_thread(self._queue.put, share)

    async def through(self) -> None:
        """Once the last share is sent (put _END first); raises what sending met."""
        await asyncio.to_thread(self._thread.join)
        if self._failed is not None:
            raise self._failed

    def stop(self) -> None:
        """Drop whatever is left and end the thread (a worker being closed reads no more)."""
        self._stopping = True
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_END)


if __name__ == "__main__":
    _work(Connection(int(sys.argv[1])))
    # Not the interpreter's finalisation: it collects every cycle even with the collector off, and
    # the fold's millions of rows hang off one (measured, half a second of CPU per 100,000 events
    # folded, taken from the index builds running meanwhile). The process holds nothing to flush.
    os._exit(0)
