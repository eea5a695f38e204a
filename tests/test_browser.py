"""Browser tests: Debian's headless Chromium driven by Playwright through the main flows of the UI.

Set GEOKG_SCREENSHOTS=DIR to save screenshots of the main pages there (docs/screenshots in the repo).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from .conftest import DATA, ROOT, SEEDS, build_store
from .live_server import oxigraph_server, running_server
from .test_fusion_cli import ARTICLES as FUSED_ARTICLES

CHROMIUM = os.environ.get("GEOKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
              pytest.mark.skipif(not (ROOT / "node_modules" / "@zazuko" / "yasgui").exists(),
                                 reason="npm packages not installed (make install)")]
SHOTS = os.environ.get("GEOKG_SCREENSHOTS")
GEOKG = str(Path(sys.executable).with_name("geokg"))
# the stores the UI is driven on: the embedded one, and a SPARQL 1.1 server
STORES = ["embedded", "oxigraph-server"]


@contextmanager
def served(kind: str, folder: Path, *sources: Path, token: str | None = None) -> Iterator[str]:
    """`geokg serve` on the articles under `sources`, stored in the embedded store or in a SPARQL 1.1 server
    (`oxigraph serve`) that `geokg ingest` and `geokg serve` reach by its URL; yields the UI's base URL."""
    if kind == "embedded":
        with running_server(build_store(folder / "store", *sources), token=token) as url:
            yield url
        return
    with oxigraph_server(folder / "server") as endpoint:
        run = subprocess.run([GEOKG, "ingest", "--store", endpoint, *map(str, sources)], capture_output=True,
                             text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        with running_server(endpoint, token=token) as url:
            yield url


@pytest.fixture(scope="module", params=STORES)
def base_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(request.param, tmp_path_factory.mktemp("browser"), SEEDS, DATA / "articles", token="t0ken") as url:
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
    page.wait_for_selector(".card .n")
    assert page.locator("h1").inner_text() == "What is in the graph"
    assert page.locator(".card").count() >= 6
    shot(page, "home")


def test_run_an_example_query_and_see_rows(page, base_url: str) -> None:
    page.goto(base_url + "/query")
    page.wait_for_selector(".CodeMirror")
    page.get_by_role("link", name="Air defence suppliers").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() >= 1
    assert "Pantsir-S1" in page.locator(".yasr").inner_text()


def test_search_tartus_open_base_page_with_map_and_graph(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#search-box", "Tartus")
    suggestion = page.locator(".suggestions a", has_text="Tartus naval base")
    suggestion.wait_for(timeout=10000)
    suggestion.click()
    page.wait_for_url("**/resource/base/tartus-naval-base")
    assert page.locator("h1").inner_text() == "Tartus naval base"
    page.wait_for_selector("#map[data-rendered=true]", timeout=15000)
    assert page.locator("#map .leaflet-interactive").count() >= 2  # world outline and the base marker
    page.wait_for_selector("#graph[data-rendered]", timeout=15000)
    assert int(page.locator("#graph").get_attribute("data-rendered")) >= 2
    assert page.locator("#graph canvas").count() >= 1


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
    page.get_by_role("link", name="Most mentioned").click()
    with page.expect_download() as info:
        page.locator("a.download[data-format=csv]").click()
    path = info.value.path()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert lines[0].strip() == "entity,label,articles" and len(lines) > 5


# ------------------------------------------------------------------------------------------ issue 19, point by point
def run(page, base_url: str, query: str) -> None:
    """Open the editor on `query` (a permalink) and wait for its answer."""
    page.goto(base_url + "/query?" + urllib.parse.urlencode({"query": query, "run": "1"}))
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=15000)


def test_query_errors_show_the_servers_message_and_status(page, base_url: str, tmp_path: Path) -> None:
    run(page, base_url, "SELECT * WHERE { ?s foo:bar ?o }")
    error = page.locator(".query-error")
    error.wait_for(timeout=10000)
    text = error.inner_text()
    assert "HTTP 400" in text
    # the parser's own message and where it stopped: the embedded store's, or that of the SPARQL server behind
    assert ("the prefix foo: is not declared" in text and "line 1, column 28" in text) or (
        "Prefix not found" in text and "error at 1:28" in text)
    assert page.locator("#yasgui").get_attribute("data-endpoint").startswith("http://127.0.0.1:")
    # the time limit and the row cap, on a server with small ones
    path = build_store(tmp_path / "limits", SEEDS)
    with running_server(path, options=("--query-timeout", "1", "--max-rows", "5")) as limited:
        run(page, limited, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        error.wait_for(timeout=15000)
        assert "HTTP 504" in error.inner_text() and "longer than 1 s" in error.inner_text()
        run(page, limited, "SELECT * WHERE { ?s ?p ?o }")
        notice = page.locator(".query-notice")
        notice.wait_for(timeout=10000)
        assert "cut at 5 rows" in notice.inner_text()
        run(page, limited, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
        error.wait_for(timeout=10000)
        assert "HTTP 400" in error.inner_text() and "not allowed" in error.inner_text()


def test_links_open_their_query_and_the_share_button_gives_one(page, base_url: str) -> None:
    query = "SELECT ?state WHERE { ?state <https://w3id.org/geokg/ontology#iso3166Alpha3> \"SYR\" }"
    run(page, base_url, query)
    assert "resource/state/SYR" in page.locator(".yasr").inner_text()
    page.goto(base_url + "/query#query=" + urllib.parse.quote(query))  # YASGUI's share links
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=15000)
    assert "iso3166Alpha3" in page.locator(".CodeMirror").inner_text()
    assert "resource/state/SYR" in page.locator(".yasr").inner_text()
    page.locator(".yasqe_share").click()
    link = page.locator(".yasqe_sharePopup input, .yasqe_sharePopup textarea").first.input_value()
    assert link.startswith(base_url + "/query?query=") and urllib.parse.parse_qs(
        urllib.parse.urlsplit(link).query)["query"] == [query]
    page.goto(base_url + "/query")
    page.get_by_role("link", name="Bases abroad").click()
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=15000)
    assert page.url == base_url + "/query?example=bases-abroad&run=1"  # every example has its stable link


def test_result_views_are_chosen_to_fit_and_link_to_local_pages(page, base_url: str) -> None:
    page.goto(base_url + "/query?example=bases-abroad&run=1")
    page.wait_for_selector(".result-map[data-rendered=true]", timeout=15000)
    assert page.locator(".yasr_btn.select_map.selected").count() == 1
    assert int(page.locator(".result-map").get_attribute("data-markers")) > 5
    page.locator(".result-map path.leaflet-interactive[fill='#1f5fa8']").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content a").first  # named by the base, linking to its page
    assert popup.get_attribute("href").startswith("/resource/base/") and popup.inner_text().strip()
    assert "base: " not in page.locator(".leaflet-popup-content").inner_text()
    page.wait_for_timeout(400)  # the popup fades in
    shot(page, "query")
    page.goto(base_url + "/query?example=leaders-in-the-news&run=1")
    page.wait_for_selector(".result-chart[data-rendered]", timeout=15000)
    assert page.locator(".yasr_btn.select_chart.selected").count() == 1 and page.locator(".result-chart canvas").count()
    page.goto(base_url + "/query?example=latest-statements&run=1")
    page.wait_for_selector(".result-timeline[data-rendered]", timeout=15000)
    run(page, base_url, "CONSTRUCT WHERE { <https://w3id.org/geokg/resource/base/tartus-naval-base> ?p ?o }")
    page.wait_for_selector(".result-graph[data-rendered]", timeout=15000)
    # the table, always selectable: local links, compact cells, and a wide result inside its column
    page.goto(base_url + "/query?example=latest-arms-transfers&run=1")
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=15000)
    page.locator(".yasr_btn.select_table").click()
    page.locator(".yasr table tbody tr").first.wait_for(timeout=10000)
    assert page.locator("a.iri.local[href^='/article/']").count() > 0
    assert "@en" not in page.locator(".yasr table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    box, column = page.locator(".yasr_results").bounding_box(), page.locator("#yasgui").bounding_box()
    assert box["x"] + box["width"] <= column["x"] + column["width"] + 1
    for fmt, first in (("csv", "supplier,"), ("tsv", "?supplier\t"), ("json", "{")):
        with page.expect_download() as info:
            page.locator(f"a.download[data-format={fmt}]").click()
        assert Path(info.value.path()).read_text(encoding="utf-8").startswith(first)


def test_events_are_pages_to_browse_and_filter(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("a.card.event", has_text="Arms transfer").click()
    page.wait_for_url("**/events?class=ArmsTransfer")
    assert page.locator(".event-item").count() > 3
    assert page.locator(".event-item .class-badge").all_inner_texts() == ["Arms transfer"] * page.locator(
        ".event-item").count()
    page.fill("input[name=place]", "Ukraine")
    page.select_option("form.filters select[name=class]", index=0)
    page.fill("input[name=from]", "2022-10")
    page.fill("input[name=to]", "2022-10")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**place=Ukraine**")
    assert "Air strike: Russia in Kyiv, 2022-10-17" in page.locator("ol.events").inner_text()
    page.goto(base_url + "/events?modality=Planned")
    assert page.locator(".badge.modality").first.inner_text().lower() == "planned"
    page.goto(base_url + "/events")
    shot(page, "events")
    page.get_by_role("link", name="next →").click()
    assert "page 2 of" in page.locator(".pager").first.inner_text()
    page.goto(base_url + "/browse/ArmsTransfer")
    assert page.url.endswith("/events?class=ArmsTransfer")
    page.goto(base_url + "/articles")
    assert page.locator("ol.list li").count() == 12


def test_hub_pages_summarise_first(page, base_url: str) -> None:
    page.goto(base_url + "/resource/state/RUS")
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Offices") < headings.index("Map") < next(i for i, h in enumerate(headings)
                                                                      if h.startswith("Events"))
    assert "Hmeimim Air Base" in page.locator("ul.bases").inner_text()
    page.wait_for_selector("#map[data-rendered=true]", timeout=15000)
    assert int(page.locator("#map").get_attribute("data-markers")) >= 2
    page.wait_for_selector("#graph[data-rendered]", timeout=15000)
    assert 2 < int(page.locator("#graph").get_attribute("data-rendered")) <= 13
    shot(page, "entity")
    page.select_option("select[name=role]", "target")
    page.locator("#events button[type=submit]").click()
    assert all("Russia" in t for t in page.locator("#events .event-item > a").all_inner_texts())
    assert page.locator("#events .event-item").count() <= 10
    page.goto(base_url + "/resource/base/tartus-naval-base")
    assert page.locator("#map").count() == 1
    page.goto(base_url + "/resource/person/vladimir-putin")
    assert page.locator("#map").count() == 0  # no points: no map drawn
    assert "2012–" in page.locator("table.offices").inner_text()


def test_the_editor_completes_from_this_server_only(page, base_url: str) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    page.goto(base_url + "/query")
    page.wait_for_selector(".CodeMirror")
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX gkg: <https://w3id.org/geokg/ontology#>\nSELECT * WHERE { ?x a gkg:AirS")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints")
    hints.wait_for(timeout=10000)
    assert "gkg:AirStrike" in hints.inner_text()
    page.keyboard.press("Escape")
    page.keyboard.type(" . ?x gkg:locatedIn gkr:Tart")
    hints.wait_for(timeout=10000)
    page.wait_for_function("document.querySelector('.CodeMirror-hints').innerText.includes('Tartus naval base')",
                           timeout=10000)
    page.keyboard.press("Enter")
    assert "<https://w3id.org/geokg/resource/" in page.locator(".CodeMirror").inner_text()
    assert outside == []


def test_search_finds_events_and_articles_too(page, base_url: str) -> None:
    page.goto(base_url + "/search?q=Shahed")
    assert [h.split()[0] for h in page.locator("main h2").all_inner_texts()] == ["Entities", "Events", "Articles"]
    assert page.locator(".excerpt mark").count() > 0


def test_reference_facts_show_their_years(page, base_url: str) -> None:
    page.goto(base_url + "/resource/asset/s-400")
    row = page.locator("table.facts tr", has_text="operated by")
    assert "since 2019" in row.inner_text() and "as of 2025" in page.locator("main").inner_text()


@pytest.mark.parametrize("path", ["/", "/query?example=latest-arms-transfers&run=1", "/events", "/articles",
                                  "/search?q=Russia", "/resource/state/RUS", "/resource/person/vladimir-putin",
                                  "/browse/State", "/add"])
def test_no_page_overflows_a_phone_and_the_header_collapses(browser, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_timeout(1500)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    nav = page.locator("header nav")
    assert not nav.is_visible()
    if path == "/resource/state/RUS":
        shot(page, "entity-phone")
    page.get_by_role("button", name="Menu").click()
    assert nav.is_visible() and page.locator("#search-box").bounding_box()["width"] <= 390
    context.close()


# ------------------------------------------------------------------ canonical events (issue 20)


@pytest.fixture(scope="module", params=STORES)
def fused_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on the articles of tests/test_fusion_cli.py: two publishers report Palmyra's recapture, one article a
    strike on a hospital in Aleppo that Moscow denies."""
    folder = tmp_path_factory.mktemp("fused")
    articles = folder / "articles"
    articles.mkdir()
    for name, record in FUSED_ARTICLES.items():
        (articles / name).write_text(json.dumps(record), encoding="utf-8")
    with served(request.param, folder, articles) as url:
        yield url


def test_canonical_events_with_counts_contested_and_their_reports(page, fused_url: str) -> None:
    page.goto(fused_url + "/events")
    page.get_by_role("link", name="One event, many reports").click()
    page.wait_for_url("**/events/canonical")
    palmyra = page.locator("li.canonical-event", has=page.locator("strong", has_text="in Palmyra"))
    assert palmyra.count() == 1
    assert palmyra.locator(".article-count").inner_text() == "2 articles"
    assert palmyra.locator(".publisher-count").inner_text() == "2 publishers"
    assert "first reported 28 March 2016" in palmyra.inner_text()
    assert palmyra.locator(".contested").count() == 0
    # the reports are folded: each report's sentence and article show when they are opened
    sentence = palmyra.locator("blockquote", has_text="recaptured Palmyra from Islamic State militants")
    assert not sentence.is_visible()
    palmyra.locator("summary", has_text="2 reports").click()
    assert sentence.is_visible()
    assert palmyra.locator("li.report a", has_text="Syrian army retakes Palmyra from Islamic State").is_visible()
    # the strike that Moscow denies is contested, and the denial is one of its reports
    strike = page.locator("li.canonical-event", has=page.locator("strong", has_text="Air strike: Russia in Aleppo"))
    assert strike.locator(".contested").is_visible()
    strike.locator("summary").click()
    assert strike.locator("li.report .m-Denied").is_visible()
    shot(page, "canonical-events")
    # a report leads to its article
    palmyra.locator("li.report a", has_text="Palmyra recaptured").click()
    page.wait_for_url("**/article/**")
    assert page.locator("h1").inner_text() == "Palmyra recaptured"


def test_an_entity_page_lists_the_canonical_events_that_name_it(page, fused_url: str) -> None:
    page.goto(fused_url + "/resource/place/palmyra")
    section = page.locator("section#canonical-events")
    assert section.locator("li.canonical-event").count() == 1
    assert "2 articles" in section.inner_text() and "2 publishers" in section.inner_text()
    section.locator("summary").click()
    assert section.locator("li.report").count() == 2
    section.get_by_role("link", name="All its canonical events").click()
    page.wait_for_url(lambda url: "/events/canonical?entity=" in url)
    assert page.locator("li.canonical-event strong", has_text="in Palmyra").count() == 1
