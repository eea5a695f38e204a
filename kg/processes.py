"""Keeping the processes GeoKG starts in bounds: they end with the process that started them."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends
WATCH_INTERVAL = 1.0  # seconds between looks at the parent, where the kernel does not signal it


def exit_with_parent(parent: int) -> None:
    """End this process when `parent`, the process that started it, ends, even killed with SIGKILL (which runs no
    clean-up in the parent): at once on Linux, where the kernel sends SIGKILL (PR_SET_PDEATHSIG), and within a
    second anywhere, where a thread watches the parent's pid: a child of an ended parent is adopted by another
    process, so a parent pid that changed means that the parent has ended (maybe before the kernel was asked)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="geokg-parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)
