"""The data folder of `coursegen run` (COURSEGEN_DATA_DIR, default .data): the development secrets kept
in it across runs, and runtime.json, where a running system says where its servers are — read by the
commands that reach that system (`coursegen nats-url`, `replay`, the operator commands)."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from shared.sealing import new_private_key


def data_dir() -> Path:
    path = Path(os.environ.get("COURSEGEN_DATA_DIR", ".data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def development_secret() -> str:
    """JWT_SECRET if set, else a random one kept in the data folder across runs."""
    if os.environ.get("JWT_SECRET"):
        return os.environ["JWT_SECRET"]
    path = data_dir() / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def development_secrets_key() -> str:
    """SECRETS_KEY if set, else a private key kept in the data folder across runs, so a token
    sealed before a restart still opens after it. Only repo_clone gets it; the gateway gets its
    public half."""
    if os.environ.get("SECRETS_KEY"):
        return os.environ["SECRETS_KEY"]
    path = data_dir() / "secrets-key"
    if not path.exists():
        path.write_text(new_private_key())
        path.chmod(0o600)
    return path.read_text().strip()


def runtime_file() -> Path:
    return data_dir() / "runtime.json"


def running_system() -> dict:
    """What the `coursegen run` on this data folder wrote about itself (its NATS, PostgreSQL and gateway
    URLs), or {} when none is running."""
    path = runtime_file()
    return json.loads(path.read_text()) if path.exists() else {}
