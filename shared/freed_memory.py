"""Memory a service frees goes back to the operating system.

glibc's malloc maps a large block (a document's text, an export's bytes, a decoded history) on its
own, and unmaps it when freed, only while it is larger than a threshold — and glibc raises that
threshold to the largest mapped block freed so far (up to 32 MB). After a service has freed one
big buffer, the next ones come from the heap, and freed heap memory mostly stays with the process:
a run that reads a large course once leaves its peak in the service for good, and the next run
adds to it in another thread's heap. Fixing the threshold (mallopt M_MMAP_THRESHOLD) turns that
adjustment off: blocks above it are mapped and unmapped as they come and go."""
from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
LARGE_BLOCK_BYTES = 128 * 1024  # glibc's own starting threshold


def return_freed_blocks() -> bool:
    """Keep glibc's mmap threshold at LARGE_BLOCK_BYTES for this process. False where the C library
    has no such setting (not glibc): nothing changes there."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES) == 1
