"""Events, binary facts, attribution and the discourse fill-in."""

from __future__ import annotations

import datetime as dt

import pytest

from kg import article, extract
from kg.extract import Extraction


def run(text: str, date: dt.date | None = None) -> Extraction:
    return extract.extract(article.from_text("Title\n\n" + text, "test", date=date))


def events(x: Extraction, kind: str) -> list[dict[str, list[str]]]:
    labels = {m.iri: m.label for m in x.mentions} | {m.iri: m.label for e in x.events for ms in e.roles.values()
                                                     for m in ms}
    out = []
    for e in x.events:
        if e.kind == kind:
            roles = {r: sorted(labels.get(i, i) for i in e.role_iris(r)) for r in
                     ("supplier", "recipient", "asset", "actor", "target", "location", "speaker")}
            out.append({k: v for k, v in roles.items() if v} | ({"date": [e.date.value]} if e.date else {}))
    return out


def facts(x: Extraction) -> set[tuple[str, str, str]]:
    return {(f.predicate, f.subject.label, f.object.label) for f in x.facts}


def test_arms_transfer_active_with_coordinated_suppliers() -> None:
    x = run("The United States and Germany are supplying Patriot systems to Ukraine.")
    assert events(x, "ArmsTransfer") == [{"supplier": ["Germany", "United States"], "recipient": ["Ukraine"],
                                          "asset": ["MIM-104 Patriot"]}]


@pytest.mark.parametrize("text, kind, expected", [
    ("Since 2022 the United States has supplied Ukraine with HIMARS rocket launchers.", "ArmsTransfer",
     {"supplier": ["United States"], "recipient": ["Ukraine"], "asset": ["M142 HIMARS"], "date": ["2022"]}),
    ("The US has led an aerial campaign in Syria against ISIS since September 2014.", "MilitaryOperation",
     {"actor": ["United States"], "target": ["Islamic State"], "location": ["Syria"], "date": ["2014-09"]}),
])
def test_roles_and_the_year_or_month_since(text: str, kind: str, expected: dict) -> None:
    """ "supplied Ukraine with HIMARS", "a campaign in Syria against ISIS", and "since" a date."""
    assert events(run(text), kind) == [expected]


def test_passive_transfer_takes_supplier_from_asset_origin() -> None:
    x = run("Russia backs Syria. The SA-22 system, known as Pantsir-S1, had been sent to Syria in 2013.")
    (transfer,) = [e for e in x.events if e.kind == "ArmsTransfer"]
    assert transfer.inferred == {"supplier": "https://w3id.org/geokg/resource/state/RUS"}
    assert {"supplier": ["Russia"], "recipient": ["Syria"],
            "asset": ["Pantsir-S1"], "date": ["2013"]} in events(x, "ArmsTransfer")


def test_sending_experts_is_not_an_arms_transfer() -> None:
    assert events(run("Russia is sending experts to Syria to train the army."), "ArmsTransfer") == []


def test_deployment_with_passive_theme_state() -> None:
    x = run("Iranian advisers were deployed to Crimea to help.")
    assert events(x, "Deployment") == [{"actor": ["Iran"], "location": ["Crimea"]}]


def test_base_description_is_not_a_deployment() -> None:
    assert events(run("Moscow has a naval base stationed in the Syrian coastal city of Tartus."), "Deployment") == []


@pytest.mark.parametrize("text", [
    "Germany's foreign minister led a diplomatic push in Vienna to end the fighting.",
    "The U.N. peace mission in Mali was extended by the Security Council.",
    "Russia has stepped up its propaganda campaign in Ukraine.",
])
def test_a_civil_push_mission_or_campaign_is_no_operation_or_deployment(text: str) -> None:
    x = run(text)
    assert events(x, "MilitaryOperation") == events(x, "Deployment") == []


@pytest.mark.parametrize("text, expected", [
    ("Iranian troops suffered heavy losses at Khan Touman.", [{"actor": ["Iran"], "location": ["Khan Tuman"]}]),
    ("Officials said three soldiers in Iran's army were killed in Syria on Monday.",
     [{"actor": ["Iran"], "location": ["Syria"]}]),
    ("Hezbollah fighters were stationed alongside the army near Aleppo.",
     [{"actor": ["Hezbollah"], "location": ["Aleppo"]}]),
    ("Hezbollah fighters attacked rebels near Aleppo.", []),
    ("Russian troops were killed on Monday.", []),
    ("Tehran said army commandos had been sent in support of Baghdad.", []),
    ("U.S.-allied Kurdish units were battling Islamic State near Manbij.", []),
])
def test_forces_are_where_what_they_did_or_suffered_happened(text: str, expected: list) -> None:
    """Forces named with whose they are ("in Iran's army" is whose, not where) are present at the place of the verb
    they are the subject of; "in support of Damascus" names no place; a patron ("U.S.-allied") is not the owner."""
    assert events(run(text), "Deployment") == expected


