"""Giving freed heap memory back to the operating system.

glibc's malloc keeps memory a process has freed for its next allocations. After a burst (spaCy's parser scratch
arrays for a batch of long articles, a chunk's articles once committed) the freed pages stay resident: a long-running
process's RSS then holds its worst batch, not its live data. ``trim()`` asks malloc to release the free pages at the
top of each arena and the wholly free ones inside it (``malloc_trim(0)``); nothing live moves, so results are
unchanged. It costs a walk of the free lists (about a millisecond for a few hundred MB), so it is called between
units of work (an executor task, a committed chunk), never per object. Elsewhere than glibc it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

_trim = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _trim = _libc.malloc_trim  # absent from musl: AttributeError below
        _trim.argtypes = [ctypes.c_size_t]
        _trim.restype = ctypes.c_int
    except (OSError, AttributeError):
        _trim = None


def trim() -> bool:
    """Release free heap pages to the OS; whether anything was released (False where malloc_trim is unknown)."""
    return bool(_trim(0)) if _trim is not None else False
