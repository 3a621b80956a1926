"""A private PostgreSQL from the `pgserver` package: real server, data in a given folder."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    _server: object | None = None

    def start(self) -> "EmbeddedPostgres":
        import warnings

        # pgserver falls back to /tmp for its lock files when XDG_RUNTIME_DIR is unset; that is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver  # heavy import: only when a local server is really wanted

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        return self

    @property
    def socket_dir(self) -> str:
        return str(self._server.get_postmaster_info().socket_dir)

    def url(self, database: str = "postgres") -> str:
        """An asyncpg-compatible DSN over the server's Unix socket (it listens on no TCP port)."""
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir, safe='')}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
