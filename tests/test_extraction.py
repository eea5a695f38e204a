"""The extraction's mechanisms, each on sentences written for the test: roles from the parse, events told as
nouns, forces and capitals standing for their state, coreference, modality, event classes, dates of recalled
events, names the reference lacks, credit lines, and the binary facts read from the parse."""

from __future__ import annotations

import datetime as dt

import pytest

from kg import article, extract, reference
from kg.extract import Extraction

DAY = dt.date(2016, 3, 18)  # a Friday


def run(text: str, date: dt.date | None = DAY) -> Extraction:
    return extract.extract(article.from_text("Title\n\n" + text, "test", date=date))


def events(x: Extraction, cls: str | None = None) -> list[dict[str, object]]:
    """Each event as {role: labels, "class": its most specific class, "modality", "date"}."""
    labels = {iri: e.label for iri, e in reference.load().entities.items()} | {m.iri: m.label for m in x.mentions}
    out = []
    for e in x.events:
        if cls is not None and cls not in e.classes:
            continue
        d: dict[str, object] = {r: sorted(labels.get(i, i.rsplit("/", 1)[-1]) for i in e.role_iris(r)) for r in
                                ("supplier", "recipient", "actor", "target", "location", "asset", "speaker")
                                if e.role_iris(r)}
        d["class"] = e.classes[0]
        if e.modality:
            d["modality"] = e.modality
        if e.date:
            d["date"] = e.date.value
        out.append(d)
    return out


def facts(x: Extraction) -> set[tuple[str, str, str]]:
    return {(f.subject.label, f.predicate, f.object.label) for f in x.facts}


# ---------------------------------------------------------------------------------------------- roles
def test_a_state_stands_behind_its_forces_and_the_passive_agent_acts() -> None:
    x = run("The Turkish army shelled Kurdish villages near Afrin on Thursday. "
            "Positions of Islamic State near Mosul were pounded by Iraqi artillery.")
    (shelling, pounding) = events(x, "MilitaryOperation")
    assert "Turkey" in shelling["actor"] and shelling["location"] == ["Afrin"] and shelling["date"] == "2016-03-17"
    assert pounding["actor"] == ["Iraq"] and pounding["target"] == ["Islamic State"]
    assert pounding["location"] == ["Mosul"]


def test_a_capital_speaks_for_its_government() -> None:
    x = run("Moscow said it would keep bombing militants in Idlib.")
    assert {"speaker": ["Russia"], "class": "Statement"} in events(x, "Statement")
    (bombing,) = events(x, "MilitaryOperation")
    assert bombing["actor"] == ["Russia"] and bombing["modality"] == "Planned"  # "it" is Moscow


def test_coordinated_subjects_and_a_relative_clause() -> None:
    x = run("Russia and Iran deployed troops to Syria. Hezbollah, which sent fighters to Aleppo, is backed by Iran.")
    assert events(x, "Deployment")[0]["actor"] == ["Iran", "Russia"]
    assert any(e["actor"] == ["Hezbollah"] and e["location"] == ["Aleppo"] for e in events(x, "Deployment"))
    assert ("Iran", "alliedWith", "Hezbollah") in facts(x) or ("Hezbollah", "alliedWith", "Iran") in facts(x)


def test_capture_takes_the_place_and_who_lost_it() -> None:
    (capture,) = events(run("Iraqi forces recaptured Ramadi from Islamic State in December."), "Capture")
    assert capture == {"actor": ["Iraq"], "target": ["Islamic State"], "location": ["Ramadi"], "class": "Capture",
                       "date": "2015-12"}


# ---------------------------------------------------------------------------------------------- nouns
def test_events_told_as_nouns() -> None:
    x = run("Turkey's shelling of YPG positions near Afrin angered Washington. Russian air strikes on Idlib killed "
            "a dozen people. The United States approved the sale of F-16 jets to Bahrain.")
    shelling, strikes = events(x, "MilitaryOperation")
    assert shelling["actor"] == ["Turkey"] and shelling["location"] == ["Afrin"]
    assert strikes["class"] == "AirStrike" and strikes["actor"] == ["Russia"] and strikes["location"] == ["Idlib"]
    (sale,) = events(x, "ArmsTransfer")
    assert sale["supplier"] == ["United States"] and sale["recipient"] == ["Bahrain"]
    assert sale["asset"] == ["F-16 Fighting Falcon"]


