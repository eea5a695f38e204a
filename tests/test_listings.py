"""The analyst's pages on the server: events and articles listed, filtered and paged; search of entities, events and
articles; entity pages that summarise first; the query editor's permalinks, completion terms and error messages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from kg.ingest import ingest
from kg.store import Store
from server import create_app, listings
from server.querypool import QueryPool

from .conftest import DATA, SEEDS

RUS = "https://w3id.org/geokg/resource/state/RUS"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(tmp_path_factory.mktemp("listings") / "store")
    ingest(s, [SEEDS, DATA / "articles"])
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[FlaskClient]:
    pool = QueryPool(store, workers=1, timeout=20)
    yield create_app(store, pool).test_client()
    pool.close()


def listed(client: FlaskClient, url: str) -> list[str]:
    """The labels of the events a page lists."""
    body = client.get(url).get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'<li class="event-item"[^>]*>.*?</span>\s*<a href="[^"]+">'
                                                          r'([^<]+)</a>', body, re.S)]


def test_events_are_filtered_by_class_actor_target_place_dates_publisher_and_modality(client: FlaskClient) -> None:
    transfers = listed(client, "/events?class=ArmsTransfer")
    assert transfers and all(t.startswith("Arms transfer") for t in transfers)
    supplied = listed(client, "/events?class=ArmsTransfer&actor=Russia")
    assert "Arms transfer: Russia → Syria: Pantsir-S1, 2013" in supplied
    assert not any(t.startswith("Arms transfer: Iran → Russia") for t in supplied)  # Russia received those
    assert "Arms transfer: Iran → Russia: Shahed-136" in listed(client, "/events?class=ArmsTransfer&target=russia")
    in_ukraine = listed(client, "/events?place=Ukraine")  # at Kyiv too: Kyiv lies in Ukraine
    assert "Air strike: Russia in Kyiv, 2022-10-17" in in_ukraine
    october = listed(client, "/events?from=2022-10&to=2022-10")
    assert "Air strike: Russia in Kyiv, 2022-10-17" in october and not any("2013" in t for t in october)
    planned = client.get("/events?modality=Planned").get_data(as_text=True)
    assert 'class="badge modality m-Planned"' in planned and "(planned)" in planned
    assert 'm-Negated' not in planned
    reuters = client.get("/events?publisher=Reuters").get_data(as_text=True)
    assert "· Reuters ·" in reuters and "Associated Press" not in reuters
    body = client.get("/events?actor=Nobody+At+All").get_data(as_text=True)
    assert "No entity is named “Nobody At All”." in body and "No events match." in body
    assert client.get("/events?from=March").status_code == 400
    assert client.get("/events?class=Banana").status_code == 400
    by_iri = client.get(f"/events?actor={RUS}&class=ArmsTransfer").get_data(as_text=True)
    assert by_iri.count("event-item") == len(supplied) and '<input name="actor" value="Russia"' in by_iri


def test_the_class_filter_offers_the_ontologys_event_classes_and_events_show_theirs(client: FlaskClient) -> None:
    body = client.get("/events").get_data(as_text=True)
    for cls, label in (("AirStrike", "Air strike"), ("MissileTest", "Missile or rocket launch"), ("Capture", "Capture"),
                       ("Withdrawal", "Withdrawal")):
        assert re.search(rf'<option value="{cls}" >\W*{label}</option>', body), cls
    assert '<span class="badge class-badge">Air strike</span>' in body  # the specific class, not "Military operation"


def test_events_are_paged_newest_first(client: FlaskClient, store: Store) -> None:
    total = int(re.search(r'<h1>Events <span class="meta">(\d+)</span>', client.get("/events").get_data(
        as_text=True)).group(1))
    assert total > 2 * listings.EVENTS_PER_PAGE
    first, second = client.get("/events").get_data(as_text=True), client.get("/events?page=2").get_data(as_text=True)
    assert 'rel="next" href="/events?page=2"' in first and 'rel="prev" href="/events?page=1"' in second
    links = re.compile(r'href="(/article/[0-9a-f]+#event-[0-9a-f]+)"')
    assert len(links.findall(first)) == listings.EVENTS_PER_PAGE and not set(links.findall(first)) & set(
        links.findall(second))
    assert store.index is not None
    dates = [str(r["sort"]) for r in store.index.events(listings.EventFilter(), 0, total)[0]]
    assert dates == sorted(dates, reverse=True)


def test_browsing_an_event_class_lists_its_events_and_home_counts_link_there(client: FlaskClient) -> None:
    r = client.get("/browse/ArmsTransfer")
    assert r.status_code == 302 and r.headers["Location"] == "/events?class=ArmsTransfer"
    assert client.get("/browse/AirStrike").headers["Location"] == "/events?class=AirStrike"
    assert client.get("/browse/Article").headers["Location"] == "/articles"
    home = client.get("/").get_data(as_text=True)
    assert 'href="/events?class=ArmsTransfer"' in home and 'href="/articles"' in home


def test_articles_are_paged_newest_first(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listings, "ARTICLES_PER_PAGE", 5)
    first = client.get("/articles").get_data(as_text=True)
    assert "page 1 of 3" in first and first.count('<li><a href="/article/') == 5
    dates = re.findall(r'<span class="meta">(\d+ \w+ \d{4})', first)
    assert dates[0] == "7 May 2025"
    last = client.get("/articles?page=3").get_data(as_text=True)
    assert "US bombs Iranian nuclear sites at Fordow, Natanz and Isfahan" in last  # undated: last, by title
    assert client.get("/articles?publisher=Reuters").get_data(as_text=True).count('<li><a href="/article/') >= 2


def test_search_finds_entities_events_and_articles(client: FlaskClient) -> None:
    body = client.get("/search?q=Shahed").get_data(as_text=True)
    assert 'href="/resource/asset/shahed-136">Shahed-136</a> <span class="badge">Drone</span>' in body
    assert "Arms transfer: Iran → Russia: Shahed-136" in body
    assert "Iran supplied Shahed drones to Russia, Western officials say" in body and "<mark>Shahed</mark>" in body
    hostile = client.get("/search", query_string={"q": '<script>alert(1)</script> "NEAR'}).get_data(as_text=True)
    assert "<script>alert(1)" not in hostile


def test_article_pages_show_each_events_class_and_modality(client: FlaskClient, store: Store) -> None:
    assert store.index is not None
    (taiwan,) = [r["iri"] for r in store.index.search_articles("Taiwan arms sale")[:1]]
    body = client.get("/article/" + str(taiwan).rsplit("/", 1)[-1]).get_data(as_text=True)
    assert '<span class="badge modality m-Hypothetical" title="not reported as having happened">hypothetical</span>' \
        in body
    assert '<span class="badge class-badge">Missile or rocket launch</span>' in body


def test_entity_pages_summarise_offices_bases_and_counterparts_first(client: FlaskClient) -> None:
    putin = client.get("/resource/person/vladimir-putin").get_data(as_text=True)
    assert re.search(r"<td>head of state</td>\s*<td><a href=\"/resource/state/RUS\">Russia</a></td>\s*"
                     r'<td class="term">2012–</td>', putin)
    leader = re.search(r"<th>leader of .*?</tr>", putin, re.S)  # the reference's are offices with their terms
    assert leader is None or "reference" not in leader.group()
    russia = client.get("/resource/state/RUS").get_data(as_text=True)
    assert russia.index("<h2>Offices</h2>") < russia.index('<section id="events">') < russia.index("<h2>Facts</h2>")
    assert re.search(r'Hmeimim Air Base</a> <span class="meta">in Syria · <span class="years">since 2015</span>',
                     russia)
    assert "<h2>Top counterparts</h2>" in russia and 'id="map"' in russia
    assert re.search(r'North Korea</a>\s*<span class="meta">\(<span class="years">since 2024</span>; reference\)',
                     russia)
    s400 = client.get("/resource/asset/s-400").get_data(as_text=True)
    assert re.search(r'<th>operated by <span class="meta">4</span></th>', s400)
    assert re.search(r'Turkey</a>\s*<span class="meta">\(<span class="years">since 2019</span>', s400)
    assert "held as of 2025 unless dated" in s400
    page = client.get("/resource/state/RUS?role=target&class=ArmsTransfer").get_data(as_text=True)
    start = page.index('<section id="events">')
    events = page[start:page.index("</section>", start)]  # the reports filtered (not its canonical events below)
    assert "Arms transfer: Iran → Russia: Shahed-136" in events and "Russia → Syria" not in events
    assert f'href="/events?target={RUS}&amp;class=ArmsTransfer"' in events


def test_the_neighbourhood_keeps_the_strongest_links(client: FlaskClient) -> None:
    graph = client.get(f"/api/neighbourhood?iri={RUS}").get_json()
    ids = {n["id"] for n in graph["nodes"]}
    assert RUS in ids and 2 < len(ids) <= 13
    assert "https://w3id.org/geokg/resource/state/UKR" in ids  # most events shared
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    assert any(re.fullmatch(r"\d+ events? \(.+\)", e["label"]) for e in graph["edges"])


def test_query_links_open_their_query(client: FlaskClient) -> None:
    q = "SELECT ?s WHERE { ?s a <https://w3id.org/geokg/ontology#ArmsTransfer> } LIMIT 3"
    body = client.get("/query", query_string={"query": q, "run": "1"}).get_data(as_text=True)
    assert "ArmsTransfer&gt; } LIMIT 3</textarea>" in body and '"run": true' in body
    example = client.get("/query?example=bases-abroad").get_data(as_text=True)
    assert "PREFIX geo: &lt;http://www.opengis.net/ont/geosparql#&gt;" in example and '"run": false' in example
    assert 'href="/query?example=air-defence-suppliers&amp;run=1"' in example
    assert client.get("/query?example=nope").status_code == 404
    assert 'data-endpoint="http://localhost/sparql"' in example  # absolute, as YASGUI needs it


def test_the_editor_completes_terms_of_this_store(client: FlaskClient) -> None:
    terms = client.get("/api/terms").get_json()
    assert "https://w3id.org/geokg/ontology#AirStrike" in terms["classes"]
    assert {"https://w3id.org/geokg/ontology#operates", "http://schema.org/headline"} <= set(terms["properties"])


def test_a_malformed_query_says_where_and_what(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s foo:bar ?o }"})
    assert r.status_code == 400
    assert r.get_data(as_text=True).splitlines() == [
        "malformed query at line 1, column 28: the prefix foo: is not declared (PREFIX foo: <...>)",
        "SELECT * WHERE { ?s foo:bar ?o }", " " * 27 + "^"]
