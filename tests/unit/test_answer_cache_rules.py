"""The gateway's answer cache (services/gateway/caches/answer_cache.py): an answer is served again only
under the version it was built at, per key; errors are never kept; the cache stays within its
entries and bytes."""
from __future__ import annotations

import pytest

from services.gateway.caches.answer_cache import AnswerCache


class Tables:
    """The read tables' version as the checkpoint row gives it, moved by hand."""

    def __init__(self) -> None:
        self.current = (1, "100")

    async def version(self):
        return self.current


def builder(body: bytes, calls: list):
    async def build() -> bytes:
        calls.append(body)
        return body
    return build


async def test_an_answer_is_built_once_per_version_of_the_tables():
    tables, calls = Tables(), []
    cache = AnswerCache(tables.version)
    assert await cache.answer("k", builder(b"one", calls)) == b"one"
    assert await cache.answer("k", builder(b"ignored", calls)) == b"one"
    assert calls == [b"one"] and (cache.hits, cache.misses) == (1, 1)

    tables.current = (2, "101")  # an event projected
    assert await cache.answer("k", builder(b"two", calls)) == b"two"
    # A rebuild that ends at the same sequence is another transaction: another version.
    tables.current = (2, "205")
    assert await cache.answer("k", builder(b"three", calls)) == b"three"
    assert calls == [b"one", b"two", b"three"]


async def test_keys_never_share_an_answer():
    tables, calls = Tables(), []
    cache = AnswerCache(tables.version)
    assert await cache.answer(("courses", "alice"), builder(b"alice's", calls)) == b"alice's"
    assert await cache.answer(("courses", "bob"), builder(b"bob's", calls)) == b"bob's"
    assert await cache.answer(("courses", "alice"), builder(b"x", calls)) == b"alice's"


async def test_an_error_is_not_kept():
    tables, calls = Tables(), []
    cache = AnswerCache(tables.version)

    async def refuse() -> bytes:
        raise LookupError("not yours")

    with pytest.raises(LookupError):
        await cache.answer("k", refuse)
    assert len(cache) == 0
    assert await cache.answer("k", builder(b"built", calls)) == b"built"


async def test_the_least_recently_used_go_first_by_count_and_by_size():
    tables, calls = Tables(), []
    cache = AnswerCache(tables.version, max_entries=2, max_bytes=10, max_answer_bytes=10)
    await cache.answer("a", builder(b"aaa", calls))
    await cache.answer("b", builder(b"bbb", calls))
    await cache.answer("a", builder(b"-", calls))  # a used last: b goes first
    await cache.answer("c", builder(b"ccc", calls))
    assert len(cache) == 2 and calls == [b"aaa", b"bbb", b"ccc"]
    await cache.answer("b", builder(b"bbb", calls))
    assert calls[-1] == b"bbb"  # b was gone: built again

    await cache.answer("big", builder(b"x" * 9, calls))  # 9 + 3 > 10 bytes: only it stays
    assert len(cache) == 1 and cache.size_bytes == 9
    await cache.answer("huge", builder(b"y" * 11, calls))  # larger than the whole cache: not kept
    assert len(cache) == 1 and cache.size_bytes == 9


async def test_an_answer_larger_than_its_share_is_sent_and_not_kept():
    tables, calls = Tables(), []
    cache = AnswerCache(tables.version, max_entries=10, max_bytes=100, max_answer_bytes=20)
    await cache.answer("small", builder(b"s" * 20, calls))
    assert await cache.answer("page", builder(b"p" * 21, calls)) == b"p" * 21
    assert len(cache) == 1 and cache.size_bytes == 20  # the small one stays
    await cache.answer("page", builder(b"p" * 21, calls))
    assert calls == [b"s" * 20, b"p" * 21, b"p" * 21]  # built again each time


def test_a_cache_without_room_is_refused():
    with pytest.raises(ValueError):
        AnswerCache(Tables().version, max_entries=0)
