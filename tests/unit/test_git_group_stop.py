"""A failed clone returns only once nothing git started still runs: SIGKILL sent to the group is not
yet SIGKILL acted on, and a helper reparented when git died could run on for a moment."""
import os
import subprocess

from services.repo_clone.git_process import _group_runs, _kill_group


def test_a_group_with_a_live_member_runs_and_a_zombie_alone_does_not():
    live = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        assert _group_runs(live.pid)
    finally:
        live.kill()
        live.wait()
    assert not _group_runs(live.pid)

    ended = subprocess.Popen(["true"], start_new_session=True)
    os.waitid(os.P_PID, ended.pid, os.WEXITED | os.WNOWAIT)  # it has ended and is not reaped: a zombie
    assert not _group_runs(ended.pid)
    ended.wait()

def test_killing_a_group_waits_until_its_grandchildren_have_stopped(tmp_path):
    pids = tmp_path / "pids"
    parent = subprocess.Popen(["sh", "-c", f'sleep 60 & echo $! > "{pids}"; wait'], start_new_session=True)
    while not (pids.exists() and pids.read_text().strip()):
        assert parent.poll() is None
    assert _group_runs(parent.pid)
    _kill_group(parent)
    assert not _group_runs(parent.pid)
