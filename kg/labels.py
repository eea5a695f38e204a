"""Labels of events, for the reports in article graphs (kg.mapping) and the canonical events (kg.canonical): a
module of its own, so that what writes or reads canonical events does not import the extraction (spaCy)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import ontology


def event_label(kind: str, cls: str, roles: Mapping[str, Iterable[str]], date: str | None, qualifier: str | None,
                modality: str | None, label: Callable[[str], str]) -> str:
    """An event's label: its class, who did what to whom where, when ("Air strike: Russia against Islamic State in
    Aleppo, 2016-02-12"), and how it is told, if not as having happened."""
    def names(role: str) -> str:
        return " and ".join(label(i) for i in roles.get(role, []))

    if kind == "ArmsTransfer":
        text = f"{names('supplier')} → {names('recipient')}"
        if roles.get("asset"):
            text += f": {names('asset')}"
    elif kind == "Statement":
        text = names("speaker")
    else:
        text = names("actor")
        if roles.get("target"):
            text += f" against {names('target')}"
        if roles.get("location"):
            text += f" in {names('location')}"
    when = f", {qualifier + ' ' if qualifier else ''}{date}" if date else ""
    told = f" ({ontology.class_labels().get(modality, modality)})" if modality else ""
    return f"{ontology.class_labels()[cls]}: {text.strip()}{when}{told}"
