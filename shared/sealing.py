"""Sealing short-lived secrets (private-repository tokens) so that only the service that uses them
can read them: HPKE (RFC 9180: X25519, HKDF-SHA256, ChaCha20-Poly1305) from `cryptography`.

The gateway holds only the public key and seals; repo_clone holds the private key and opens. A
sealed entry is bound to the key it is stored under (HPKE `info`), so an entry copied to another
course's key does not open. Rotation: repo_clone accepts a previous private key for opening while
entries sealed to it drain (they live at most the KV's TTL), the gateway seals to the new public key.

Keys are the 32 raw bytes in URL-safe base64 (`coursegen secrets-key` prints a new pair).
"""
from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, PublicFormat, NoEncryption

_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
_VERSION = b"\x01"  # the first byte of every sealed value: the suite above
# Development only (settings refuse it elsewhere): lets a gateway and a repo_clone started without
# SECRETS_* agree, so a private repository still works in tests and on a laptop. Secrets sealed to
# it are still never stored in clear, but anyone can open them: production must set real keys.
_DEVELOPMENT_SEED = hashlib.sha256(b"coursegen development secrets key - never for production").digest()


class SecretUnreadable(Exception):
    """A sealed secret that none of the configured keys opens (wrong key, or tampered)."""


class InvalidKey(ValueError):
    """A configured key that is not 32 bytes of URL-safe base64."""


def _decode(text: str, what: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidKey(f"{what} must be 32 bytes in URL-safe base64 (`coursegen secrets-key` makes one)")
    return raw


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def new_private_key() -> str:
    return _encode(X25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))


def public_key_of(private_key: str) -> str:
    key = X25519PrivateKey.from_private_bytes(_decode(private_key, "SECRETS_KEY"))
    return _encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


DEVELOPMENT_PRIVATE_KEY = _encode(_DEVELOPMENT_SEED)
DEVELOPMENT_PUBLIC_KEY = public_key_of(DEVELOPMENT_PRIVATE_KEY)


def check_private_key(text: str, what: str = "SECRETS_KEY") -> str:
    _decode(text, what)
    return text.strip()


def check_public_key(text: str, what: str = "SECRETS_PUBLIC_KEY") -> str:
    _decode(text, what)
    return text.strip()


class Sealer:
    """Seals with a public key: what the gateway holds."""

    def __init__(self, public_key: str) -> None:
        self._key = X25519PublicKey.from_public_bytes(_decode(public_key, "SECRETS_PUBLIC_KEY"))

    def seal(self, secret: str, bound_to: str) -> bytes:
        return _VERSION + _SUITE.encrypt(secret.encode(), self._key, info=bound_to.encode())


class Opener:
    """Opens with the current private key or, during a rotation, the previous one."""

    def __init__(self, private_keys: list[str]) -> None:
        if not private_keys:
            raise InvalidKey("at least one SECRETS_KEY is needed to open sealed secrets")
        self._keys = [X25519PrivateKey.from_private_bytes(_decode(k, "SECRETS_KEY")) for k in private_keys]

    def open(self, sealed: bytes, bound_to: str) -> str:
        if not sealed.startswith(_VERSION):
            raise SecretUnreadable("the stored secret is not in a known sealed format")
        for key in self._keys:
            try:
                return _SUITE.decrypt(sealed[1:], key, info=bound_to.encode()).decode()
            except (InvalidTag, ValueError):
                continue
        raise SecretUnreadable("the stored secret cannot be opened with SECRETS_KEY (or SECRETS_KEY_PREVIOUS): "
                               "the gateway's SECRETS_PUBLIC_KEY belongs to another key")
