"""Browser tests: Debian's headless Chromium driven by Playwright through the main flows of the UI.

Set GEOKG_SCREENSHOTS=DIR to save screenshots of the main pages there (docs/screenshots in the repo).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from .conftest import DATA, ROOT, SEEDS, build_store
from .live_server import running_server

CHROMIUM = os.environ.get("GEOKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
              pytest.mark.skipif(not (ROOT / "node_modules" / "@zazuko" / "yasgui").exists(),
                                 reason="npm packages not installed (make install)")]
SHOTS = os.environ.get("GEOKG_SCREENSHOTS")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = build_store(tmp_path_factory.mktemp("browser") / "store", SEEDS, DATA / "articles")
    with running_server(path, token="t0ken") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, tmp_path: Path) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_home_page(page, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == "What is in the graph"
    assert page.locator(".card").count() >= 6
    shot(page, "home")


def test_run_an_example_query_and_see_rows(page, base_url: str) -> None:
    page.goto(base_url + "/query")
    page.wait_for_selector(".CodeMirror")
    page.get_by_role("button", name="Air defence suppliers").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() >= 1
    assert "Pantsir-S1" in page.locator(".yasr").inner_text()
    shot(page, "query")


def test_search_tartus_open_base_page_with_map_and_graph(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#search-box", "Tartus")
    suggestion = page.locator("#suggestions a", has_text="Tartus naval base")
    suggestion.wait_for(timeout=10000)
    suggestion.click()
    page.wait_for_url("**/resource/base/tartus-naval-base")
    assert page.locator("h1").inner_text() == "Tartus naval base"
    page.wait_for_selector("#map[data-rendered=true]", timeout=15000)
    assert page.locator("#map .leaflet-interactive").count() >= 2  # world outline and the base marker
    page.wait_for_selector("#graph[data-rendered]", timeout=15000)
    assert int(page.locator("#graph").get_attribute("data-rendered")) >= 2
    assert page.locator("#graph canvas").count() >= 1
    shot(page, "entity")


def test_search_without_javascript_renders_on_the_server(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base_url + "/search?q=Tartus")
    assert pg.locator("a", has_text="Tartus naval base").count() == 1
    context.close()


def test_article_page(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name="Russia sends advanced air defence systems to Syria").click()
    assert page.locator("a.mention").count() > 30
    assert "Arms transfer: Russia → Syria: Pantsir-S1, 2013" in page.locator("aside").inner_text()
    shot(page, "article")


def test_download_turtle_and_reparse(page, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/resource/base/tartus-naval-base")
    with page.expect_download() as info:
        page.get_by_role("link", name="export (Turtle)").click()
    target = tmp_path / "tartus.ttl"
    info.value.save_as(target)
    triples = [q.triple for q in ox.parse(target.read_bytes(), ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode("https://w3id.org/geokg/resource/base/tartus-naval-base"),
                     ox.NamedNode("https://w3id.org/geokg/ontology#hostState"),
                     ox.NamedNode("https://w3id.org/geokg/resource/state/SYR")) in triples


def test_query_results_download_in_another_format(page, base_url: str) -> None:
    page.goto(base_url + "/query")
    page.wait_for_selector(".CodeMirror")
    page.get_by_role("button", name="Most mentioned").click()
    with page.expect_download() as info:
        page.locator("a.download[data-format=csv]").click()
    path = info.value.path()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert lines[0].strip() == "entity,label,articles" and len(lines) > 5
