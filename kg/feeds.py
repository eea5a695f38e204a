"""RSS 2.0 and Atom feed files: one article per item/entry (parsed with defusedxml: no entity expansion)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"


class FeedError(ValueError):
    pass


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment from a feed: scripts and styles dropped, tags removed, entities decoded."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", fragment)
    text = re.sub(r"(?i)<\s*(?:br|/p|/div|/li|/h\d)\s*/?>", "\n", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    return "\n".join(re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()).strip()


def _text(el: Element | None) -> str | None:
    return el.text.strip() if el is not None and el.text and el.text.strip() else None


def _atom_text(el: Element | None) -> str | None:
    """An Atom text construct (title, summary, content) as plain text, by its type (RFC 4287 3.1): "text"
    (the default) as it is, "html" escaped markup, "xhtml" a div of XHTML elements."""
    if el is None:
        return None
    kind = el.get("type", "text")
    if kind == "xhtml":
        markup = "".join(ET.tostring(child, encoding="unicode") for child in el)
        text = html_to_text(re.sub(r"<(/?)[\w.-]+:", r"<\1", markup))  # <html:p> is a <p>
    elif kind == "html" and el.text:
        text = html_to_text(el.text)
    else:
        text = "\n".join(re.sub(r"\s+", " ", line).strip() for line in (el.text or "").splitlines())
    return text.strip() or None


def _atom_link(entry: Element) -> str | None:
    """The entry's own page: its "alternate" link, which is what a link without rel is (RFC 4287 4.2.7.2);
    not an enclosure, "self" or "related" link."""
    for link in entry.iter(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _rss_link(item: Element) -> str | None:
    """The item's <link>, else its <guid> if that is a permalink (RSS 2.0: unless isPermaLink="false")."""
    guid = item.find("guid")
    permalink = guid is not None and guid.get("isPermaLink", "true") == "true"
    return _text(item.find("link")) or (_text(guid) if permalink else None)


def records(data: str) -> list[dict[str, str | None]]:
    """title/text/date/url/publisher for each item of an RSS or Atom feed."""
    try:
        root = safe_xml.fromstring(data)
    except Exception as exc:  # defusedxml raises its own errors for entity tricks, ParseError otherwise
        raise FeedError(f"not a well-formed RSS/Atom feed: {exc}") from None
    out: list[dict[str, str | None]] = []
    if root.tag == f"{ATOM}feed":
        publisher = _atom_text(root.find(f"{ATOM}title"))
        for entry in root.iter(f"{ATOM}entry"):
            body = _atom_text(entry.find(f"{ATOM}content")) or _atom_text(entry.find(f"{ATOM}summary")) or ""
            out.append({"title": _atom_text(entry.find(f"{ATOM}title")), "text": body,
                        "date": _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated")),
                        "url": _atom_link(entry), "publisher": publisher})
        return out
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FeedError(f"not an RSS 2.0 or Atom feed (root element <{root.tag}>)")
    publisher = _text(channel.find("title"))
    for item in channel.iter("item"):
        body = _text(item.find(CONTENT)) or _text(item.find("description")) or ""
        out.append({"title": _text(item.find("title")), "text": html_to_text(body),
                    "date": _text(item.find("pubDate")) or _text(item.find(DC_DATE)),
                    "url": _rss_link(item), "publisher": publisher})
    return out
