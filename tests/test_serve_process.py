"""A real `geokg serve` process: the shared SPARQL 1.1 Protocol checker against it, and its query limits."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.processes import can_forbid_network
from kg.remote import NOTE
from kg.store import COUNT_FILE, Store

from .conftest import ROOT, SEEDS, build_store, seccomp_mode
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


@pytest.mark.skipif(not can_forbid_network(), reason="forbid_network is for Linux on x86-64 and AArch64")
def test_the_server_process_opens_no_connection_unless_an_endpoint_is_allowed(store_dir: Path) -> None:
    """Once listening, `geokg serve` cuts itself off from the network (an update's SERVICE or LOAD runs in it),
    unless --service-allow names an endpoint that its query workers, which it starts, must reach."""
    for options, mode in (((), "2"), (("--service-allow", "http://127.0.0.1:9/sparql"), "0")):
        with running_server(store_dir, options=options):
            assert seccomp_mode(json.loads((store_dir / NOTE).read_text(encoding="utf-8"))["pid"]) == mode, options


def test_protocol_checker_with_updates(store_dir: Path) -> None:
    with running_server(store_dir, token="t0ken") as url:
        out = check(url + "/sparql", "--update-url", url + "/sparql", "--update-token", "t0ken")
    assert "PASS update-auth-missing" in out and "PASS update-auth-wrong" in out and "PASS update-drop" in out


def test_query_memory_option_sets_the_limit_of_the_served_endpoint(store_dir: Path) -> None:
    """`geokg serve --query-memory GIB`: a query that sorts every pair of triples is stopped at 0.2 GiB, and
    the endpoint goes on answering."""
    hungry = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d"
    with running_server(store_dir, options=("--query-memory", "0.2", "--query-timeout", "120")) as url:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/sparql?{urllib.parse.urlencode({'query': hungry})}", timeout=150)
        assert refused.value.code == 503
        assert "more memory than a query may use (0.2 GiB)" in refused.value.read().decode("utf-8")
        ask = urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=30)
        assert json.loads(ask.read())["boolean"] is True


def test_a_restarted_server_shows_the_count_it_saved(tmp_path: Path) -> None:
    """Stopping `geokg serve` saves the triple count it kept; started again on the unchanged store, it shows
    that count instead of counting again (the saved count is rewritten here to tell the two apart)."""
    store = build_store(tmp_path / "store", SEEDS)
    with running_server(store) as url:
        deadline = time.monotonic() + 60
        while "triples from" not in (page := urllib.request.urlopen(url + "/", timeout=30).read().decode()):
            assert time.monotonic() < deadline, page
            time.sleep(0.2)
    saved = json.loads((store / COUNT_FILE).read_text(encoding="utf-8"))
    reader = Store(store, read_only=True)
    assert f"{saved['quads']} triples from" in page and saved["quads"] == len(reader.ox)
    reader.close()
    (store / COUNT_FILE).write_text(json.dumps({**saved, "quads": 12345}), encoding="utf-8")
    with running_server(store) as url:
        page = urllib.request.urlopen(url + "/", timeout=30).read().decode()
    assert "12345 triples from" in page