def test_an_attack_noun_takes_what_its_verb_did_and_a_support_verb_gives_its_actor() -> None:
    x = run("Last week a U.S. drone strike killed Taliban leader Akhtar Mansour in Pakistan. "
            "Russia carried out dozens of raids near Palmyra.")
    drone, raids = events(x, "MilitaryOperation")
    assert drone["actor"] == ["United States"] and "Akhtar Mansour" in drone["target"]
    assert raids["actor"] == ["Russia"] and raids["location"] == ["Palmyra"]


# ---------------------------------------------------------------------------------------------- modality
def test_modality_planned_threatened_denied_negated_hypothetical() -> None:
    x = run("The United States plans to send 200 more troops to Iraq. North Korea threatened to strike Seoul. "
            "Russia denied bombing a hospital in Idlib. Turkey did not shell Afrin. "
            "If Turkey invades Syria, Russia will respond. Germany imposed a ban on arms sales to Saudi Arabia.")
    modality = {e["class"]: e.get("modality") for e in events(x) if e["class"] != "Statement"}
    assert modality["Deployment"] == "Planned"
    assert modality["GroundOffensive"] == "Hypothetical"
    assert modality["ArmsTransfer"] == "Negated"
    attacks = [e.get("modality") for e in events(x, "Attack")]
    assert sorted(attacks) == ["Denied", "Negated", "Threatened"]
    assert {"speaker": ["Russia"], "class": "Statement"} in events(x, "Statement")  # the denial is a statement


def test_a_relative_clause_is_not_governed_by_the_main_clause() -> None:
    x = run("Turkey said it would deploy the S-400 systems it bought from Russia.")
    (transfer,) = events(x, "ArmsTransfer")
    assert "modality" not in transfer and transfer["supplier"] == ["Russia"] and transfer["recipient"] == ["Turkey"]
    assert events(x, "Deployment")[0]["modality"] == "Planned"


# ---------------------------------------------------------------------------------------------- classes
def test_kinds_of_military_operation() -> None:
    x = run("North Korea test-fired a ballistic missile into the sea. North Korea's fourth nuclear test in January "
            "drew condemnation. Turkey shot down a Russian warplane near the border. Russian jets violated Turkish "
            "airspace. The United States and South Korea began joint military drills on Monday.")
    classes = {e["class"]: e for e in events(x, "MilitaryOperation")}
    assert classes["MissileTest"]["actor"] == ["North Korea"]
    assert classes["NuclearTest"]["date"] == "2016-01"
    assert classes["Interception"]["actor"] == ["Turkey"] and classes["Interception"]["target"] == ["Russia"]
    assert classes["AirspaceViolation"]["actor"] == ["Russia"] and classes["AirspaceViolation"]["target"] == ["Turkey"]
    assert classes["Exercise"]["actor"] == ["South Korea", "United States"]
    assert ("United States", "alliedWith", "South Korea") in facts(x) or (
        "South Korea", "alliedWith", "United States") in facts(x)


def test_a_recalled_event_keeps_its_own_date() -> None:
    x = run("Iraq invaded Kuwait in 1990. Islamic State seized Palmyra in May 2015.")
    invasion, seizure = events(x, "MilitaryOperation")
    assert invasion["date"] == "1990" and invasion["actor"] == ["Iraq"] and "Kuwait" in invasion["location"]
    assert seizure["date"] == "2015-05" and seizure["location"] == ["Palmyra"]


# ---------------------------------------------------------------------------------------------- coreference
def test_pronouns_and_definite_descriptions_take_their_antecedent() -> None:
    x = run("The Syrian army launched a major offensive near Aleppo. The army later shelled rebel towns near Azaz. "
            "Hezbollah fighters entered Qusair. The group withdrew from the town a week later.")
    assert any("Syria" in e["actor"] and e["location"] == ["Azaz"] for e in events(x, "MilitaryOperation"))
    assert events(x, "Withdrawal")[0]["actor"] == ["Hezbollah"]


