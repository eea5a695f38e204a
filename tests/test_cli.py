"""The geokg command line, end to end: ingest, query, export, remove, stats, validate, and errors."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.export import concise_bounded_description, export
from kg.store import Store

from .conftest import DATA, SEED_ARTICLE, SEEDS

SYRIA = "https://w3id.org/geokg/resource/state/SYR"


def geokg(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def article_iri(store_dir: Path) -> str:
    s = Store(store_dir, read_only=True)
    return next(iter(s.articles()))


def test_ingest_is_idempotent_and_summarised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s")
    code, out, _ = geokg(capsys, "ingest", "--store", store, str(SEEDS))
    assert code == 0 and "1 article(s) ingested" in out and "events" in out
    before = geokg(capsys, "export", "--store", store, "--format", "nquads")[1]
    code, out, _ = geokg(capsys, "ingest", "--store", store, str(SEED_ARTICLE))
    assert code == 0 and "0 article(s) ingested, 1 already present" in out
    assert geokg(capsys, "export", "--store", store, "--format", "nquads")[1] == before


def test_query_formats(seed_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = ("PREFIX gkg: <https://w3id.org/geokg/ontology#> SELECT ?s WHERE { ?t a gkg:ArmsTransfer ; "
         "gkg:supplier ?s } LIMIT 1")
    code, out, _ = geokg(capsys, "query", "--store", str(seed_store), q)
    assert code == 0 and "https://w3id.org/geokg/resource/state/RUS" in out and "(1 row)" in out
    code, out, _ = geokg(capsys, "query", "--store", str(seed_store), "--format", "json", q)
    assert json.loads(out)["results"]["bindings"][0]["s"]["value"].endswith("/RUS")
    code, out, _ = geokg(capsys, "query", "--store", str(seed_store), "--format", "csv", q)
    assert out.splitlines()[0].strip() == "s"
    code, out, _ = geokg(capsys, "query", "--store", str(seed_store), "ASK { ?s ?p ?o }")
    assert out.strip() == "true"


def test_query_from_file(seed_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.rq"
    f.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    code, out, _ = geokg(capsys, "query", "--store", str(seed_store), "-f", str(f), "--format", "tsv")
    assert code == 0 and int(out.splitlines()[1].split("^^")[0].strip('"')) > 10000


def test_bad_sparql_is_one_line_and_exit_2(seed_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = geokg(capsys, "query", "--store", str(seed_store), "SELECT WHERE {")
    assert code == 2 and err.startswith("geokg query: error: invalid SPARQL") and len(err.strip().splitlines()) == 1


def test_missing_store_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = geokg(capsys, "stats", "--store", str(tmp_path / "nothing"))
    assert code == 2 and "no GeoKG store" in err


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--jobs", "0", "argument --jobs: must be a whole number at least 1, not '0'"),
    ("--jobs", "two", "argument --jobs: must be a whole number at least 1, not 'two'"),
    ("--load-mb", "0", "argument --load-mb: must be a number greater than 0, not '0'"),
    ("--load-mb", "nan", "argument --load-mb: must be a number greater than 0, not 'nan'")])
def test_bad_ingest_options_are_clear_errors_before_the_store_is_touched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str) -> None:
    code, _, err = geokg(capsys, "ingest", "--store", str(tmp_path / "s"), option, value, str(SEED_ARTICLE))
    assert code == 2 and message in err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("args", [
    ("extract", "--jobs", "-1", "x.txt"), ("serve", "--port", "65536"), ("serve", "--query-timeout", "0"),
    ("serve", "--queue-wait", "-1"), ("serve", "--query-workers", "1.5"), ("serve", "--max-rows", "0"),
    ("serve", "--query-memory", "0")])
def test_bad_numeric_options_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              args: tuple[str, ...]) -> None:
    code, _, err = geokg(capsys, *args)
    assert code == 2 and f"argument {args[1]}: must be a" in err and f"not {args[2]!r}" in err


def test_bad_files_are_reported_and_good_ones_ingested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bad.json").write_text("{", encoding="utf-8")
    shutil.copy(SEED_ARTICLE, docs / "good.txt")
    code, out, err = geokg(capsys, "ingest", "--store", str(tmp_path / "s"), str(docs), str(tmp_path / "missing.txt"))
    assert code == 1
    assert "1 article(s) ingested" in out and "2 failed" in out
    assert "bad.json:1: invalid JSON" in err and "missing.txt: no such file" in err


def test_deeply_nested_json_is_one_failure_and_the_rest_is_ingested(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A .json file or a .jsonl line nested 1,000 deep made Python's JSON parser raise RecursionError, which ended
    the run with a traceback before anything was stored."""
    deep, docs = "[" * 1000 + "]" * 1000, tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED_ARTICLE, docs / "a-good.txt")
    (docs / "b-deep.json").write_text(deep, encoding="utf-8")
    good = [json.dumps({"title": f"Report {i}", "text": f"Russia sends S-400 systems to Turkey ({i})."})
            for i in (1, 2)]
    (docs / "c-news.jsonl").write_text(f"{good[0]}\n{deep}\n{good[1]}\n", encoding="utf-8")
    code, out, err = geokg(capsys, "ingest", "--store", str(tmp_path / "s"), str(docs))
    assert code == 1 and "3 article(s) ingested" in out and "2 failed" in out
    assert err.splitlines() == [f"error: {docs / 'b-deep.json'}: invalid JSON: nested too deeply for an article "
                                "(arrays or objects within each other)",
                                f"error: {docs / 'c-news.jsonl'}:2: invalid JSON: nested too deeply for an "
                                "article (arrays or objects within each other)"]
    assert len(list(Store(tmp_path / "s", read_only=True).articles())) == 3


