"""The reference knowledge: coverage the issue asks for, and internal consistency."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import reference
from kg.vocab import resource

REF = reference.load()
G20 = ["ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "MEX", "RUS", "SAU", "ZAF",
       "KOR", "TUR", "GBR", "USA"]
MIDDLE_EAST = ["BHR", "EGY", "IRN", "IRQ", "ISR", "JOR", "KWT", "LBN", "OMN", "PSE", "QAT", "SAU", "SYR", "TUR",
               "ARE", "YEM"]


def by_type(t: str) -> list[reference.Entity]:
    return [e for e in REF.entities.values() if e.type == t]


def test_every_un_member_and_observer_and_de_facto_states() -> None:
    classes = Counter(e.cls for e in by_type("State"))
    assert classes["UNMemberState"] == 193
    assert classes["UNObserverState"] == 2
    names = {e.label for e in by_type("State")}
    assert {"Taiwan", "Kosovo", "Palestine", "Vatican City", "Somaliland"} <= names


def test_states_have_short_forms_demonyms_and_capitals() -> None:
    usa = REF.state_by_code["USA"]
    assert {"US", "U.S.", "USA"} <= set(usa.aliases)
    assert "American" in usa.demonyms
    assert {"UK"} <= set(REF.state_by_code["GBR"].aliases)
    assert "UAE" in REF.state_by_code["ARE"].aliases
    capitals = {e.label: e.capital_of for e in by_type("Place") if e.capital_of}
    assert capitals["Moscow"] == REF.state_by_code["RUS"].iri
    assert capitals["Washington"] == usa.iri
    assert sum(1 for s in by_type("State") if s.demonyms) >= 190


@pytest.mark.parametrize("code", sorted(set(G20 + MIDDLE_EAST)))
def test_leaders_of_g20_and_middle_east(code: str) -> None:
    state = REF.state_by_code[code].iri
    offices = {o for p in by_type("Person") for (o, of, start, end) in p.offices if of == state}
    assert offices & {"HOS", "HOG"}, f"{code} has no head of state or government"
    if code not in ("PSE",):
        assert len([p for p in by_type("Person") if any(of == state for (_, of, _, _) in p.offices)]) >= 2


@pytest.mark.parametrize("code", G20)
def test_foreign_and_defence_ministers_of_the_g20(code: str) -> None:
    state = REF.state_by_code[code].iri
    offices = {o for p in by_type("Person") for (o, of, _, _) in p.offices if of == state}
    assert {"FM", "DM"} <= offices, f"{code}: {sorted(offices)}"


@pytest.mark.parametrize("code", sorted(set(MIDDLE_EAST) - {"YEM"}))
def test_foreign_ministers_of_the_middle_east(code: str) -> None:
    state = REF.state_by_code[code].iri
    assert any(o == "FM" and of == state for p in by_type("Person") for (o, of, _, _) in p.offices), code


def test_leader_terms_are_years_in_order() -> None:
    for p in by_type("Person"):
        for _office, _of, start, end in p.offices:
            assert not start or re.fullmatch(r"(19|20)\d\d", start), p.label
            assert not end or re.fullmatch(r"(19|20)\d\d", end), p.label
            if start and end:
                assert int(start) <= int(end), p.label


def test_armed_group_leaders() -> None:
    hezbollah = next(e for e in by_type("Organization") if e.label == "Hezbollah")
    leaders = {p.label for p in by_type("Person") if any(of == hezbollah.iri for (_, of, _, _) in p.offices)}
    assert "Hassan Nasrallah" in leaders


def test_assets_bases_and_organizations_counts() -> None:
    assert len(by_type("MilitaryAsset")) >= 300
    assert len(by_type("MilitaryBase")) >= 150
    assert len(by_type("Organization")) >= 500
    assert len(by_type("Place")) >= 1000


def test_national_organizations_are_affiliated_with_their_state() -> None:
    pentagon = REF.organization_named("Pentagon")
    assert pentagon is not None and pentagon.state == REF.state_by_code["USA"].iri
    assert REF.organization_named("Russian Defence Ministry").state == REF.state_by_code["RUS"].iri
    assert REF.organization_named("NATO").state is None


def test_nusra_front_is_not_hayat_tahrir_al_sham() -> None:
    nusra, hts = REF.organization_named("Jabhat al-Nusra"), REF.organization_named("HTS")
    assert nusra is not None and hts is not None and nusra is not hts
    assert REF.organization_named("Jabhat Fateh al-Sham") is nusra
    julani = REF.entities[resource("person", "Ahmed al-Sharaa").value]
    assert {nusra.iri, hts.iri} <= {of for (_, of, _, _) in julani.offices}


def test_envoys() -> None:
    de_mistura = REF.entities[resource("person", "Staffan de Mistura").value]
    assert ("ENV", REF.organization_named("United Nations").iri, "2014", "2018") in de_mistura.offices


def test_governorates_and_disputed_features() -> None:
    places = REF.places_by_name
    assert REF.entities[places["Aleppo"].place].label == "Aleppo Governorate"
    assert places["Aleppo Governorate"].place == REF.state_by_code["SYR"].iri
    assert REF.entities[places["Mosul"].place].label == "Nineveh Governorate"
    assert REF.entities[places["Woody Island"].place].label == "Paracel Islands"
    for disputed in ("Spratly Islands", "Paracel Islands", "Scarborough Shoal"):
        assert REF.entities[places[disputed].place].label == "South China Sea", disputed
    assert REF.entities[places["Senkaku Islands"].place].label == "East China Sea"


def test_no_name_links_two_entities_of_one_type() -> None:
    from kg.extract.gazetteer import ALIAS, NAME, Gazetteer
    for key, candidates in Gazetteer(REF).index.items():
        named = [c.entity for c in candidates if c.kind in (NAME, ALIAS)]
        for t in {e.type for e in named}:
            same = {e.label for e in named if e.type == t}
            # "Norfolk": the Virginia city by name, the English county by its label without "(England)"
            assert len(same) == 1 or any("(" in label for label in same), (" ".join(key), sorted(same))


def test_assets_have_class_origin_and_nato_names() -> None:
    pantsir = REF.entities[resource("asset", "Pantsir-S1").value]
    assert pantsir.cls == "AirDefenceSystem"
    assert "SA-22 Greyhound" in pantsir.nato_names
    assert pantsir.origin == [REF.state_by_code["RUS"].iri]
    assert all(a.origin or a.label in ("Burkan-2H", "Quds-1") for a in by_type("MilitaryAsset"))
    assert len({a.cls for a in by_type("MilitaryAsset")}) >= 9


# Makers that are state bodies rather than companies: India's defence research organisation designs its missiles
STATE_MAKERS = {"Defence Research and Development Organisation"}


def test_every_maker_is_a_company_or_a_state_enterprise() -> None:
    makers = {m for a in by_type("MilitaryAsset") for m in a.makers}
    assert len(makers) >= 60
    for iri in makers:
        org = REF.entities[iri]
        assert org.type == "Organization", org.label
        assert org.cls == "Company" or org.label in STATE_MAKERS, (org.label, org.cls)
        assert org.state or org.label == "Airbus", f"{org.label} has no state"
    assert len([a for a in by_type("MilitaryAsset") if a.makers]) >= 250


def test_makers_of_well_known_assets() -> None:
    def makers(asset: str) -> set[str]:
        return {REF.entities[m].label for m in REF.entities[resource("asset", asset).value].makers}

    assert makers("F-35 Lightning II") == {"Lockheed Martin"}
    assert makers("S-400") == {"Almaz-Antey"}
    assert "Lockheed Martin" in makers("F-16 Fighting Falcon")
    assert makers("Arleigh Burke-class destroyer") == {"Bath Iron Works", "Huntington Ingalls Industries"}
    assert makers("Kalibr") == {"Novator Design Bureau"}
    assert makers("Bayraktar TB2") == {"Baykar"}
    assert makers("Hwasong-15") == set()  # not known for certain: left empty
    assert REF.organization_named("Boeing Co") is REF.organization_named("Boeing")
    assert REF.organization_named("General Dynamics Corp") is REF.organization_named("General Dynamics")


def test_makers_are_emitted_as_gkg_manufacturer() -> None:
    f35 = ox.NamedNode(resource("asset", "F-35 Lightning II").value)
    manufacturer = ox.NamedNode("https://w3id.org/geokg/ontology#manufacturer")
    objects = {q.object.value for q in REF.quads() if q.subject == f35 and q.predicate == manufacturer}
    assert objects == {REF.organization_named("Lockheed Martin").iri}


def _tables_with(tmp_path, monkeypatch, table: str, row: str) -> None:
    """The reference tables copied, with `row` appended to `table`, as the tables the next load reads."""
    for f in reference.REFERENCE_DIR.glob("*.psv"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / table).open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)


def test_unknown_maker_is_reported_with_file_and_line(tmp_path, monkeypatch) -> None:
    _tables_with(tmp_path, monkeypatch, "assets.psv", "Test drone|Drone|||USA|USA|org-lockheed;org-nobody")
    with pytest.raises(reference.ReferenceError, match=r"assets.psv:\d+: unknown organization id 'org-nobody'"):
        reference.Reference()


def test_tartus_and_hmeimim() -> None:
    tartus = REF.entities[resource("base", "Tartus naval base").value]
    hmeimim = REF.entities[resource("base", "Hmeimim Air Base").value]
    syria, russia = REF.state_by_code["SYR"].iri, REF.state_by_code["RUS"].iri
    for base in (tartus, hmeimim):
        assert base.host == syria and russia in base.operators and base.coords is not None
    assert REF.entities[tartus.place].label == "Tartus"
    assert REF.entities[hmeimim.place].label == "Latakia"
    lat, lon = tartus.coords
    assert 34.5 < lat < 35.2 and 35.5 < lon < 36.2


def test_every_base_has_host_operator_and_place() -> None:
    for b in by_type("MilitaryBase"):
        assert b.host and b.operators and b.place, b.label


# Places without a containing place or state: continents, regions across continents, and disputed places
UNCONTAINED = {"Africa", "Americas", "Antarctica", "Arctic", "Asia", "Asia-Pacific", "Caucasus", "East Jerusalem",
               "Europe", "Golan Heights", "Indo-Pacific", "Kashmir", "Latin America", "Middle East", "Near East",
               "Shebaa Farms", "Western Pacific"}


def test_places_are_located() -> None:
    for p in by_type("Place"):
        if p.cls != "WaterBody" and p.label not in UNCONTAINED:  # span or disputed
            assert p.place, f"{p.label} is not located anywhere"


def test_wikidata_ids_are_well_formed_and_unique() -> None:
    qids = [e.qid for e in REF.entities.values() if e.qid]
    assert all(re.fullmatch(r"Q[1-9]\d*", q) for q in qids)
    assert len(qids) == len(set(qids))
    assert REF.state_by_code["SYR"].qid == "Q858"


def test_reference_quads_are_in_the_reference_graph() -> None:
    quads = list(REF.quads())
    assert len(quads) > 8000
    assert {q.graph_name.value for q in quads} == {"https://w3id.org/geokg/graph/reference"}


def test_malformed_table_is_reported_with_file_and_line(tmp_path, monkeypatch) -> None:
    _tables_with(tmp_path, monkeypatch, "bases.psv", "Broken base|AirBase|x|SYR|RUS")
    with pytest.raises(reference.ReferenceError, match=r"bases.psv:\d+: expected 8 columns"):
        reference.Reference()


def test_operators_memberships_and_alliances_are_dated_where_the_tables_date_them() -> None:
    """A page about 2016 must not present later facts as current: the tables date what they know (S-400 operated by
    Turkey since 2019, North Korea allied with Russia since 2024, the UK in the EU 1973-2020); the rest holds as
    of the year the reference graph states."""
    tur, rus, prk, gbr = (resource("state", c).value for c in ("TUR", "RUS", "PRK", "GBR"))
    s400, eu = resource("asset", "S-400").value, REF.orgs_by_id["org-eu"].iri
    assert REF.years[tur, "operates", s400] == ("2019", "")
    assert REF.years[rus, "alliedWith", prk] == REF.years[prk, "alliedWith", rus] == ("2024", "")
    assert REF.years[gbr, "memberOf", eu] == ("1973", "2020") and gbr in REF.orgs_by_id["org-eu"].members
    assert s400 in [e.iri for e in REF.entities.values() if tur in e.operators]
    quads = list(REF.quads())
    g = ox.NamedNode("https://w3id.org/geokg/graph/reference")
    assert ox.Quad(g, ox.NamedNode("https://w3id.org/geokg/ontology#asOf"),
                   ox.Literal(reference.AS_OF, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
                   g) in quads
    facts = {q.subject for q in quads if q.object == ox.NamedNode("https://w3id.org/geokg/ontology#DatedFact")}
    assert len(facts) == len(REF.years)
    ended = [q for q in quads if q.subject in facts and q.predicate.value.endswith("#endYear")]
    assert [q.object.value for q in ended] == ["2020"]


def test_malformed_years_are_reported_with_file_and_line(tmp_path, monkeypatch) -> None:
    _tables_with(tmp_path, monkeypatch, "alliances.psv", "USA|GBR@since-1949")
    with pytest.raises(reference.ReferenceError, match=r"alliances.psv:\d+: years 'since-1949'"):
        reference.Reference()


def test_organization_by_name_or_alias_folded() -> None:
    reuters = REF.organization_named("  REUTERS news agency ")
    assert reuters is not None and reuters.label == "Reuters" and REF.organization_named("Reuters") is reuters
    assert REF.organization_named("Nobody Press") is None
    assert REF.organization_named("Russia") is None  # a state, not an organization


def test_the_reference_graphs_are_reloaded_when_the_iris_minted_from_names_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The IRI scheme is part of the reference version: a store whose reference graphs hold IRIs minted the
    old way ('ask-air-base' for the Łask Air Base) gets them again, minted the new way."""
    from kg import vocab
    from kg.store import Store

    store = Store(tmp_path / "store")
    assert store.init(reference.load())
    assert not store.init(reference.load())  # up to date
    monkeypatch.setattr(vocab, "IRI_SCHEME", "next")
    assert store.init(reference.load())
    lask = ox.NamedNode("https://w3id.org/geokg/resource/base/lask-air-base")
    assert next(store.quads(lask, ox.NamedNode(vocab.RDFS + "label")), None) is not None
    store.close()
