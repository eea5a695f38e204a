"""The shared SPARQL 1.1 Protocol checker against a real `geokg serve` process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS, build_store
from .live_server import running_server

CHECKER = ROOT.parent / "shared" / "tools" / "sparql_protocol_check.py"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHECKER.exists(), reason=f"the shared protocol checker is not at {CHECKER}")]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("served") / "store", SEEDS)


def check(*args: str) -> str:
    run = subprocess.run([sys.executable, str(CHECKER), *args], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 failed" in run.stdout.splitlines()[-1], run.stdout
    return run.stdout


def test_protocol_checker_read_only(store_dir: Path) -> None:
    with running_server(store_dir) as url:
        out = check(url + "/sparql")
    assert "PASS update-on-query-url" in out and "PASS service-ssrf" in out and "PASS cors" in out


def test_protocol_checker_with_updates(store_dir: Path) -> None:
    with running_server(store_dir, token="t0ken") as url:
        out = check(url + "/sparql", "--update-url", url + "/sparql", "--update-token", "t0ken")
    assert "PASS update-auth-missing" in out and "PASS update-auth-wrong" in out and "PASS update-drop" in out
