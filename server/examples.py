"""The gallery of example queries shown in the query editor: analysts' questions, answered in SPARQL."""

from __future__ import annotations

from dataclasses import dataclass

from kg.vocab import slug


@dataclass(frozen=True)
class Example:
    title: str
    question: str
    query: str

    @property
    def slug(self) -> str:
        """Its name in its stable link (/query?example=SLUG)."""
        return slug(self.title)


def example_by_slug(name: str) -> Example | None:
    return next((e for e in EXAMPLES if e.slug == name), None)


EXAMPLES = [
    Example("Latest arms transfers", "Who supplied which weapons to whom, when, and who says so: the latest 200?",
            """\
SELECT DISTINCT ?supplier ?recipient ?asset ?date ?reportedBy ?article WHERE {
  {  # the latest 200 transfers first, joined with every event date at once; the rest for those 200 only
    SELECT ?t ?date ?article WHERE {
      GRAPH ?article { ?t a gkg:ArmsTransfer }
      OPTIONAL { { SELECT ?t ?date WHERE { ?t gkg:date ?date } } }
    } ORDER BY DESC(?date) LIMIT 200
  }
  OPTIONAL { GRAPH ?article { ?t gkg:supplier ?s } ?s rdfs:label ?supplier }
  OPTIONAL { GRAPH ?article { ?t gkg:recipient ?r } ?r rdfs:label ?recipient }
  OPTIONAL { GRAPH ?article { ?t gkg:reportedBy ?by } ?by rdfs:label ?reportedBy }
  OPTIONAL { GRAPH ?article { ?t gkg:asset ?a } ?a rdfs:label ?asset }
}
ORDER BY DESC(?date) ?supplier ?recipient"""),
    Example("Air defence suppliers", "Who supplies air defence systems to whom?", """\
SELECT DISTINCT ?supplier ?recipient ?system ?nato WHERE {
  {  # the distinct parties first, each pattern matched at once and joined; labels after
    SELECT DISTINCT ?s ?r ?a WHERE {
      ?a a gkg:AirDefenceSystem . ?t gkg:asset ?a .
      { SELECT ?t ?s WHERE { ?t gkg:supplier ?s } }
      { SELECT ?t ?r WHERE { ?t gkg:recipient ?r } }
    }
  }
  ?s rdfs:label ?supplier . ?r rdfs:label ?recipient . ?a rdfs:label ?system .
  OPTIONAL { ?a gkg:natoReportingName ?nato }
}
ORDER BY ?supplier"""),
    Example("Bases abroad", "Which states operate military bases abroad, and where?", """\
SELECT ?operator ?base ?host ?location ?b WHERE {  # ?location: a WKT point, shown on the map
  {  # each base and operator once (every article that states it repeats the statement); labels after
    SELECT DISTINCT ?op ?b ?h WHERE { ?op gkg:operates ?b . ?b gkg:hostState ?h . FILTER(?op != ?h) }
  }
  ?op a/rdfs:subClassOf* gkg:State .
  ?op rdfs:label ?operator . ?b rdfs:label ?base . ?h rdfs:label ?host .
  OPTIONAL { ?b geo:hasGeometry/geo:asWKT ?location }
}
ORDER BY ?operator ?host"""),
    Example("Leaders in the news", "Which office holders are mentioned in the most articles, and what office do "
            "they hold?", """\
SELECT DISTINCT ?leader ?office ?of ?articles WHERE {  # one row per office, however many terms
  {  # from the office holders to the articles that mention them, counted; labels for the 50 kept
    SELECT ?p (COUNT(DISTINCT ?article) AS ?articles) WHERE {
      ?p gkg:holds ?tenure . GRAPH ?article { ?article gkg:mentions ?p }
    } GROUP BY ?p ORDER BY DESC(?articles) LIMIT 50
  }
  ?p rdfs:label ?leader ; gkg:holds ?tenure .
  ?tenure gkg:office/rdfs:label ?office ; gkg:officeOf/rdfs:label ?of .
}
ORDER BY DESC(?articles) ?leader"""),
    Example("Anonymous sources", "Which events are attributed to anonymous officials or sources: the latest 200?",
            """\
SELECT DISTINCT ?event ?source ?date ?sentence WHERE {
  {  # the unnamed sources and their latest 200 events first; event labels and sentences for those only
    SELECT ?e ?source ?date WHERE {
      ?src a gkg:Source ; rdfs:label ?source .
      FILTER(REGEX(?source, "official|source|diplomat|people (familiar|briefed)", "i"))
      MINUS { ?src prov:actedOnBehalfOf ?named . ?named a gkg:Person }  # once, not per source: 30 % faster
      ?e gkg:reportedBy ?src .
      OPTIONAL { { SELECT ?e ?date WHERE { ?e gkg:date ?date } } }
    } ORDER BY DESC(?date) LIMIT 200
  }
  ?e rdfs:label ?event ; gkg:sentence/nif:anchorOf ?sentence .
}
ORDER BY DESC(?date) ?source"""),
    Example("Latest operations against armed groups",
            "Which military operations target armed groups, who by, where and when: the latest 200?", """\
SELECT DISTINCT ?actor ?target ?location ?date ?qualifier ?article WHERE {
  {  # the latest 200 operations against armed groups first (each pattern matched at once, then joined)
    SELECT ?op ?t ?date ?article WHERE {
      ?t a gkg:ArmedGroup .
      GRAPH ?article { ?op gkg:target ?t }
      { SELECT ?op WHERE { ?op a gkg:MilitaryOperation } }
      OPTIONAL { { SELECT ?op ?date WHERE { ?op gkg:date ?date } } }
    } ORDER BY DESC(?date) LIMIT 200
  }
  ?t rdfs:label ?target .
  OPTIONAL { GRAPH ?article { ?op gkg:actor ?a } ?a rdfs:label ?actor }
  OPTIONAL { GRAPH ?article { ?op gkg:location ?l } ?l rdfs:label ?location }
  OPTIONAL { GRAPH ?article { ?op gkg:dateQualifier ?qualifier } }
}
ORDER BY DESC(?date) ?actor ?target"""),
    Example("Everything in a country", "Which bases and places lie in Syria (at any depth)?", """\
SELECT DISTINCT ?thing ?kind WHERE {  # a place reached by two paths is listed once
  ?x gkg:locatedIn+ ?syria . ?syria gkg:iso3166Alpha3 "SYR" .
  ?x rdfs:label ?thing ; a ?t . ?t rdfs:label ?kind .
}
ORDER BY ?kind ?thing"""),
    Example("Allies", "Which alliances are stated in the articles, and in which sentence?", """\
SELECT ?a ?b ?sentence ?confidence WHERE {
  ?f a gkg:Assertion ; rdf:predicate gkg:alliedWith ; rdf:subject ?x ; rdf:object ?y ;
     gkg:sentence/nif:anchorOf ?sentence ; gkg:confidence ?confidence .
  ?x rdfs:label ?a . ?y rdfs:label ?b .
}"""),
    Example("Latest statements", "Who said something, when, in which article: the latest 200?", """\
SELECT DISTINCT ?speaker ?date ?title ?sentence ?article WHERE {
  {  # the latest 200 statements first (every event date joined at once); the rest for those 200 only
    SELECT ?s ?date ?article WHERE {
      GRAPH ?article { ?s a gkg:Statement }
      OPTIONAL { { SELECT ?s ?date WHERE { ?s gkg:date ?date } } }
    } ORDER BY DESC(?date) LIMIT 200
  }
  GRAPH ?article { ?s gkg:speaker ?p ; gkg:sentence/nif:anchorOf ?sentence . ?article schema:headline ?title . }
  ?p rdfs:label ?speaker .
}
ORDER BY DESC(?date) ?speaker"""),
    Example("Most mentioned", "Which entities are mentioned in the most articles?", """\
SELECT ?entity ?label ?articles WHERE {
  {  # count first, then label the 25 (labelling every mention before counting is 20 times slower)
    SELECT ?entity (COUNT(?article) AS ?articles) WHERE { GRAPH ?article { ?article gkg:mentions ?entity } }
    GROUP BY ?entity ORDER BY DESC(?articles) LIMIT 25
  }
  ?entity rdfs:label ?label .
}
ORDER BY DESC(?articles) ?label"""),
    Example("Assets by NATO name", "What are the NATO reporting names of Russian air defence systems?", """\
SELECT ?system ?nato WHERE {
  ?a a gkg:AirDefenceSystem ; rdfs:label ?system ; gkg:natoReportingName ?nato ;
     gkg:origin/gkg:iso3166Alpha3 "RUS" .
}
ORDER BY ?system"""),
    Example("New entities", "Which people, bases or assets did extraction find that the reference data lacks?", """\
SELECT ?entity ?label ?type ?article WHERE {
  GRAPH ?article { ?entity a ?t ; rdfs:label ?label . ?article a gkg:Article . }
  FILTER(?entity != ?article)
  VALUES ?t { gkg:Person gkg:Organization gkg:MilitaryBase gkg:AirBase gkg:NavalBase gkg:Place gkg:City
              gkg:MilitaryAsset gkg:CombatAircraft gkg:Drone gkg:Missile }
  ?t rdfs:label ?type .
}"""),
    Example("Provenance of a fact", "From which sentences do we know that Russia operates the Tartus naval base?",
            """\
SELECT ?sentence ?confidence ?article WHERE {
  GRAPH ?article {
    ?f rdf:subject ?russia ; rdf:predicate gkg:operates ; rdf:object ?base ;
       gkg:sentence/nif:anchorOf ?sentence ; gkg:confidence ?confidence .
  }
  ?russia gkg:iso3166Alpha3 "RUS" . ?base rdfs:label "Tartus naval base"@en .
}"""),
    Example("Events several publishers report",
            "Which events do at least two publishers report, and since when: the 200 most widely reported?", """\
SELECT ?event ?publishers ?articles ?first ?last WHERE {
  {  # canonical events (one per real-world event, gkg:reportOf from each article's report) counted by publishers
    SELECT ?e ?publishers ?articles WHERE {
      GRAPH <https://w3id.org/geokg/graph/events> { ?e gkg:publisherCount ?publishers ; gkg:articleCount ?articles }
      FILTER(?publishers >= 2)
    } ORDER BY DESC(?publishers) DESC(?articles) LIMIT 200
  }
  GRAPH <https://w3id.org/geokg/graph/events> {
    ?e rdfs:label ?event OPTIONAL { ?e gkg:firstReported ?first } OPTIONAL { ?e gkg:lastReported ?last } }
}
ORDER BY DESC(?publishers) DESC(?articles) ?event"""),
    Example("Claims the accused deny", "Which events that articles report does their actor deny, and in what words?",
            """\
SELECT ?event ?accused ?denial (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  GRAPH <https://w3id.org/geokg/graph/events> {  # the denying reports of each event, and the reports that assert it
    ?e gkg:contradictedBy ?d ; rdfs:label ?event ; gkg:actor ?actor . ?claim gkg:reportOf ?e }
  ?d gkg:modality gkg:Denied ; gkg:actor ?actor ; gkg:sentence/nif:anchorOf ?denial .  # denied by whom it accuses
  FILTER NOT EXISTS { ?claim gkg:modality ?m }
  ?actor rdfs:label ?accused .
}
GROUP BY ?event ?accused ?denial
ORDER BY DESC(?claims) ?event"""),
    Example("An actor's events by month", "How many events did Russia carry out each month, and how widely reported?",
            """\
SELECT ?month (COUNT(DISTINCT ?e) AS ?events) (SUM(?n) AS ?articles) (MIN(STR(?label)) AS ?example) WHERE {
  ?russia gkg:iso3166Alpha3 "RUS" .
  GRAPH <https://w3id.org/geokg/graph/events> {  # its canonical events, each once however many articles report it
    ?e gkg:actor ?russia ; gkg:articleCount ?n ; rdfs:label ?label
    OPTIONAL { ?e gkg:date ?date } OPTIONAL { ?e gkg:firstReported ?first } }
  BIND(SUBSTR(STR(COALESCE(?date, ?first)), 1, 7) AS ?month)  # the event's date, else its first report's
}
GROUP BY ?month
ORDER BY DESC(?month)"""),
]
