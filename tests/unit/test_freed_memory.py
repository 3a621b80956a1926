"""A process that has freed a large buffer gives back what it frees afterwards: without
return_freed_blocks, glibc raises its mmap threshold past the freed buffer's size and the blocks
that follow stay with the process once freed (here 30 MB of 1 MB blocks)."""
from __future__ import annotations

import platform
import subprocess
import sys

import pytest

KEPT_AFTER_FREEING = """
import sys
from shared.freed_memory import return_freed_blocks
def resident_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
if sys.argv[1] == "returned":
    assert return_freed_blocks()
big = b"x" * (20 * 2**20)
del big
before = resident_mb()
blocks = [b"y" * 2**20 for _ in range(30)]
del blocks
print(resident_mb() - before)
"""


def kept_mb(mode: str) -> float:
    done = subprocess.run([sys.executable, "-c", KEPT_AFTER_FREEING, mode], capture_output=True, text=True,
                          timeout=60, check=True)
    return float(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="not glibc: its malloc has no such threshold")
def test_blocks_freed_after_a_large_buffer_go_back_to_the_system():
    assert kept_mb("glibc's default") > 20
    assert kept_mb("returned") < 5
