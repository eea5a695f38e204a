"""Namespaces, graph names and the IRI scheme of GeoKG."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from pyoxigraph import NamedNode

GKG = "https://w3id.org/geokg/ontology#"
RES = "https://w3id.org/geokg/resource/"
ARTICLE = "https://w3id.org/geokg/article/"
GRAPH = "https://w3id.org/geokg/graph/"
EVENT = "https://w3id.org/geokg/event/"  # canonical events (kg.canonical); EVENT + "key/" their index keys

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
GEO = "http://www.opengis.net/ont/geosparql#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
WD = "http://www.wikidata.org/entity/"
DCTERMS = "http://purl.org/dc/terms/"

# the properties that link an event to its participants, in the order event keys and labels use
EVENT_ROLES = ("supplier", "recipient", "actor", "speaker", "target", "location", "asset")

REFERENCE_GRAPH = GRAPH + "reference"
ONTOLOGY_GRAPH = GRAPH + "ontology"
STATE_GRAPH = GRAPH + "state"  # GeoKG's own bookkeeping: versions, marks of articles being loaded or fused
EVENTS_GRAPH = GRAPH + "events"  # canonical events, the reports' gkg:reportOf and the index (kg.events_graph)

PREFIXES = {
    "gkg": GKG,
    "gkr": RES,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "schema": SCHEMA,
    "prov": PROV,
    "geo": GEO,
    "nif": NIF,
    "itsrdf": ITSRDF,
    "wd": WD,
    "dcterms": DCTERMS,
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _namespace(base: str) -> Callable[[str], NamedNode]:
    """The term maker of a namespace: gkg("State") is the NamedNode of gkg:State (made once, then cached)."""

    @lru_cache(maxsize=1024)
    def term(local: str) -> NamedNode:
        return NamedNode(base + local)

    return term


gkg = _namespace(GKG)
rdf = _namespace(RDF)
rdfs = _namespace(RDFS)
skos = _namespace(SKOS)
schema = _namespace(SCHEMA)
prov = _namespace(PROV)
nif = _namespace(NIF)
geo = _namespace(GEO)
xsd = _namespace(XSD)


# Letters that are not a base letter with an accent, so that Unicode decomposition leaves them as they are,
# written as news in English does ('Łódź' -> 'Lodz', 'Yıldırım' -> 'Yildirim').
LATIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d",
                               "Ð": "D", "ħ": "h", "Ħ": "H", "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe",
                               "Œ": "Oe", "þ": "th", "Þ": "Th"})
# The version of the IRIs minted from names (`slug`); part of the reference version, so that a store's
# reference graphs are reloaded when it changes (2: letters of LATIN_LETTERS were dropped from IRIs).
IRI_SCHEME = "2"


def _unaccented(text: str) -> str:
    """Lower-case, without the accents that Unicode decomposition separates from their letters."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents: 'Erdoğan' -> 'erdogan', 'Łask' -> 'lask'."""
    return _unaccented(text.translate(LATIN_LETTERS))


def _segment(folded: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", folded.replace("'", "")).strip("-") or "x"


def slug(text: str) -> str:
    """A readable, stable IRI segment: 'Bashar al-Assad' -> 'bashar-al-assad'."""
    return _segment(fold(text))


def scheme_1_slug(text: str) -> str:
    """`slug` as IRI scheme 1 made it, dropping the letters of LATIN_LETTERS ('Łask Air Base' ->
    'ask-air-base'): `geokg init` renames such IRIs in stores written then (kg.store.rename_old_iris)."""
    return _segment(_unaccented(text))


def resource(kind: str, key: str) -> NamedNode:
    """IRI of a named entity, e.g. resource('state', 'SYR') or resource('person', 'Bashar al-Assad')."""
    return NamedNode(f"{RES}{kind}/{slug(key) if kind != 'state' else key.upper()}")