@pytest.mark.parametrize("text, expected", [
    ("Islamic State camps in Libya draw foreign recruits.", [{"actor": ["Islamic State"], "location": ["Libya"]}]),
    ("Rebels attacked Nubl, a camp of Hezbollah.", [{"actor": ["Hezbollah"], "location": ["Nubl"]}]),
    ("Thousands live in a Syrian refugee camp in Turkey.", []),
])
def test_a_sides_camps_are_where_its_forces_are(text: str, expected: list) -> None:
    assert events(run(text), "Deployment") == expected


def test_patrons_are_not_the_actors_of_the_forces_they_back() -> None:
    x = run("Russia-backed separatist forces shelled Mariupol. U.S.-allied Kurdish forces fought Islamic State.")
    assert all("actor" not in e for e in events(x, "MilitaryOperation"))


@pytest.mark.parametrize("text, expected", [
    ("Ukraine received reports of Russian drones over Kharkiv.", []),
    ("Poland has received several photos of the new tanks.", []),
    ("Thousands of North Koreans, who were given a glimpse of life abroad, returned home.", []),
    ("Moscow wanted to prevent militants getting to Russia.", []),
    ("Syria was given S-300 missiles by Russia.", [{"supplier": ["Russia"], "recipient": ["Syria"],
                                                    "asset": ["S-300"]}]),
])
def test_a_transfer_gives_weapons_not_word_of_them(text: str, expected: list) -> None:
    """Reports of drones are no drones; a passive's retained object is what was given and its subject the one given
    to; a transfer verb with nothing given is none."""
    assert events(run(text), "ArmsTransfer") == expected


def test_a_participle_with_a_by_agent_is_passive_whatever_the_parse() -> None:
    x = run("Weapons shipped into Turkey for Kurdish rebels by the Central Intelligence Agency and Qatar were stolen "
            "by smugglers.")  # "Weapons" parsed as the subject of "shipped"
    (transfer,) = events(x, "ArmsTransfer")
    assert {"Central Intelligence Agency", "Qatar"} <= set(transfer["supplier"])


def test_a_side_is_no_target_of_its_own_operation() -> None:
    x = run("There was fighting between the Syrian government and rebels battling Assad near Aleppo.")
    assert events(x, "MilitaryOperation") == [{"actor": ["Syria"], "location": ["Aleppo"]}]


def test_the_area_is_where_the_last_operation_was() -> None:
    x = run("Syrian forces attacked rebels near Aleppo on Monday. "
            "Rebels say Russian warplanes have resumed air strikes in the area.")
    assert {"actor": ["Russia"], "location": ["Aleppo"]} in events(x, "MilitaryOperation")
    x = run("Rebels say Russian warplanes have resumed air strikes in the area.")  # no place told before
    assert events(x, "MilitaryOperation") == []


@pytest.mark.parametrize("text, expected", [
    ("Syrian forces brought in reinforcements to Latakia.", {"actor": ["Syria"], "location": ["Latakia"]}),
    ("Rebels attacked Latakia on Friday. Syrian forces had brought in reinforcements for the battle.",
     {"actor": ["Syria"], "location": ["Latakia"]}),
])
def test_reinforcements_are_forces_and_the_battle_is_where_it_was(text: str, expected: dict) -> None:
    assert expected in events(run(text), "Deployment")


@pytest.mark.parametrize("text, expected", [
    ("Syrian forces, backed by Hezbollah fighters, retook Palmyra.",
     [{"actor": ["Hezbollah"], "location": ["Palmyra"]}]),
    ("The army's advances near Aleppo, backed by Lebanese Hezbollah and Iranian fighters, cut the road.",
     [{"actor": ["Hezbollah"], "location": ["Aleppo"]}, {"actor": ["Iran"], "location": ["Aleppo"]}]),
    ("Syrian forces, backed by Russian air strikes, retook Palmyra.", []),
])
def test_forces_that_back_an_operation_are_where_it_happened(text: str, expected: list) -> None:
    assert events(run(text), "Deployment") == expected


def test_those_killed_in_a_clash_are_one_of_its_sides() -> None:
    x = run("Turkey's army has fought the PKK since 1984. Four Turkish soldiers were killed and nine were wounded "
            "overnight in clashes with PKK fighters in Hakkari province.")
    assert {"actor": ["Turkey"], "target": ["Kurdistan Workers' Party"], "location": ["Hakkâri Province"]} in events(
        x, "MilitaryOperation")
    x = run("Two civilians were killed in an air strike near Aleppo.")  # in an attack, they are its target
    assert events(x, "MilitaryOperation") == [{"location": ["Aleppo"]}]


def test_a_number_that_falls_to_another_is_no_capture() -> None:
    x = run("About 4,000 British troops are in Iraq; under the plan that will fall to 2,500 troops next year.")
    assert [e for e in x.events if e.cls == "Capture"] == []
    assert events(run("Falluja fell to Islamic State in 2014."), "MilitaryOperation") == [
        {"actor": ["Islamic State"], "location": ["Fallujah"], "date": ["2014"]}]


