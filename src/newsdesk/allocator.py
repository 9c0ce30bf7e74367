"""How the C allocator gives large blocks back: always from their own mapping, so a long run's peak stays its need.

glibc's ``malloc`` serves a block over its mmap threshold (128 KiB) from a mapping of its own, handed back to the
system when freed; but each time such a block is freed it raises the threshold to that block's size (up to
32 MiB). From then on numpy's large temporaries (a batch's dedup arrays, a grown story table) come from the heap,
which fragments and rarely shrinks: ``newsdesk bench clustering`` peaked 90 MB higher over 200,000 articles.
Fixing the threshold (``mallopt(M_MMAP_THRESHOLD)``, as ``MALLOC_MMAP_THRESHOLD_`` would) keeps the first
behaviour. The command line does it at start, and so does each process it starts; off glibc nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: ``M_MMAP_THRESHOLD`` of glibc's ``mallopt``, and the threshold kept (glibc's own starting value).
_M_MMAP_THRESHOLD = -3
_THRESHOLD = 128 * 1024


def keep_large_blocks_apart() -> bool:
    """Fix glibc's mmap threshold at 128 KiB; whether it was done (False off Linux or off glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _THRESHOLD))
