"""A private PostgreSQL from the `pgserver` package: real server, data in a given folder."""
from __future__ import annotations

import json
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
        try:
            import pgserver  # heavy import: only when a local server is really wanted
        except ImportError:
            raise RuntimeError("the embedded PostgreSQL needs the `local` extra (pip install 'coursegen[local]', "
                               "which make install does); or set DATABASE_URL to a PostgreSQL server") from None

        self.data_dir.mkdir(parents=True, exist_ok=True)
        with pgserver.PostgresServer._lock:
            _forget_dead_handles(self.data_dir)
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        return self

    @property
    def socket_dir(self) -> str:
        return str(self._server.get_postmaster_info().socket_dir)

    @property
    def pid(self) -> int | None:
        """The postmaster's process id (every backend is a child of it); None when not running."""
        return self._server.get_pid() if self._server is not None else None

    def url(self, database: str = "postgres") -> str:
        """An asyncpg-compatible DSN over the server's Unix socket (it listens on no TCP port)."""
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir, safe='')}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def _forget_dead_handles(data_dir: Path) -> None:
    """pgserver stops the server when its last user stops, counting users by the pids it listed
    in the data folder. A user killed with -9 never leaves the list, so the next one would adopt
    the server it left running and never stop it: the dead are taken off the list first."""
    import psutil

    handles = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return  # no list yet (a new folder), or not pgserver's: nothing to forget
    if isinstance(pids, list):
        handles.write_text(json.dumps([pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]))