def test_a_push_qualified_by_no_civil_word_is_an_offensive() -> None:
    assert events(run("Syrian forces launched a push into Palmyra."), "MilitaryOperation") == [
        {"actor": ["Syria"], "location": ["Palmyra"]}]




def test_operation_actor_skips_an_appositive() -> None:
    x = run("The Houthis, an armed group backed by Iran, began attacking ships in the Red Sea.")
    assert events(x, "MilitaryOperation") == [{"actor": ["Houthis"], "location": ["Red Sea"]}]


def test_statements_by_named_people_organizations_and_states_not_unnamed_sources() -> None:
    x = run("US President Barack Obama said on Friday that it was a sign. The source said more would come. "
            "Germany said it would deliver more.", date=dt.date(2015, 9, 12))
    assert events(x, "Statement") == [{"speaker": ["Barack Obama"], "date": ["2015-09-11"]}, {"speaker": ["Germany"]}]


def test_attribution_to_anonymous_sources() -> None:
    x = run("Two Western officials and a Russian source have said that Russia is providing missiles to Syria.")
    (transfer,) = [e for e in x.events if e.kind == "ArmsTransfer"]
    assert sorted(s.label for s in transfer.sources) == ["Two Western officials", "a Russian source"]
    russian = next(s for s in transfer.sources if s.label == "a Russian source")
    assert russian.on_behalf_of == ["https://w3id.org/geokg/resource/state/RUS"]


def test_according_to() -> None:
    x = run("According to the Russian source close to the navy, the S-400 system had been sent to Turkey.")
    (transfer,) = [e for e in x.events if e.kind == "ArmsTransfer"]
    assert [s.label for s in transfer.sources] == ["the Russian source close to the navy"]


def test_binary_facts() -> None:
    x = run("Syrian President Bashar al-Assad met Sergey Lavrov, Russia's foreign minister. "
            "Moscow, Syria's ally since the Cold War, has a naval base stationed in the Syrian coastal city of Tartus. "
            "RAF Akrotiri in Cyprus was used.")
    got = facts(x)
    assert ("leaderOf", "Bashar al-Assad", "Syria") in got
    assert ("leaderOf", "Sergey Lavrov", "Russia") in got
    assert ("alliedWith", "Russia", "Syria") in got
    assert ("operates", "Russia", "Tartus naval base") in got
    assert ("locatedIn", "Tartus", "Syria") in got
    assert ("locatedIn", "Tartus naval base", "Tartus") in got
    assert ("locatedIn", "RAF Akrotiri", "Cyprus") in got


def test_near_is_not_containment() -> None:
    assert not facts(run("A plane landed at Incirlik Air Base near Ankara."))


def test_extractor_never_raises_on_odd_text() -> None:
    for text in ["", "'s", "’s ,,, ; :", "Moscow,", "\u200b\u00a0\t", "A" * 5000, "said said said", "\"\"\"",
                 "to to to Syria", "by by", "Russia's 's", "🙂 Russia sends 🚀 to Syria 🙂"]:
        extract.extract(article.Article(title="t", content="t\n" + text))


def test_acquisition_in_a_relative_clause() -> None:
    x = run("Pakistan flies Chinese-made J-10C fighters, which it bought from China in 2020, analysts said.")
    assert {"supplier": ["China"], "recipient": ["Pakistan"], "asset": ["J-10"], "date": ["2020"]} in \
        events(x, "ArmsTransfer")


def test_weapons_supplied_by_someone_to_their_user() -> None:
    x = run("Army chief Abdel Fattah al-Burhan said the RSF was using long-range drones supplied by the "
            "United Arab Emirates.")
    assert events(x, "ArmsTransfer") == [{"supplier": ["United Arab Emirates"], "recipient": ["Rapid Support Forces"]}]


def test_strikes_on_sites_in_a_state_target_that_state() -> None:
    x = run("India launched missile strikes on nine sites in Pakistan on 7 May 2025.")
    assert events(x, "MilitaryOperation") == [{"actor": ["India"], "target": ["Pakistan"], "location": ["Pakistan"],
                                               "date": ["2025-05-07"]}]


@pytest.mark.parametrize(("text", "sources"), [
    ("Nicaragua deployed warships to Akrotiri and Dhekelia in December 2024, diplomats familiar with the talks "
     "said.", ["diplomats familiar with the talks"]),
    ("Malawi deployed troops to Syria in February 2023, regional intelligence officials said on Tuesday.",
     ["regional intelligence officials"]),
    ("Russia deployed troops to Syria, a Western diplomat told Reuters on Monday.", ["a Western diplomat"]),
    ("Russia will send S-400 systems to Syria, Sergey Lavrov, Russia's foreign minister, said.",
     ["Sergey Lavrov, Russia's foreign minister"]),
    ("Russia delivered S-400 systems to Turkey, Interfax and TASS reported.", ["Interfax", "TASS"]),
    ("Russia sent S-400 systems to Turkey, officials in Ankara and Moscow said.", ["officials in Ankara and Moscow"]),
    ("A US official, speaking on condition of anonymity, said that the United States had delivered ATACMS "
     "missiles to Ukraine.", ["A US official"]),
    ("The United States has delivered 40 Harpoon missiles to Taiwan in July 2014, according to two Western "
     "officials.", ["two Western officials"]),
    ("According to two Western officials, Russia delivered S-400 systems to Turkey.", ["two Western officials"]),
    ("People briefed on the matter said that Russia is supplying Orlan-10 drones to Niger.",
     ["People briefed on the matter"]),
    ("Turkey said it would deploy the S-400 systems it bought from Russia \"according to our needs\".", []),
])
def test_attribution_after_the_report(text: str, sources: list[str]) -> None:
    """"X did Y, officials said.": the source is what follows the report's last comma, not the report."""
    found = [e for e in run(text).events if e.kind in ("ArmsTransfer", "Deployment")]
    assert found and all([s.label for s in event.sources] == sources for event in found)


