"""Personal data sealed with its person's own key (crypto-shredding): the events name a person by a
random reference and carry who they are (user id, email) encrypted with a key only the gateway's key
store holds (keys.py). Destroying the key makes every copy of that data unreadable — the log, its
replicas and its backups — while the events stay valid and replay goes on working.

ChaCha20-Poly1305 (RFC 8439) from `cryptography`; the reference is the associated data, so a sealed
value copied to another person's event does not open."""
from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

KEY_BYTES = 32
_NONCE_BYTES = 12
_VERSION = b"\x01"


class Unreadable(Exception):
    """Sealed data its key does not open (another person's, tampered, or the key is gone)."""


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def seal(key: bytes, ref: str, data: dict[str, Any]) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    plain = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    sealed = _VERSION + nonce + ChaCha20Poly1305(key).encrypt(nonce, plain, ref.encode())
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def open_sealed(key: bytes, ref: str, sealed: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
        if raw[:1] != _VERSION:
            raise Unreadable("not sealed by this version")
        nonce, box = raw[1:1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES:]
        data = json.loads(ChaCha20Poly1305(key).decrypt(nonce, box, ref.encode()))
    except (InvalidTag, ValueError) as exc:
        raise Unreadable("the sealed data does not open with this key") from exc
    if not isinstance(data, dict):
        raise Unreadable("the sealed data is not an object")
    return data
