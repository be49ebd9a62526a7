"""The evidence record: gzip copies of the pages negative items and page-one complaints were found on, and their rows."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core import rules
from repscan.core.secrets import credential_parameters
from repscan.core.store.connection import Connection

PAGE_KEY = "_page"  # the key of the Page a spider hands its item on with, taken off before anything else
FOLDER = "evidence"  # under reports_dir: evidence/<client>/<source>/<sha256>.html.gz
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# zlib's default: on real pages within 1% of level 9's size at a third to a half of its CPU (docs/benchmarks.md)
COMPRESSION = 6


@dataclass(frozen=True)
class Page:
    """A page as the crawl fetched it: its body only (never a request header), for the evidence record."""

    url: str
    body: bytes
    status: int
    fetched_at: str


def recorded_url(url: str) -> str:
    """The URL without credential query parameters (access_token, key, token, ...) or a user:password."""
    parts = urlsplit(url)
    secret = set(credential_parameters(url))
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                       if name not in secret], safe="/:,") if secret else parts.query
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def wanted(item: dict) -> bool:
    """Whether an item's page is kept: a negative review or post (the crawl's verdict, rules.negative with the
    client's threshold, in classify), or a complaint (rules.complaint) on page one of a search."""
    if item["kind"] in ("review", "post"):
        return bool(item.get("negative"))
    if item["kind"] == "search_result":
        return rules.on_page_one(item.get("rank")) and rules.complaint(item.get("category"), item.get("negative"))
    return False


def item_key(item: dict) -> tuple[str, str]:
    """(source, source_id) of an item in the evidence table: a search result's are its engine and its URL."""
    if item["kind"] == "search_result":
        return item["engine"], recorded_url(item["url"])
    return item["source"], item["source_id"]


def text_hash(item: dict) -> str:
    """The hash of what the author said (spacing aside): a new copy is kept when it changes."""
    names = ("title", "snippet") if item["kind"] == "search_result" else ("rating", "title", "text")
    words = [" ".join(str(item.get(name)).split()) if item.get(name) is not None else None for name in names]
    return hashlib.sha256(json.dumps(words, ensure_ascii=False).encode("utf-8")).hexdigest()


def save_copy(reports_dir: Path, client_id: str, source: str, body: bytes) -> tuple[str, str, int]:
    """Write the body gzip-compressed at evidence/<client>/<source>/<sha256>.html.gz under reports_dir, once
    (content-addressed), atomically (a temporary file renamed); (sha256, path relative to reports_dir, size)."""
    sha = _digest(body)
    relative = Path(FOLDER, _UNSAFE.sub("_", client_id), _UNSAFE.sub("_", source), f"{sha}.html.gz")
    path = Path(reports_dir) / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as raw:
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=COMPRESSION, mtime=0) as packed:
                    packed.write(body)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return sha, relative.as_posix(), len(body)


@functools.lru_cache(maxsize=4)
def _digest(body: bytes) -> str:
    """The sha256 of a page body: the items found on one page share its bytes, so it is hashed once for all."""
    return hashlib.sha256(body).hexdigest()


def check_copy(reports_dir: Path, row: dict) -> str | None:
    """None when the row's copy is there and its body hashes to the row's sha256; else what is wrong."""
    path = Path(reports_dir) / row["path"]
    try:
        with gzip.open(path, "rb") as packed:
            digest = hashlib.file_digest(packed, "sha256").hexdigest()
    except FileNotFoundError:
        return "missing"
    except (OSError, EOFError) as exc:
        return f"altered (unreadable: {exc})"
    return None if digest == row["sha256"] else "altered (hash differs)"


class Evidence(Connection):
    def record_evidence(self, client_id: str, reports_dir: Path, found: list[tuple[dict, Page]],
                        crawl_id: int | None = None) -> int:
        """For each stored (item, page) the crawl judged worth keeping (`wanted`): a copy of the page and a row,
        when the item has none yet or its words changed since its last; how many rows were added."""
        latest: dict[tuple[str, str], str] = {}
        rows = []
        for item, page in found:
            if not wanted(item):
                continue
            key = item_key(item)
            if key not in latest:
                last = self._one("SELECT text_sha256 FROM evidence WHERE client_id = ? AND source = ? AND source_id = ?"
                                 " ORDER BY id DESC LIMIT 1", [client_id, *key])
                latest[key] = last and last["text_sha256"]
            words = text_hash(item)
            if latest[key] == words:
                continue
            latest[key] = words
            sha, path, size = save_copy(reports_dir, client_id, key[0], page.body)
            rows.append({"client_id": client_id, "kind": item["kind"], "source": key[0], "source_id": key[1],
                         "query": item.get("query"), "first_seen_at": self._first_seen(client_id, item, key),
                         "fetched_at": page.fetched_at, "url": recorded_url(page.url), "status": page.status,
                         "crawl_id": crawl_id, "sha256": sha, "path": path, "size": size, "text_sha256": words})
        if rows:
            with self.transaction():
                self._insert("evidence", rows)
        return len(rows)

    def _first_seen(self, client_id: str, item: dict, key: tuple[str, str]) -> str | None:
        if item["kind"] == "search_result":
            found = self._one("SELECT MIN(seen_at) AS at FROM search_results WHERE client_id = ? AND engine = ?"
                              " AND url = ?", [client_id, item["engine"], item["url"]])
        else:
            found = self._one(f"SELECT first_seen_at AS at FROM {item['kind']}s WHERE client_id = ? AND source = ?"
                              " AND source_id = ?", [client_id, *key])
        return found and found["at"]

    def evidence(self, client_id: str, source: str | None = None, source_id: str | None = None) -> list[dict]:
        """A client's evidence rows (of one item when source and source_id are given), oldest first."""
        sql, params = "SELECT * FROM evidence WHERE client_id = ?", [client_id]
        if source is not None:
            sql, params = sql + " AND source = ? AND source_id = ?", [*params, source, source_id]
        return self.query(sql + " ORDER BY source, source_id, id", params)