def test_a_participle_after_a_source_is_not_part_of_it() -> None:
    x = run("A Russian official, speaking in Kyiv, said that Russia had sent S-400 systems to Syria.")
    (transfer,) = [e for e in x.events if e.kind == "ArmsTransfer"]
    assert [(s.label, s.on_behalf_of) for s in transfer.sources] == [
        ("A Russian official", ["https://w3id.org/geokg/resource/state/RUS"])]


def test_weapons_supplied_by_someone_arriving_somewhere_are_a_transfer_not_a_deployment() -> None:
    x = run("A first batch of M142 HIMARS systems supplied by the United States arrived in Romania this week. "
            "Russian troops arrived in Syria.")
    assert events(x, "ArmsTransfer") == [{"supplier": ["United States"], "recipient": ["Romania"],
                                          "asset": ["M142 HIMARS"]}]
    assert events(x, "Deployment") == [{"actor": ["Russia"], "location": ["Syria"]}]


def test_taking_delivery_is_an_arms_transfer() -> None:
    x = run("Ukraine has taken delivery of 20 Su-25 combat aircraft from Russia, a military spokesman said.")
    assert events(x, "ArmsTransfer") == [{"supplier": ["Russia"], "recipient": ["Ukraine"], "asset": ["Su-25"]}]


def test_what_is_sent_to_a_base_is_deployed_there() -> None:
    x = run("In July 2011, Russia sent a naval task force to the Tartus naval base. "
            "In 2017, Kuwait sent drones to the Ali Al Salem Air Base. Pakistan moved drones to the Nur Khan Air Base.")
    assert events(x, "Deployment") == [
        {"actor": ["Russia"], "location": ["Tartus naval base"], "date": ["2011-07"]},
        {"actor": ["Kuwait"], "location": ["Ali Al Salem Air Base"], "date": ["2017"]},
        {"actor": ["Pakistan"], "location": ["Nur Khan Air Base"]}]
    assert events(x, "ArmsTransfer") == []
    assert events(run("China keeps ships and personnel at the Yulin Naval Base."), "Deployment") == []


def test_guided_bombs_are_weapons_not_an_attack() -> None:
    x = run("Australia receives JDAM guided bombs from the United States. Russia bombs Aleppo again.")
    assert events(x, "ArmsTransfer") == [{"supplier": ["United States"], "recipient": ["Australia"],
                                          "asset": ["JDAM"]}]
    assert events(x, "MilitaryOperation") == [{"actor": ["Russia"], "location": ["Aleppo"]}]


def test_fighting_a_group_is_an_operation_and_enemy_positions_are_no_deployment() -> None:
    x = run("The United States last fought the Houthis near Aden in January 2016. "
            "In June 2012, Hayat Tahrir al-Sham fighters attacked Russian positions near Daraa. "
            "Armenia accused Turkey of sending Syrian mercenaries to fight alongside Azerbaijani troops.")
    assert events(x, "MilitaryOperation") == [
        {"actor": ["United States"], "target": ["Houthis"], "location": ["Aden"], "date": ["2016-01"]},
        {"actor": ["Hayat Tahrir al-Sham"], "target": ["Russia"], "location": ["Daraa"], "date": ["2012-06"]}]
    assert events(x, "Deployment") == []


def test_a_name_ending_in_said_is_no_speech() -> None:
    x = run("Omani Sultan Qaboos bin Said condemned the move, saying it would destabilise the region.")
    assert events(x, "Statement") == [{"speaker": ["Qaboos bin Said"]}]
    assert [s.label for e in x.events for s in e.sources] == []


def test_speaker_named_before_an_apposition() -> None:
    x = run('"We honour our contracts," Sergey Lavrov, the Russian foreign minister, said. '
            "Analysts, the think tank said, were not surprised.")
    assert events(x, "Statement") == [{"speaker": ["Sergey Lavrov"]}]


