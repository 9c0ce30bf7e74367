"""The allocator setting the command line makes at start: taken by glibc here, refused quietly elsewhere."""

from __future__ import annotations

import platform
import sys

from newsdesk.allocator import keep_large_blocks_apart


def test_glibc_takes_the_fixed_mmap_threshold() -> None:
    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_large_blocks_apart() is on_glibc