# ---------------------------------------------------------------------------------------------- names
def test_names_the_reference_lacks_are_typed_by_the_article() -> None:
    x = run("Rebels attacked the villages of Kfar Zeita and Tel Mardikh. Fighting continued in Tel Mardikh. "
            "Envoy Staffan de Mistura said talks would resume. De Mistura added that aid was needed.")
    by_label = {m.label: m.cls for m in x.mentions}
    assert by_label["Kfar Zeita"] in ("Place", "City") and by_label["Tel Mardikh"] in ("Place", "City")
    people = {m.iri for m in x.mentions if m.label == "Staffan de Mistura"}
    assert len(people) == 1 and all(m.iri in people for m in x.mentions if "Mistura" in m.text)


def test_credit_lines_and_datelines() -> None:
    x = run("BEIRUT Syrian forces advanced near Palmyra.\n\n(Reporting by Jane Porter; Editing by Tom Hill)")
    assert "Beirut" in {m.label for m in x.mentions}  # the city of the dateline, not Lebanon's government
    assert not [m for m in x.mentions if m.label in ("Jane Porter", "Tom Hill")]
    # a dateline is a sentence of its own, and the lede happened there when it names only the wider country
    x = run("RAMSTEIN AIR BASE, Germany U.S. Air Force Secretary Deborah James said on Friday more jets would "
            "come.\n\nMOSUL, Iraq Three soldiers were killed in clashes with militants in northern Iraq on Thursday.")
    sentences = [x.article.content[slice(*s)] for s in x.sentences]
    assert "RAMSTEIN AIR BASE, Germany" in sentences and "MOSUL, Iraq" in sentences
    assert [d["speaker"] for d in events(x, "Statement")] == [["Deborah James"]]
    (clash,) = events(x, "MilitaryOperation")
    assert clash["location"] == ["Iraq", "Mosul"]
    x = run("BEIRUT Syrian jets struck Aleppo on Thursday.")  # the bureau's city is not where the strikes were
    assert [d["location"] for d in events(x, "MilitaryOperation")] == [["Aleppo"]]


# ---------------------------------------------------------------------------------------------- facts
def test_leaders_from_titles_and_appositions() -> None:
    x = run("Omar Khalil, the head of the political office of Jaish al-Islam, said the talks had failed. "
            "U.N. envoy Staffan de Mistura met him.")
    assert ("Omar Khalil", "leaderOf", "Jaysh al-Islam") in facts(x)
    assert ("Staffan de Mistura", "leaderOf", "United Nations") in facts(x)


def test_operators_and_containment_from_the_parse() -> None:
    x = run("Russian Su-34 jets struck the town of Sarmada in northern Syria. Pakistan flies Chinese-made JF-17 "
            "fighters.")
    got = facts(x)
    assert ("Russia", "operates", "Su-34") in got
    assert ("Sarmada", "locatedIn", "Syria") in got
    assert ("China", "operates", "JF-17 Thunder") not in got  # made there, not run from there


def test_alliances_read_from_backing() -> None:
    x = run("Syrian government forces, backed by Russian air strikes and Lebanese Hezbollah fighters, advanced. "
            "NATO member Turkey protested. The Nusra Front, an al Qaeda-linked group, refused.")
    got = {tuple(sorted((a, b))) for a, p, b in facts(x) if p == "alliedWith"}
    assert {("Russia", "Syria"), ("Hezbollah", "Syria"), ("NATO", "Turkey")} <= got
    assert any("al-Qaeda" in pair for pair in got)
    assert ("Lebanon", "Syria") not in got  # "Lebanese Hezbollah" is the group