def test_leader_in_an_apposition_with_a_demonym_and_forces_that_field_weapons() -> None:
    x = run('"The deployment is temporary," Mike Pompeo, the American secretary of state, said. '
            "Kuwait's armed forces already field F/A-18 Hornet combat aircraft. The United States' army fields "
            "M1 Abrams tanks. Oman, the Gulf state, fields nothing of the kind.")
    got = facts(x)
    assert ("leaderOf", "Mike Pompeo", "United States") in got
    assert {("operates", "Kuwait", "F/A-18 Hornet"), ("operates", "United States", "M1 Abrams")} <= got
    assert not {f for f in got if f[1] == "Oman"}
    got = facts(run("The Nevatim Airbase in the Negev is run by Israel. The Tartus naval base, which is used by "
                    "Russia, lies south of Latakia. Camp Lemonnier was leased by the United States."))
    assert {("operates", "Israel", "Nevatim Airbase"), ("operates", "Russia", "Tartus naval base"),
            ("operates", "United States", "Camp Lemonnier")} <= got


def test_an_event_told_in_a_dated_report_happened_by_that_date() -> None:
    x = run("Officials said on Tuesday that Russia had begun delivering S-400 systems to Turkey. "
            "The United States has deployed troops to Camp Arifjan, a military spokesman said on Tuesday. "
            "Russia deployed troops to Tartus on Monday, a spokesman said.", date=dt.date(2019, 5, 3))
    dated = [(e.kind, e.date.value, e.date.qualifier) for e in x.events if e.date]
    assert dated == [("ArmsTransfer", "2019-04-30", "by"), ("Deployment", "2019-04-30", "by"),
                     ("Deployment", "2019-04-29", None)]


def test_a_where_clause_tells_where_and_a_company_deploys_nothing() -> None:
    x = run("Kirkuk is one of the cities where Turkish soldiers were stationed last year. Tartus is a port where "
            "Russia has based warships since 1971. Iraqi troops entered Mosul, where Islamic State fighters "
            "attacked them.", date=dt.date(2016, 2, 13))
    assert events(x, "Deployment") == [{"actor": ["Turkey"], "location": ["Kirkuk"], "date": ["2015"]},
                                       {"actor": ["Russia"], "location": ["Tartus"], "date": ["1971"]}]
    assert {"actor": ["Islamic State"], "location": ["Mosul"]} in events(x, "MilitaryOperation")
    x = run("The frigate, built by Lockheed Martin, left Singapore, where it had been deployed since December.")
    assert events(x, "Deployment") == []


def test_a_branch_acts_for_its_state_however_it_was_reached() -> None:
    x = run("On Monday the Syrian army was reported to be sending fresh troops to Aleppo. The Iraqi Army said on "
            "Sunday that its offensive near Hit had cut the road to Haditha.", date=dt.date(2016, 2, 13))
    assert {"actor": ["Syria", "Syrian Arab Army"], "location": ["Aleppo"], "date": ["2016-02-08"]} in events(
        x, "Deployment")
    assert {"actor": ["Iraq", "Iraqi Army"], "location": ["Hit"]} in events(x, "MilitaryOperation")
    # a bare "government forces" at home where they move is that state's, not the state named before
    x = run("Russian jets bombed Palmyra. Later, government forces moved toward Palmyra.")
    assert [e["actor"] for e in events(x, "Deployment")] == [["Syria"]]
    x = run("The wider authority that Obama has given the U.S. military may give commanders more room.")
    assert events(x, "ArmsTransfer") == []


def test_who_repels_an_operation_is_its_target_wherever_the_coordinated_places_are() -> None:
    x = run("The peshmerga beat back Islamic State attacks on the Gwer front and in the Makhmour area.")
    assert events(x, "MilitaryOperation") == [{"actor": ["Islamic State"], "target": ["Iraq", "Peshmerga"],
                                               "location": ["Gwer", "Makhmour"]}]
    # a passive operation noun is the event, and its verb no capture
    x = run("A Taliban assault on Kunduz was repulsed by Afghan forces.")
    assert events(x, "MilitaryOperation") == [{"actor": ["Taliban"], "target": ["Afghanistan"],
                                               "location": ["Kunduz"]}]


def test_a_capture_is_taken_from_the_side_the_article_shows_the_captor_fighting() -> None:
    story = "Iraqi jets bombed Islamic State targets in Anbar. In December the Iraqi army recaptured Ramadi."
    captures = [e for e in events(run(story, dt.date(2016, 2, 13)), "MilitaryOperation")
                if "Ramadi" in e.get("location", [])]
    assert captures == [{"actor": ["Iraq", "Iraqi Army"], "location": ["Ramadi"], "date": ["2015-12"]}]  # told once
    story = "Iraqi forces pounded Islamic State positions near Mosul. " + story
    captures = [e for e in events(run(story, dt.date(2016, 2, 13)), "MilitaryOperation")
                if "Ramadi" in e.get("location", [])]
    assert captures == [{"actor": ["Iraq", "Iraqi Army"], "target": ["Islamic State"], "location": ["Ramadi"],
                         "date": ["2015-12"]}]


