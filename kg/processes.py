"""Keeping GeoKG's processes in bounds: they end with the process that started them, and those that must not
reach the network cannot (Linux)."""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import signal
import socket
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends
PR_SET_NO_NEW_PRIVS = 38  # prctl(2): required before an unprivileged process installs a seccomp filter
WATCH_INTERVAL = 1.0  # seconds between looks at the parent's pid

# seccomp(2), for the architectures forbid_network knows: (AUDIT_ARCH_*, the numbers of socket and seccomp)
ARCHITECTURES = {"x86_64": (0xC000003E, 41, 317), "aarch64": (0xC00000B7, 198, 277)}
IO_URING_SETUP = 425  # the same on both; io_uring can create sockets without the socket system call
X32_SYSCALL_BIT = 0x40000000  # x86-64's x32 ABI: the same calls under other numbers
SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC = 1, 1
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
SECCOMP_DATA_NR, SECCOMP_DATA_ARCH, SECCOMP_DATA_ARG0 = 0, 4, 16  # offsets in struct seccomp_data


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


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


def can_forbid_network() -> bool:
    return sys.platform == "linux" and platform.machine() in ARCHITECTURES


def forbid_network() -> None:
    """From now on, no thread of this process, nor any process it starts, can create a socket other than a local
    (AF_UNIX) one: every connection elsewhere, and every DNS look-up, fails with EACCES, whatever the code that
    tries (pyoxigraph's HTTP client, which SERVICE and LOAD use, is Rust: out of reach of anything done in
    Python). Sockets made before stay usable (a server's listening one), and nothing can lift the ban: it is a
    seccomp filter, checked by the kernel at each system call. Calls of another ABI than the process's own (32-bit
    ones on x86-64) are refused whole. Linux on x86-64 and AArch64 (`can_forbid_network`); OSError elsewhere or
    if the kernel refuses the filter."""
    if not can_forbid_network():
        raise OSError(errno.ENOSYS, f"cannot forbid network access on {sys.platform} {platform.machine()}")
    audit_arch, socket_call, seccomp_call = ARCHITECTURES[platform.machine()]
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    program = [  # (code, jump if true, jump if false, constant); a jump skips that many instructions
        (BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARCH),
        (BPF_JEQ_K, 0, 7, audit_arch),  # another ABI: deny
        (BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_NR),
        (BPF_JGE_K, 5, 0, X32_SYSCALL_BIT),  # deny
        (BPF_JEQ_K, 4, 0, IO_URING_SETUP),  # deny
        (BPF_JEQ_K, 0, 2, socket_call),  # any other call: allow
        (BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARG0),  # the socket's domain
        (BPF_JEQ_K, 0, 1, socket.AF_UNIX),  # allow, else deny
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (BPF_RET_K, 0, 0, deny),
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*instruction) for instruction in program))
    libc = ctypes.CDLL(None, use_errno=True)
    if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            or libc.syscall(seccomp_call, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                            ctypes.byref(_SockFprog(len(program), filters))) != 0):
        code = ctypes.get_errno()
        raise OSError(code, f"cannot forbid network access: {os.strerror(code)}")