def test_a_recaptured_place_was_taken_from_whoever_captured_it_before() -> None:
    x = run("Islamic State seized Palmyra in May 2015. Syrian forces recaptured Palmyra on Sunday. "
            "The Islamic State-held town of Qaryatain was shelled.")
    first, second = events(x, "Capture")
    assert "target" not in first and second["target"] == ["Islamic State"] and "Syria" in second["actor"]
    assert any(e.get("target") == ["Islamic State"] for e in events(x, "Attack"))  # the town's holder is hit


def test_states_named_together_and_lists_after_a_colon() -> None:
    x = run("Egypt and Jordan condemned the raid. The two countries have long equipped Libyan militias, "
            "supplying the fighters with rifles and ammunition.")
    assert any(t.get("supplier") == ["Egypt", "Jordan"] for t in events(x, "ArmsTransfer"))
    x = run("The Eurofighter Typhoon is ageing. Airbus builds new versions of the jet for four countries that "
            "ordered it: Germany, Spain, Italy and Austria.")
    (sale,) = events(x, "ArmsTransfer")
    assert set(sale["recipient"]) >= {"Germany", "Spain", "Italy", "Austria"}
    assert "Eurofighter Typhoon" in sale["asset"]


def test_a_village_the_model_reads_as_a_people_is_a_place_by_its_context() -> None:
    x = run("Jets bombed the rebel villages of Hayan and Tal Rifaat in northern Aleppo on Tuesday.")
    assert {"Hayan", "Tell Rifaat"} <= {m.label for m in x.mentions if m.type == "Place"}


def test_possessives_bind_to_their_clause_and_a_government_acts_at_home() -> None:
    x = run("Ministers met in Brussels with Qatar, which renewed its offer to send troops into Libya.")
    assert [d["actor"] for d in events(x, "Deployment")] == [["Qatar"]]
    x = run("Egypt's General Samir Farid met Turkey's defence minister in Ankara. "
            "Farid said his country was ready to send troops into Libya.")
    assert [d["actor"] for d in events(x, "Deployment")] == [["Egypt"]]
    x = run("Turkey shelled Kurdish militia positions on Monday. Government forces advanced around Aleppo.")
    assert any(d.get("actor") == ["Syria"] and d["location"] == ["Aleppo"] for d in events(x, "MilitaryOperation"))


def test_alliances_named_before_the_ally_and_backing_by_support() -> None:
    assert ("NATO", "alliedWith", "Poland") in facts(run("NATO ally Poland shot down a Russian jet."))
    x = run("Iraqi government forces backed by heavy American air support recaptured Ramadi.")
    assert ("United States", "alliedWith", "Iraq") in facts(x) or ("Iraq", "alliedWith", "United States") in facts(x)
    x = run("Yemen is at war. Government forces had gained ground after their main ally, Saudi Arabia, intervened.")
    assert {("Yemen", "alliedWith", "Saudi Arabia"), ("Saudi Arabia", "alliedWith", "Yemen")} & facts(x)


@pytest.mark.parametrize("text, pair", [
    ("The First Coastal Division, an FSA group, said it had shot down a plane.",
     ("First Coastal Division", "Free Syrian Army")),
    ("Nusra is part of the Jaish al-Fatah alliance.", ("Jaish al-Fatah", "al-Nusra Front")),
    ("Turkey is a member of NATO.", ("NATO", "Turkey")),
    ("Syrian forces were reinforced by allies from Lebanon's Hezbollah.", ("Hezbollah", "Syria")),
])
def test_membership_told_by_a_copula_or_a_group_appositive_and_allies_from_a_group(text: str, pair: tuple) -> None:
    assert tuple(sorted(pair)) in {tuple(sorted((a, b))) for a, p, b in facts(run(text)) if p == "alliedWith"}


def test_a_group_appositive_with_a_demonym_is_no_membership() -> None:
    assert not [f for f in facts(run("Hezbollah, a Lebanese group, fought in Syria.")) if f[1] == "alliedWith"]


@pytest.mark.parametrize("text, speakers", [
    ("Obama and Vladimir Putin discussed the accord, and the Kremlin leader said it could work.", [["Vladimir Putin"]]),
    ("Putin met Assad. The Syrian president said the war would go on.", [["Bashar al-Assad"]]),
    ("The Russian president said nothing new.", []),  # a leader the article has not named is no one
])
def test_a_state_leader_title_refers_to_the_leader_named_before(text: str, speakers: list) -> None:
    assert [d["speaker"] for d in events(run(text), "Statement")] == speakers