def test_who_claims_an_attack_and_whose_fighters_come_from_a_group() -> None:
    x = run("A gunman killed four guards at a checkpoint in Kirkuk, in an attack claimed by Islamic State. "
            "On Monday, fighters from Hezbollah shelled rebel positions near Zabadani.", dt.date(2016, 2, 13))
    assert events(x, "MilitaryOperation") == [
        {"actor": ["Islamic State"], "location": ["Kirkuk"]},
        {"actor": ["Hezbollah"], "location": ["Zabadani"], "date": ["2016-02-08"]}]
    # a campaign that frames what a side did is not the place of its strikes
    x = run("In its long campaign in Turkey, the PKK has struck at the security forces.")
    assert {"actor": ["Kurdistan Workers' Party"], "target": ["Turkey"], "location": ["Turkey"]} in events(
        x, "MilitaryOperation")


def test_an_operation_told_twice_in_a_sentence_is_one_of_the_kind_it_is_called() -> None:
    x = run("On Monday the Turkish military launched air strikes and struck the Qandil mountains in northern Iraq.",
            dt.date(2016, 3, 15))
    assert events(x, "MilitaryOperation") == [{"actor": ["Turkey", "Turkish Armed Forces"],
                                               "location": ["Iraq", "Qandil Mountains"], "date": ["2016-03-14"]}]
    assert [e.cls for e in x.events] == ["AirStrike"]


def test_a_title_with_its_holder_named_beside_it_is_that_person() -> None:
    x = run("The commander of the Mosul operation, Najm al-Jabouri, said the army would attack within days. "
            "The Typhoon programme chief, Air Commodore Linda Hart, said the jets were ready.")
    assert events(x, "Statement") == [{"speaker": ["Najm al-Jabouri"]}, {"speaker": ["Linda Hart"]}]


def test_a_group_s_branch_and_the_backers_of_a_side_s_own_advances_are_its_allies() -> None:
    got = facts(run("Fighters from al Qaeda's branch in Yemen, known as AQAP, seized the port. "
                    "The Iraqi army pressed on toward Mosul, where its advances backed by allied Iranian advisers "
                    "have cut the road to Syria."))
    assert ("alliedWith", "al-Qaeda", "al-Qaeda in the Arabian Peninsula") in got
    assert ("alliedWith", "Iran", "Iraq") in got


def test_a_district_of_a_city_is_in_that_city() -> None:
    got = facts(run("Police raided houses in the Sur district of Diyarbakir on Monday. "
                    "Clashes broke out in the Kaynartepe neighbourhood of the southeastern city of Diyarbakir."))
    assert ("locatedIn", "Sur, Diyarbakır", "Diyarbakır") in got
    assert ("locatedIn", "Kaynartepe", "Diyarbakır") in got
    assert not any(s == "Diyarbakır" and p == "locatedIn" for p, s, _ in got)


def test_reinforcements_join_the_fight_told_of_for_the_side_that_sends_them() -> None:
    x = run("Rebels and Syrian government forces fought for a day in western Aleppo. Government forces were "
            "reinforced by allies from Lebanon's Hezbollah, a monitor said. Rebels took a hill but lost it after the "
            "government side brought in reinforcements.")
    deployments = [(e.role_iris("actor"), e.inferred.get("location", "")) for e in x.events if e.kind == "Deployment"]
    assert [([a.rsplit("/", 1)[-1] for a in actors], where.rsplit("/", 1)[-1]) for actors, where in deployments] == [
        (["hezbollah"], "aleppo"), (["SYR"], "aleppo")]


def test_a_side_is_whose_forces_are_not_where_they_are() -> None:
    x = run("Syrian troops fought in Aleppo. Rebels seized two blocks, but their push was halted by the "
            "arrival of reinforcements on the government side.")
    (deployment,) = events(x, "Deployment")
    assert deployment == {"actor": ["Syria"], "location": ["Aleppo"]}  # Aleppo from the fight, not Syria


def test_government_forces_are_those_of_the_state_whose_places_the_story_is_in() -> None:
    x = run("Lebanon's Hezbollah sent fighters to the front. Clashes erupted in Aleppo and Homs. "
            "Government forces shelled rebel positions in Idlib.")
    assert events(x, "MilitaryOperation") == [{"actor": ["Syria"], "location": ["Idlib"]}]


def test_an_operation_told_by_a_participle_is_part_of_the_one_it_hangs_on() -> None:
    x = run("The Iraqi army recaptured the town of Hit, pushing the insurgents north along the river. "
            "Syrian troops advanced on Palmyra, capturing two hills west of the city.")
    got = [(e.cls, sorted(m.label for m in e.roles.get("location", []))) for e in x.events
           if e.kind == "MilitaryOperation"]
    assert got == [("Capture", ["Hit"]), ("Capture", ["Palmyra"])]


