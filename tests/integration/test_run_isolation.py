"""A run's servers are its own: another pytest session starting beside it (a developer's `make check`
during `make test`, a test that runs pytest) does not take this run's PostgreSQL away. pytest resets
its shared temporary root to mode 700 at every start, which cut the embedded server (running as its
own user) off from a data folder under that root (tests/conftest.py puts each run elsewhere)."""
from __future__ import annotations

import subprocess
import sys

import asyncpg

ANOTHER_SESSION = "def test_uses_a_temporary_folder(tmp_path):\n    assert tmp_path.is_dir()\n"


async def test_another_pytest_session_leaves_this_runs_database_alone(postgres_server, tmp_path):
    (tmp_path / "test_other.py").write_text(ANOTHER_SESSION)
    other = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "/dev/null",
                            "--rootdir", str(tmp_path), str(tmp_path / "test_other.py")],
                           capture_output=True, text=True, cwd=tmp_path)
    assert other.returncode == 0, other.stdout + other.stderr
    connection = await asyncpg.connect(postgres_server)
    try:
        await connection.execute("CHECKPOINT")  # the server opens its data folder's files again
        assert await connection.fetchval("SELECT count(*) FROM pg_database") >= 1
    finally:
        await connection.close()
