"""A real `geokg serve` process on a free loopback port, for protocol and browser tests, and a real SPARQL 1.1 server
(`oxigraph serve`) to use as a remote store."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Poll `url` until it answers; fail if the process exits or `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError as exc:
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read() if proc.stdout else ""
                raise RuntimeError(f"{proc.args[0]} did not start: {output}") from exc
            time.sleep(0.1)


@contextmanager
def running_server(store: Path | str, token: str | None = None, options: tuple[str, ...] = ()) -> Iterator[str]:
    """`geokg serve` on the store (with `options`), until the block ends; yields its base URL."""
    port = free_port()
    cmd = [str(Path(sys.executable).with_name("geokg")), "serve", "--store", str(store), "--port", str(port),
           *options]
    if token:
        cmd += ["--update-token", token]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/sparql", proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)  # it saves its counts and stops its query workers first: slower on a busy machine
        except subprocess.TimeoutExpired:
            proc.kill()


OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


@contextmanager
def oxigraph_server(directory: Path) -> Iterator[str]:
    """`oxigraph serve` on loopback, with the union of all graphs as default graph; yields the query URL."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server (pip package oxigraph) is not installed")
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_until_up(url + "?query=ASK%7B%7D", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