@pytest.mark.parametrize(("text", "speaker"), [
    # the parse reads "areas and the World Health Organisation" as one phrase and leaves "said" no subject
    ("An official said Moscow was helping to open roads to cut-off towns and the World Health "
     "Organisation said it had sent medicine to one of them.", "World Health Organization"),
    ("Separately Amaq news agency, which is linked to Islamic State, said the militants had blown up a "
     "pipeline.", "Amaq News Agency"),  # an opening adverb is no part of the name after it
    ("Broadcaster NTV cited Justice Minister Bekir Bozdag as saying the courts would be busy.", "Bekir Bozdag"),
])
def test_speakers_the_parse_or_the_tagger_hides(text: str, speaker: str) -> None:
    assert {"speaker": [speaker]} in events(run(text), "Statement")


def test_a_name_in_the_credit_line_is_no_one_the_article_quotes() -> None:
    x = run('"We will not use nuclear weapons first," KCNA quoted Kim as saying.\n\n'
            "(Additional reporting by Jack Kim in SEOUL; Editing by Tony Munroe)")
    assert all(m.label != "Jack Kim" for m in x.mentions)


def test_the_operation_a_definite_noun_refers_back_to_is_one_event() -> None:
    x = run("On Sunday air strikes hit the main road into the eastern districts of Aleppo city, monitors said. "
            "They said Russian warplanes had carried out the attacks.")
    (strike,) = [e for e in x.events if e.kind == "MilitaryOperation"]
    assert strike.cls == "AirStrike" and strike.role_iris("actor") == ["https://w3id.org/geokg/resource/state/RUS"]
    assert "https://w3id.org/geokg/resource/place/aleppo" in strike.role_iris("location")
    assert len(strike.more_sentences) == 1


def test_an_operation_also_done_is_by_the_side_of_the_one_before() -> None:
    x = run("Russian warplanes pounded rebel positions in Aleppo on Sunday. The nearby Owaija area was also hit.")
    assert [e.role_iris("actor") for e in x.events] == [["https://w3id.org/geokg/resource/state/RUS"]] * 2


@pytest.mark.parametrize(("text", "expected"), [
    ("Russian bombing raids to help Syrian forces around the city of Aleppo went on all week.",
     {"actor": ["Russia"], "location": ["Aleppo"]}),  # where what the raids were for was
    ("Russia entered the war in Syria in September.", {"actor": ["Russia"], "location": ["Syria"]}),
])
def test_operations_placed_by_their_purpose_and_wars_entered(text: str, expected: dict) -> None:
    assert events(run(text), "MilitaryOperation") == [expected]


def test_an_organization_called_later_by_its_name_s_head_noun() -> None:
    x = run("The Syrian Observatory for Human Rights said 20 died. Observatory director Rami Abdulrahman said "
            "dozens had been killed. The Observatory said more died. The State Department said nothing.")
    assert ("leaderOf", "Rami Abdulrahman", "Syrian Observatory for Human Rights") in facts(x)
    assert [s["speaker"] for s in events(x, "Statement")] == [  # the Observatory's two statements are one
        ["Syrian Observatory for Human Rights"], ["Rami Abdulrahman"],
        ["United States", "United States Department of State"]]  # "State" names too many to be one
    assert {m.label for m in x.mentions if m.text == "Observatory"} == {"Syrian Observatory for Human Rights"}


@pytest.mark.parametrize("text", [
    "With the help of a U.S.-led alliance, the Kurdish YPG took on Islamic State.",
    "The YPG, backed by airstrikes from the U.S.-led coalition, advanced on Raqqa.",
])
def test_those_whose_strikes_or_alliance_help_a_side_are_its_allies(text: str) -> None:
    assert ("alliedWith", "People's Protection Units", "United States") in {
        (p, *sorted((a, b))) for p, a, b in facts(run(text))}


@pytest.mark.parametrize(("text", "expected"), [
    ("Syrian forces pushed Islamic State out of Palmyra.",
     [{"actor": ["Syria"], "target": ["Islamic State"], "location": ["Palmyra"]}]),
    ("Russia and the Syrian government want to push the opposition out of Geneva.", []),  # no fighters, no ground
])
def test_driving_out_takes_ground_only_from_fighters_or_places(text: str, expected: list) -> None:
    assert events(run(text), "MilitaryOperation") == expected


def test_forces_qualified_as_no_state_s_are_not_the_main_state_s() -> None:
    x = run("Syria said Kurdish forces had been shelled near Azaz. Government forces shelled Idlib. "
            "Rebel forces shelled Aleppo.")
    assert [e.get("actor") for e in events(x, "MilitaryOperation")] == [None, ["Syria"], None]


