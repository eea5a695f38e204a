"""N-Quads shards: the article graphs of one partition of the input in one file, named after its articles and written
whole or not at all, on any file system that fsspec reaches (a local or shared directory, or object storage such as
s3:// or gs:// with fsspec's package for it installed)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid

import fsspec
from fsspec import AbstractFileSystem
from fsspec.implementations.local import LocalFileSystem

from kg.article import Article

SIZE = 200  # articles per shard by default: about 17 CPU-s of extraction and 20 MB of N-Quads
SUFFIX = ".nq"
PREFIX = "shard-"
PART = ".part"  # a shard being written is `.NAME.RANDOM.part` beside it (hidden, and not *.nq)


def name(batch: list[Article]) -> str:
    """The shard's file name, from what makes its articles' graphs (their text, date, URL and publisher): the same
    articles, partitioned the same way, give the same names, so a rerun finds the shards that are written."""
    digest = hashlib.sha256()
    for a in batch:
        digest.update(f"{a.iri} {a.date} {a.url} {a.publisher}\n".encode())
    return f"{PREFIX}{digest.hexdigest()[:24]}{SUFFIX}"


def directory(url: str) -> tuple[AbstractFileSystem, str]:
    """The file system and absolute path of the directory `url` (a path or an fsspec URL), created if missing."""
    fs, path = fsspec.core.url_to_fs(url)
    fs.makedirs(path, exist_ok=True)
    return fs, path.rstrip("/")


def write(url: str, data: bytes) -> None:
    """Write the shard `url` atomically: into a temporary file beside it (flushed to disk on a local file system),
    then renamed, so that a reader or a rerun sees the whole shard or none. On object storage, where a rename is a
    copy, the copy appears whole as well."""
    fs, path = fsspec.core.url_to_fs(url)
    folder, _, base = path.rpartition("/")
    tmp = f"{folder}/.{base}.{uuid.uuid4().hex}{PART}"
    local = isinstance(fs, LocalFileSystem)
    try:
        with fs.open(tmp, "wb") as f:
            f.write(data)
            if local:
                f.flush()
                os.fsync(f.fileno())
        fs.mv(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            fs.rm(tmp)
        raise
    if local:  # the rename itself is on disk once the directory is
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(fs: AbstractFileSystem, folder: str, names: set[str]) -> None:
    """Remove the temporary files of the shards `names` that attempts killed while writing left in `folder`."""
    for path in fs.glob(f"{folder}/.{PREFIX}*{PART}"):
        if path.rpartition("/")[2][1:].split(SUFFIX)[0] + SUFFIX in names:
            with contextlib.suppress(OSError):
                fs.rm(path)