def test_speakers_named_in_apposition_by_outlet_and_by_acronym() -> None:
    x = run("Putin's spokesman, Dmitry Peskov, said the strikes would go on.")
    assert [d["speaker"] for d in events(x, "Statement")] == [["Dmitry Peskov"]]
    x = run("The state SANA news agency says rebel shelling killed four people.")
    assert [d["speaker"] for d in events(x, "Statement")] == [["SANA"]]
    x = run("The Norwegian Refugee Council runs the camps near Mosul. Aid was short on Friday, the NRC said.")
    assert [d["speaker"] for d in events(x, "Statement")] == [["Norwegian Refugee Council"]]


def test_leading_offices_and_lesser_titles() -> None:
    x = run("U.N. Secretary-General Ban Ki-moon met Brigadier General Ahmed Asseri, and WFP's country director "
            "in Syria, Jakob Kern, said aid was short.")
    found = facts(x)
    assert ("Ban Ki-moon", "leaderOf", "United Nations") in found
    assert not {f for f in found if f[0] in ("Ahmed Asseri", "Jakob Kern") and f[1] == "leaderOf"}


def test_the_weapon_an_article_is_about() -> None:
    x = run("The Eurofighter Typhoon flew at the show. Critics say the Eurofighter Typhoon costs too much. "
            "Rivals mocked it. The costs rose. Airbus said so. Airbus is developing new models of the jet for Spain.")
    assert any("Eurofighter Typhoon" in d.get("asset", []) for d in events(x, "ArmsTransfer"))


def test_falling_to_entering_and_explosions() -> None:
    x = run("Falluja fell to Islamic State in 2014. Iraqi forces entered the center of Ramadi on Friday. "
            "A car bomb exploded in a market in Sadr City on Sunday. Iraq entered talks with Iran.")
    found = events(x, "MilitaryOperation")
    assert {"actor": ["Islamic State"], "location": ["Fallujah"], "class": "Capture", "date": "2014"} in found
    assert any(d["class"] == "GroundOffensive" and d["actor"] == ["Iraq"] and d["location"] == ["Ramadi"]
               for d in found)
    assert any(d["class"] == "Attack" and d["location"] == ["Sadr City"] for d in found)
    assert len(found) == 3  # entering talks is no offensive


def test_the_north_and_the_south_in_an_article_about_the_koreas() -> None:
    x = run("North Korea fired a missile on Friday. Seoul said the North conducted its fourth nuclear test in "
            "January, while the South China Sea stayed calm.")
    found = events(x, "MilitaryOperation")
    assert {"actor": ["North Korea"], "class": "MissileTest", "date": "2016-03-18"} in found  # not "fire on"
    assert any(d["class"] == "NuclearTest" and d["actor"] == ["North Korea"] for d in found)
    assert "South Korea" not in {m.label for m in x.mentions if m.text == "South"}
    assert not [m for m in run("The North Atlantic was calm in the north.").mentions if m.text == "North"]


def test_speech_about_an_event_and_quoted_speakers() -> None:
    x = run("The Syrian army announced the capture of new villages north of Aleppo. Syria's Prime "
            "Minister Wael al-Halqi was quoted on Sunday as saying the army would retake Aleppo.")
    speakers = [d["speaker"] for d in events(x, "Statement")]
    assert ["Syria", "Syrian Arab Army"] in speakers or ["Syrian Arab Army"] in speakers
    assert ["Wael Nader al-Halqi"] in speakers
    assert any(d["class"] == "Capture" for d in events(x, "MilitaryOperation"))


def test_he_who_speaks_after_a_quotation_is_not_named_inside_it() -> None:
    x = run('Analyst Frederic Hof spoke on Friday. "The Assad regime has no interest in talks," he said.')
    assert [d["speaker"] for d in events(x, "Statement")] == [["Frederic Hof"]]
