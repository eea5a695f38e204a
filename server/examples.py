"""The gallery of example queries shown in the query editor: analysts' questions, answered in SPARQL."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    title: str
    question: str
    query: str


EXAMPLES = [
    Example("Latest arms transfers", "Who supplied which weapons to whom, when, and who says so: the latest 200?",
            """\
SELECT ?supplier ?recipient ?asset ?date ?reportedBy ?article WHERE {
  {  # the latest transfers first; labels for those 200 only (labelling every transfer first took minutes)
    SELECT ?t ?s ?r ?date ?article WHERE {
      GRAPH ?article { ?t a gkg:ArmsTransfer ; gkg:supplier ?s ; gkg:recipient ?r . OPTIONAL { ?t gkg:date ?date } }
    } ORDER BY DESC(?date) LIMIT 200
  }
  ?s rdfs:label ?supplier . ?r rdfs:label ?recipient .
  OPTIONAL { GRAPH ?article { ?t gkg:reportedBy ?by } ?by rdfs:label ?reportedBy }
  OPTIONAL { GRAPH ?article { ?t gkg:asset ?a } ?a rdfs:label ?asset }
}
ORDER BY DESC(?date) ?supplier ?recipient"""),
    Example("Air defence suppliers", "Who supplies air defence systems to whom?", """\
SELECT DISTINCT ?supplier ?recipient ?system ?nato WHERE {
  {  # the distinct parties first, from the few air defence systems; labels after (ten times faster)
    SELECT DISTINCT ?s ?r ?a WHERE {
      ?a a gkg:AirDefenceSystem . ?t gkg:asset ?a ; a gkg:ArmsTransfer ; gkg:supplier ?s ; gkg:recipient ?r .
    }
  }
  ?s rdfs:label ?supplier . ?r rdfs:label ?recipient . ?a rdfs:label ?system .
  OPTIONAL { ?a gkg:natoReportingName ?nato }
}
ORDER BY ?supplier"""),
    Example("Bases abroad", "Which states operate military bases abroad, and where?", """\
SELECT ?operator ?base ?host ?lat_lon WHERE {
  ?op gkg:operates ?b . ?b gkg:hostState ?h .
  FILTER(?op != ?h)
  ?op a/rdfs:subClassOf* gkg:State .
  ?op rdfs:label ?operator . ?b rdfs:label ?base . ?h rdfs:label ?host .
  OPTIONAL { ?b geo:hasGeometry/geo:asWKT ?lat_lon }
}
ORDER BY ?operator ?host"""),
    Example("Leaders in the news", "Which leaders are mentioned, in which articles, and what office do they hold?",
            """\
SELECT ?leader ?office ?of ?article ?title WHERE {
  ?article gkg:mentions ?p ; schema:headline ?title .
  ?p a gkg:Person ; rdfs:label ?leader ; gkg:holds ?tenure .
  ?tenure gkg:office/rdfs:label ?office ; gkg:officeOf/rdfs:label ?of .
}
ORDER BY ?leader"""),
    Example("Anonymous sources", "Which events are attributed to anonymous officials or sources?", """\
SELECT ?event ?source ?sentence WHERE {
  ?e gkg:reportedBy ?src ; rdfs:label ?event ; gkg:sentence/nif:anchorOf ?sentence .
  ?src rdfs:label ?source .
  FILTER NOT EXISTS { ?src prov:actedOnBehalfOf ?named . ?named a gkg:Person }
  FILTER(REGEX(?source, "official|source|diplomat|people familiar", "i"))
}
ORDER BY ?source"""),
    Example("Operations against a group", "Which military operations target armed groups, where and since when?",
            """\
SELECT ?actor ?target ?location ?date ?qualifier WHERE {
  ?op a gkg:MilitaryOperation ; gkg:actor/rdfs:label ?actor ; gkg:target ?t .
  ?t a gkg:ArmedGroup ; rdfs:label ?target .
  OPTIONAL { ?op gkg:location/rdfs:label ?location }
  OPTIONAL { ?op gkg:date ?date }
  OPTIONAL { ?op gkg:dateQualifier ?qualifier }
}
ORDER BY ?date"""),
    Example("Everything in a country", "Which bases and places lie in Syria (at any depth)?", """\
SELECT ?thing ?kind WHERE {
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
    Example("Statements", "Who said something, when, in which article?", """\
SELECT ?speaker ?date ?title ?sentence WHERE {
  GRAPH ?article { ?s a gkg:Statement ; gkg:speaker ?p ; gkg:sentence/nif:anchorOf ?sentence .
                   OPTIONAL { ?s gkg:date ?date } ?article schema:headline ?title . }
  ?p rdfs:label ?speaker .
}
ORDER BY ?speaker"""),
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
]
