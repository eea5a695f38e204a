"""Writing article graphs through a running `geokg serve` (Graph Store HTTP Protocol) instead of the store files.

While `geokg serve` has the embedded store open, it holds RocksDB's lock, so `geokg ingest` cannot
open the store itself. The server leaves a note in the store directory saying where it listens; the
CLI then extracts locally and PUTs each new article graph to the server (needs the update token),
which writes it in one transaction and makes it visible to its queries at once.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg.reference import Reference
from kg.store import StoreError

NOTE = "geokg-serve.json"


def write_note(store_dir: Path, url: str) -> Path:
    path = store_dir / NOTE
    path.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
    return path


def running_server(store_dir: Path) -> str | None:
    """The URL of the live `geokg serve` that has this store open, if any."""
    try:
        note = json.loads((store_dir / NOTE).read_text(encoding="utf-8"))
        os.kill(int(note["pid"]), 0)
        return str(note["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class ServerSink:
    """The part of the Store interface that ingestion uses, over HTTP to a running server."""

    def __init__(self, url: str, token: str | None) -> None:
        if not token:
            raise StoreError(f"the store is in use by geokg serve at {url}; to ingest while it runs, give its "
                             "update token (--update-token or GEOKG_UPDATE_TOKEN), or stop the server")
        self.url, self.token = url.rstrip("/"), token

    def _request(self, method: str, iri: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> int:
        """The status of the request on the graph (404: there is none; 412: a PUT's condition failed)."""
        target = f"{self.url}/rdf-graphs?{urllib.parse.urlencode({'graph': iri})}"
        req = urllib.request.Request(target, data=body, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/n-triples",
            "Accept": "application/n-triples", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 412):
                return exc.code
            detail = exc.read().decode("utf-8", "replace").strip()
            raise StoreError(f"geokg serve at {self.url} refused {method}: {exc.code} {detail}") from None
        except OSError as exc:
            raise StoreError(f"cannot reach geokg serve at {self.url}: {exc}") from None

    def init(self, reference: Reference) -> bool:
        return False  # the server loaded the reference knowledge when it started

    def stored_article(self, iri: str, url: str | None) -> str | None:
        """By its graph IRI only: the server checks the URL as well when the article is sent (`add_article`)."""
        return iri if self._request("HEAD", iri) == 200 else None

    def add_article(self, iri: str, quads: list[ox.Quad]) -> bool:
        """Sent to be stored only if new (PUT If-None-Match: *): the server stores the article unless it holds it,
        by the rules of Store.add_article, checked in its write. True if it was added."""
        body = ox.serialize((q.triple for q in quads), None, ox.RdfFormat.N_TRIPLES)
        return self._request("PUT", iri, body, {"If-None-Match": "*"}) != 412

    def close(self) -> None:
        pass