@pytest.mark.slow
def test_a_fifo_named_on_the_command_line_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A FIFO would block the ingest until something writes into it (those inside directories are skipped)."""
    fifo = tmp_path / "news.txt"
    os.mkfifo(fifo)
    exe = Path(sys.executable).with_name("geokg")
    run = subprocess.run([str(exe), "ingest", "--store", str(tmp_path / "s"), str(fifo), str(SEED_ARTICLE)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "1 article(s) ingested" in run.stdout and "1 failed" in run.stdout
    assert f"error: {fifo}: not a regular file or directory" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples", "jsonld"])
def test_export_formats_reparse_to_the_same_graph(seed_store: Path, fmt: str) -> None:
    store = Store(seed_store, read_only=True)
    buf = io.BytesIO()
    export(store, buf, fmt)
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
                  "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    parsed = list(ox.parse(buf.getvalue(), rdf_format))
    if fmt in ("turtle", "ntriples"):
        parsed = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    stored = [q for q in store.ox.quads_for_pattern(None, None, None, None)
              if q.graph_name.value != "https://w3id.org/geokg/graph/state"]
    if fmt in ("trig", "nquads", "jsonld"):
        assert set(parsed) == set(stored)
    else:
        assert set(parsed) == {ox.Triple(q.subject, q.predicate, q.object) for q in stored}
    if fmt == "turtle":
        assert buf.getvalue().startswith(b"@prefix")
        assert b"gkg:ArmsTransfer" in buf.getvalue()


def test_export_graph_and_entity(seed_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    iri = article_iri(seed_store)
    out_file = tmp_path / "article.ttl"
    code, _, _ = geokg(capsys, "export", "--store", str(seed_store), "--graph", iri, "-o", str(out_file))
    assert code == 0
    triples = [q.triple for q in ox.parse(out_file.read_bytes(), ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/geokg/ontology#Article")) in triples
    code, out, _ = geokg(capsys, "export", "--store", str(seed_store), "--entity", SYRIA, "--format", "ntriples")
    assert code == 0 and f"<{SYRIA}>" in out
    store = Store(seed_store, read_only=True)
    cbd = concise_bounded_description(store, SYRIA)
    assert all(t.subject.value == SYRIA or "#fact-" in t.subject.value for t in cbd)


def test_export_unknown_graph_is_an_error(seed_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = geokg(capsys, "export", "--store", str(seed_store), "--graph", "https://example.org/none")
    assert code == 2 and "no graph" in err


def test_remove_and_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s")
    geokg(capsys, "ingest", "--store", store, str(SEED_ARTICLE))
    code, out, _ = geokg(capsys, "stats", "--store", store)
    assert re.search(r"^articles +1$", out, re.M) and "ArmsTransfer" in out
    assert len({len(line) - len(line.split()[-1]) for line in out.splitlines()}) == 1  # the counts in one column
    iri = article_iri(Path(store))
    assert geokg(capsys, "remove", "--store", store, iri)[0] == 0
    assert re.search(r"^articles +0$", geokg(capsys, "stats", "--store", store)[1], re.M)
    code, _, err = geokg(capsys, "remove", "--store", store, iri)
    assert code == 2 and "no article graph" in err
    code, _, _ = geokg(capsys, "remove", "--store", store, "https://w3id.org/geokg/graph/reference")
    assert code == 2


def test_validate_conforms_and_reports_violations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s"
    geokg(capsys, "ingest", "--store", str(store), str(SEED_ARTICLE))
    code, out, _ = geokg(capsys, "validate", "--store", str(store))
    assert code == 0 and out.startswith("conforms")
    s = Store(store)
    g = ox.NamedNode("https://example.org/broken")
    t = ox.NamedNode("https://example.org/transfer")
    s.add_graph([ox.Quad(t, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         ox.NamedNode("https://w3id.org/geokg/ontology#ArmsTransfer"), g)])
    s.close()
    code, out, _ = geokg(capsys, "validate", "--store", str(store))
    assert code == 1
    assert "names its supplier or its recipient" in out and "provenance" in out


@pytest.mark.slow
def test_installed_command_end_to_end(tmp_path: Path) -> None:
    """The real `geokg` executable: ingest, query, export, as a user runs it."""
    exe = Path(sys.executable).with_name("geokg")
    store = str(tmp_path / "s")
    run = subprocess.run([str(exe), "ingest", "--store", store, str(SEEDS)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "all.ttl"
    run = subprocess.run([str(exe), "export", "--store", store, "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0 and out.stat().st_size > 100_000
    run = subprocess.run([str(exe), "query", "--store", store, "SELECT"], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    for command in (["query", "SELECT * WHERE { ?s ?p ?o }"], ["export"]):  # piped into `head -1`
        reader = subprocess.Popen([str(exe), *command, "--store", store], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        assert reader.stdout is not None and reader.stdout.readline()
        reader.stdout.close()
        assert (reader.wait(timeout=60), reader.stderr.read() if reader.stderr else "") == (141, ""), command


def test_parallel_ingest_equals_serial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import DATA

    serial, parallel = str(tmp_path / "serial"), str(tmp_path / "parallel")
    assert geokg(capsys, "ingest", "--store", serial, str(DATA / "articles"))[0] == 0
    code, out, _ = geokg(capsys, "ingest", "--store", parallel, "--jobs", "2", str(DATA / "articles"))
    assert code == 0 and "11 article(s) ingested" in out
    dumps = [geokg(capsys, "export", "--store", s, "--format", "nquads")[1] for s in (serial, parallel)]
    # blank nodes (in the ontology's OWL axioms) are named anew in every store
    serial_lines, parallel_lines = ({line for line in d.splitlines() if "_:" not in line} for d in dumps)
    assert serial_lines == parallel_lines


def test_extract_writes_nquads_without_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.nq"
    code, _, err = geokg(capsys, "extract", str(SEED_ARTICLE), "-o", str(out))
    assert code == 0 and "1 article(s) extracted; " in err and "ingested" not in err
    quads = list(ox.parse(out.read_bytes(), ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {article_iri_of(SEED_ARTICLE)}
    store = tmp_path / "s"
    s = Store(store)
    s.ox.bulk_load(path=str(out), format=ox.RdfFormat.N_QUADS)  # the bulk-loading path of docs/scaling.md
    s.close()
    assert len(list(Store(store, read_only=True).articles())) == 1


def article_iri_of(path: Path) -> str:
    from kg.article import read

    return next(read(path)).iri


def test_same_url_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = ["Russia sends S-400 systems to Turkey.", "Russia sends S-400 systems to Turkey (updated)."]
    for i, text in enumerate(texts):
        (tmp_path / f"{i}.json").write_text(json.dumps({"title": "S-400", "text": text,
                                                        "url": "https://example.org/s400"}), encoding="utf-8")
    code, out, _ = geokg(capsys, "ingest", "--store", str(tmp_path / "s"), str(tmp_path / "0.json"))
    assert "1 article(s) ingested" in out
    code, out, _ = geokg(capsys, "ingest", "--store", str(tmp_path / "s"), str(tmp_path / "1.json"))
    assert code == 0 and "0 article(s) ingested, 1 already present" in out


def test_progress_of_one_large_file_goes_on_as_it_is_read(tmp_path: Path) -> None:
    """A single JSON Lines file of many articles shows a share done and an ETA before its end."""
    from kg.ingest import ingest

    feed = tmp_path / "news.jsonl"
    feed.write_text("".join(json.dumps({"title": f"Report {i}", "text": f"Russia sends S-400 systems to Turkey ({i})."})
                            + "\n" for i in range(70)), encoding="utf-8")
    shown: list[str] = []
    summary = ingest(Store(tmp_path / "s"), [feed], progress=shown.append)
    assert summary.articles == 70
    shares = [int(m.group(1)) for m in (re.search(r"\] +(\d+)%", s) for s in shown) if m]
    assert len(shares) == len(shown) == 3 and 0 < shares[0] < shares[1] < 100 == shares[2]
    assert "ETA ?" not in shown[0] and re.search(r"ETA \d+m\d\ds", shown[0])


def test_select_star_gives_the_variables_in_the_query_order(seed_store: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Oxigraph names them alphabetically (?asset ?supplier ?transfer); written as the explicit projection
    would be, by Oxigraph itself."""
    star = ("PREFIX gkg: <https://w3id.org/geokg/ontology#> SELECT * WHERE { ?transfer a gkg:ArmsTransfer ; "
            "gkg:supplier ?supplier ; gkg:asset ?asset } ORDER BY ?transfer ?asset")
    explicit = star.replace("SELECT *", "SELECT ?transfer ?supplier ?asset")
    table = geokg(capsys, "query", "--store", str(seed_store), star)[1]
    assert table.split()[:3] == ["transfer", "supplier", "asset"]
    for fmt in ("csv", "tsv", "json"):
        code, got, _ = geokg(capsys, "query", "--store", str(seed_store), "--format", fmt, star)
        assert code == 0
        want = geokg(capsys, "query", "--store", str(seed_store), "--format", fmt, explicit)[1]
        assert (json.loads(got) == json.loads(want)) if fmt == "json" else (got == want), fmt


