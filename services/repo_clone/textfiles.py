"""Reading a checkout's files as text without trusting them.

A repository is user content: a `.md` may be binary, Latin-1 or a symlink to `/etc/passwd`, and a
file may be a FIFO that blocks forever. Files are opened without following symlinks, only regular
files are read, binaries are recognised by content and any byte sequence decodes to some text.
"""
from __future__ import annotations

import codecs
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

BINARY_SNIFF_BYTES = 8192
# Control bytes never appear in text, in any of the encodings we accept (tab, newlines, form
# feed and ESC do, for terminal colour codes in logs pasted into docs).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_MAX_CONTROL_SHARE = 0.10
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Bytes 0x80-0x9f are control characters in Latin-1 but quotes and dashes in cp1252.
_CP1252_ONLY_BYTES = bytes(range(0x80, 0xA0))


def read_regular_file(path: Path, max_bytes: int | None) -> bytes:
    """At most `max_bytes + 1` bytes of `path` (all of it for None), refusing symlinks and
    anything not a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError("not a regular file")
        return file.read() if max_bytes is None else file.read(max_bytes + 1)


def looks_binary(data: bytes) -> bool:
    """True for content that is not text: a NUL byte or many control bytes near the start."""
    if data.startswith(_UTF16_BOMS):
        return False  # UTF-16 text is full of NUL bytes
    sample = data[:BINARY_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    control = len(sample.translate(None, delete=_NOT_CONTROL))
    return bool(sample) and control / len(sample) > _MAX_CONTROL_SHARE


def detect_encoding(data: bytes) -> str:
    """A Python codec that turns `data` into the text its author meant, as well as we can tell.

    Decode with `decode_text`: a file that is mostly UTF-8 with a few stray bytes is reported as
    "utf-8", and only decodes with replacement characters for the stray bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "utf-8" if _mostly_utf8(data) else _single_byte_encoding(data)


def _mostly_utf8(data: bytes) -> bool:
    # Valid multi-byte sequences are vanishingly rare in single-byte text, so if there are more
    # of them than broken ones, the file is UTF-8 with a few damaged bytes.
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - replaced > replaced


def _single_byte_encoding(data: bytes) -> str:
    if len(data.translate(None, delete=_CP1252_ONLY_BYTES)) < len(data):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"  # decodes every byte sequence


def decode_text(data: bytes, encoding: str) -> str:
    """`data` as text in `encoding`; bytes that do not fit become U+FFFD instead of an error."""
    return data.decode(encoding, errors="replace")


def notebook_problem(text: str) -> str | None:
    """Why `text` is not a Jupyter notebook (a JSON object with a list of cells); None if it is.
    JSON nested deeper than the interpreter's recursion limit (`[[[[…`) is a bad document like
    any other, never an exception that fails and redelivers the whole clone."""
    try:
        notebook = json.loads(text)
    except RecursionError:
        return "not a valid notebook (JSON nested too deeply)"
    except ValueError:
        return "not a valid notebook (JSON with cells)"
    if isinstance(notebook, dict) and isinstance(notebook.get("cells"), list):
        return None
    return "not a valid notebook (JSON with cells)"


class _KeptTexts:
    def __init__(self) -> None:
        self.texts: dict[tuple[str, int], str] = {}
        self.chars = 0


_kept: ContextVar[_KeptTexts | None] = ContextVar("kept_checkout_texts", default=None)
# What a scope keeps at most (characters of text): a documentation set of several thousand
# pages fits; a larger one reads again what did not fit, and the service's memory stays bounded.
MAX_KEPT_CHARS = 32_000_000


@contextmanager
def reading_each_file_once() -> Iterator[None]:
    """Within it, `read_checkout_text` keeps the texts it found: the navigation, the inferred
    order and the includes each read the same documents, and every read cost a realpath, a read
    and an encoding detection. A file not found is not kept (a later checkout may write it); a
    file found does not change while its checkout is scanned. Within an outer scope, that one
    goes on (the scan and the snapshot read the same documents)."""
    if _kept.get() is not None:
        yield
        return
    token = _kept.set(_KeptTexts())
    try:
        yield
    finally:
        _kept.reset(token)


def read_checkout_text(root: Path, relative: str, max_bytes: int = 2_000_000) -> str | None:
    """The text of a regular file inside the checkout `root` (already resolved), or None when it
    is missing, reached through a symlink, too large or binary."""
    path = os.path.join(root, relative)
    kept = _kept.get()
    if kept is not None and (path, max_bytes) in kept.texts:
        return kept.texts[path, max_bytes]
    if os.path.realpath(path) != os.path.normpath(path):
        return None  # some component is a symlink: it may lead out of the checkout
    try:
        data = read_regular_file(Path(path), max_bytes)
    except OSError:
        return None
    if len(data) > max_bytes or looks_binary(data):
        return None
    text = decode_text(data, detect_encoding(data))
    if kept is not None and kept.chars + len(text) <= MAX_KEPT_CHARS:
        kept.texts[path, max_bytes] = text
        kept.chars += len(text)
    return text