def test_civilians_on_the_move_and_enmity_are_no_military_events() -> None:
    x = run("Russia sent troops to Syria. Thousands of people massed at the Bab al-Salam crossing. "
            "Refugees arrived in Greece. The deal eased the hostility between Tehran and Washington.")
    assert [e.kind for e in x.events] == ["Deployment"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Iran freed 10 U.S. sailors on Wednesday.", []),  # a release of people, no ground taken
    ("Iraqi forces liberated the town of Hit.", [{"actor": ["Iraq"], "location": ["Hit"]}]),
    # coordinated qualifiers name several sides, none the group named before
    ("Islamic State attacked Suruc. Islamist, leftist and Kurdish militants have fought Ankara in southeast Turkey.",
     [{"actor": ["Islamic State"], "location": ["Suruç"]}, {"target": ["Turkey"], "location": ["Turkey"]}]),
])
def test_freeing_people_and_several_unnamed_sides(text: str, expected: list) -> None:
    assert events(run(text), "MilitaryOperation") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("U.N. Syria envoy Staffan de Mistura said the agreement was holding.",
     {("leaderOf", "Staffan de Mistura", "United Nations")}),  # sent by the U.N. to Syria
    ("French U.N. Ambassador Francois Delattre said it had failed.",
     {("leaderOf", "François Delattre", "France")}),  # France's, at the U.N.
    ("Lise Grande, U.N. humanitarian coordinator in Iraq, called the camps overcrowded.", set()),
])
def test_envoys_are_the_sender_s_and_lesser_coordinators_lead_nothing(text: str, expected: set) -> None:
    assert {f for f in facts(run(text)) if f[0] == "leaderOf"} == expected


@pytest.mark.parametrize("text", [
    "Foreign Minister Javad Zarif arrived in Vienna on Saturday.",  # a person travels
    "He praised Secretary of State John Kerry for engaging with Iran.",  # engaging with someone is talking
    "The military said it had seized power, as reported by the Reuters news agency.",  # a reporter takes nothing
])
def test_travels_talks_and_reporters_are_no_military_events(text: str) -> None:
    x = run(text)
    assert all(e.kind == "Statement" for e in x.events if e.kind != "MilitaryOperation") and not any(
        m.label == "Reuters" for e in x.events if e.kind != "Statement" for ms in e.roles.values() for m in ms)
    assert not events(x, "Deployment") and not [e for e in events(x, "MilitaryOperation") if "target" in e]


@pytest.mark.parametrize(("text", "kind", "modality"), [
    ("Russia will not send troops to Syria.", "Deployment", "Negated"),  # negation before the auxiliary
    ("EU countries cannot export arms to North Korea.", "ArmsTransfer", "Negated"),
])
def test_negation_wins_over_a_modal_auxiliary(text: str, kind: str, modality: str) -> None:
    assert [e.modality for e in run(text).events if e.kind == kind] == [modality]


def test_what_could_not_be_confirmed_and_a_city_s_police_chief() -> None:
    x = run("Reuters could not independently confirm the reports. "
            "Jakarta police chief Tito Karnavian said two of the attackers were known to police.")
    assert events(x, "Statement") == [{"speaker": ["Tito Karnavian"]}]
    assert not {f for f in facts(x) if f[0] == "leaderOf"}


def test_a_recent_event_has_happened_and_ousting_a_person_takes_no_ground() -> None:
    x = run("Their talks will also include the response to North Korea's recent nuclear test. "
            "Turkey focused on trying to oust President Bashar al-Assad.")
    assert [(e.cls, e.modality) for e in x.events if e.kind == "MilitaryOperation"] == [("NuclearTest", None)]


def test_some_people_of_a_state_are_not_the_state_and_help_is_no_weapon() -> None:
    x = run("Several Malaysians are believed to have staged suicide attacks in the Middle East. "
            "Police named Bahrun Naim, an Indonesian based in Syria. Russia provided air support for Kurdish fighters. "
            "The Russians bombed Aleppo.")
    assert events(x, "MilitaryOperation") == [{"location": ["Middle East"]},
                                              {"actor": ["Russia"], "location": ["Aleppo"]}]
    assert not events(x, "Deployment") and not events(x, "ArmsTransfer")


def test_a_stronghold_for_forces_has_them_and_a_town_of_an_unknown_name_is_a_place() -> None:
    x = run("Rebels said they were advancing on the town of Tal Hamdan, a bastion for Hezbollah and Iranian "
            "troops. Syrian troops advanced on the Islamic State stronghold of Raqqa.")
    assert events(x, "Deployment") == [{"actor": ["Hezbollah", "Iran"], "location": ["Tal Hamdan"]}]
    assert [m.cls for m in x.mentions if m.text == "Tal Hamdan"] == ["City"]


def test_sides_listed_after_including_are_the_ones_meant() -> None:
    x = run("Regional foes of Assad including Saudi Arabia and Turkey supplied rebel groups with rifles last year. "
            "He hopes to bring together all pro-ISIS cells in Southeast Asia, including Indonesia and "
            "Malaysia.")
    assert events(x, "ArmsTransfer") == [{"supplier": ["Saudi Arabia", "Turkey"]}]
    assert not {f for f in facts(x) if f[0] == "alliedWith"}


def test_a_speaker_in_apposition_that_the_parse_coordinated_with_the_noun_before() -> None:
    x = run("The U.N. struggled to save the talks on Wednesday as Damascus tried to build on gains against rebels "
            "and its ally Russia said its jets would keep flying. Islamic State fighters swept across Syria and "
            "Iraq declaring a caliphate.")
    assert events(x, "Statement") == [{"speaker": ["Russia"]}, {"speaker": ["Islamic State"]}]  # not Syria, Iraq