def test_optimize_compacts_without_losing_anything_and_ingest_suggests_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    store = str(tmp_path / "s")
    code, _, err = geokg(capsys, "ingest", "--store", store, str(SEED_ARTICLE))
    assert code == 0 and "optimize" not in err  # a small store answers quickly either way
    monkeypatch.setattr("kg.cli.OPTIMIZE_WORTH_QUADS", 1000)  # as if it were a large one
    code, _, err = geokg(capsys, "ingest", "--store", store, str(DATA / "articles" / "mali-wagner.txt"))
    assert code == 0 and "`geokg optimize`" in err  # the whole store was written since: never optimized
    before = geokg(capsys, "export", "--store", store, "--format", "nquads")[1]
    stats = geokg(capsys, "stats", "--store", store)[1]
    code, out, _ = geokg(capsys, "optimize", "--store", store)
    assert code == 0 and f"optimized {store}" in out
    assert geokg(capsys, "export", "--store", store, "--format", "nquads")[1] == before
    assert geokg(capsys, "stats", "--store", store)[1] == stats
    code, _, err = geokg(capsys, "ingest", "--store", store, str(DATA / "articles" / "turkey-s400.txt"))
    assert code == 0 and "optimize" not in err  # one article is far from a quarter of the store
    assert Store(store, read_only=True).unoptimized_share() < 0.25


def test_ingest_with_optimize_compacts_when_a_quarter_is_new(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s")
    code, out, err = geokg(capsys, "ingest", "--optimize", "--store", store, str(SEED_ARTICLE))
    assert code == 0 and "1 article(s) ingested" in out and f"optimized {store}" in out
    assert "`geokg optimize`" not in err and Store(store, read_only=True).unoptimized_share() == 0.0


def test_optimize_is_for_an_existing_embedded_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = geokg(capsys, "optimize", "--store", "http://127.0.0.1:9/sparql")
    assert code == 2 and "a SPARQL server manages its own storage" in err
    code, _, err = geokg(capsys, "optimize", "--store", str(tmp_path / "none"))
    assert code == 2 and "no GeoKG store in" in err and not (tmp_path / "none").exists()
