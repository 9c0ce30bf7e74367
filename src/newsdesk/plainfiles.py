"""Reading files safely: only regular files, never more than a bound (the key ring, cached images, record files,
a page or feed file given to ``newsdesk read``).

A file in the desk directory may have been replaced by something that is not
a file: a FIFO (reading it waits forever for a writer), a device
(``/dev/zero`` never ends), a directory. :func:`read_plain_file` opens
without blocking (``O_NONBLOCK``), checks what it opened with ``fstat``
before reading a byte, and reads at most ``limit`` bytes, so none of these
can hang the desk or fill its memory. Errors are :class:`NotPlainFile`, a
one-line message naming the path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotPlainFile(OSError):
    """A path that is not a regular file of a sane size: ``str()`` is one line naming it. ``mode`` is what
    ``fstat`` found when that was the trouble (a directory, a FIFO, a device), ``size`` the file's bytes when it
    was too large, ``cause`` the system's words when it could not be opened or read, so a caller can say it in
    its own words."""

    def __init__(
        self, path: Path, problem: str, *, mode: int | None = None, size: int | None = None, cause: str = ""
    ) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
        self.mode = mode
        self.size = size
        self.cause = cause

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def file_kind(mode: int) -> str:
    """What a ``st_mode`` says the thing is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "not a regular file"


def open_plain_file(path: Path, *, limit: int) -> tuple[int, os.stat_result]:
    """A read-only descriptor of ``path`` and its ``fstat``, once checked to be a regular file of at most
    ``limit`` bytes (the caller closes it). Raises :class:`NotPlainFile`, or ``FileNotFoundError``."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as err:
        cause = err.strerror or str(err)
        raise NotPlainFile(path, f"cannot be opened ({cause})", cause=cause) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotPlainFile(path, f"is {file_kind(info.st_mode)}, not a regular file", mode=info.st_mode)
        if info.st_size > limit:
            raise NotPlainFile(path, f"is {info.st_size:,} bytes, more than the {limit:,} allowed", size=info.st_size)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_plain_file(path: Path, *, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (more is an error)."""
    fd, _ = open_plain_file(path, limit=limit)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            cause = err.strerror or str(err)
            raise NotPlainFile(path, f"cannot be read ({cause})", cause=cause) from None
        if len(data) > limit:  # grew while being read
            raise NotPlainFile(path, f"is more than the {limit:,} bytes allowed", size=os.fstat(fd).st_size)
    return data
