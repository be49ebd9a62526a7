"""The evidence record: gzip copies of the pages negative items and page-one complaints were found on, and their rows."""

from __future__ import annotations

import base64
import binascii
import functools
import gzip
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core import rules
from repscan.core.secrets import credential_parameters
from repscan.core.store.connection import Connection

PAGE_KEY = "_page"  # the key of the Page a spider hands its item on with, taken off before anything else
FOLDER = "evidence"  # under reports_dir: evidence/<client>/<source>/<sha256>.html.gz
PAGE_REF = "page_sha256"  # in a node's feed: the key of an item naming the "page" line its page travels in
PRUNE_GRACE = 86400  # seconds: a copy no row names is deleted only once this old (a crawl may be about to name it)
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
    sha = digest(body)
    relative = Path(FOLDER, _UNSAFE.sub("_", client_id), _UNSAFE.sub("_", source), f"{sha}.html.gz")
    path = Path(reports_dir) / relative
    if path.exists():
        os.utime(path)  # named again now: `prune_copies` leaves it alone for PRUNE_GRACE
    else:
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
def digest(body: bytes) -> str:
    """The sha256 of a page body: the items found on one page share its bytes, so it is hashed once for all."""
    return hashlib.sha256(body).hexdigest()


class CopyError(Exception):
    """A page copy from a node's feed that cannot be kept: undecodable, or its body does not hash to its name."""


def feed_page(page: Page) -> dict:
    """A page as a line of a node's feed (kind "page"): its sha256, recorded URL, status, fetch time and body
    (gzip, then base64). A node writes it once per job, before the first item that names it (PAGE_REF)."""
    body = base64.b64encode(gzip.compress(page.body, compresslevel=COMPRESSION, mtime=0)).decode("ascii")
    return {"kind": "page", "sha256": digest(page.body), "url": recorded_url(page.url),
            "status": page.status, "fetched_at": page.fetched_at, "body": body}


def page_from_feed(line: dict | None, sha256: str) -> Page:
    """The Page a feed's "page" line carries, its body checked against `sha256` (the name the item gave it)."""
    if line is None:
        raise CopyError(f"the feed has no page {sha256[:12]}")
    try:
        body = gzip.decompress(base64.b64decode(line["body"], validate=True))
    except (KeyError, TypeError, ValueError, binascii.Error, OSError, EOFError) as exc:
        raise CopyError(f"page {sha256[:12]} in the feed is unreadable: {exc}") from None
    if hashlib.sha256(body).hexdigest() != sha256:
        raise CopyError(f"page {sha256[:12]} in the feed does not hash to its name (altered on the way)")
    return Page(url=line.get("url") or "", body=body, status=line.get("status"), fetched_at=line.get("fetched_at"))


def check_copy(reports_dir: Path, row: dict) -> str | None:
    """None when the row's copy is there and its body hashes to the row's sha256; else what is wrong. A row that
    recorded no copy (`note`) has none to check: see `show`."""
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
    def record_evidence(self, client_id: str, reports_dir: Path, found: list[tuple[dict, Page | None]],
                        crawl_id: int | None = None, note: str | None = None) -> int:
        """For each stored (item, page) the crawl judged worth keeping (`wanted`): a copy of the page and a row,
        when the item has none yet or its words changed since its last. A page of None (an item ingested from a
        feed that carried no page) is a row with no copy, saying why in `note`; a copy arriving later is still
        kept. How many rows were added."""
        latest: dict[tuple[str, str], tuple] = {}
        rows = []
        for item, page in found:
            if not wanted(item):
                continue
            key = item_key(item)
            if key not in latest:
                last = self._one("SELECT text_sha256, sha256 FROM evidence WHERE client_id = ? AND source = ?"
                                 " AND source_id = ? ORDER BY id DESC LIMIT 1", [client_id, *key])
                latest[key] = (last["text_sha256"], last["sha256"] is not None) if last else (None, False)
            words = text_hash(item)
            if latest[key] == (words, True) or (page is None and latest[key][0] == words):
                continue
            latest[key] = (words, page is not None)
            row = {"client_id": client_id, "kind": item["kind"], "source": key[0], "source_id": key[1],
                   "query": item.get("query"), "first_seen_at": self._first_seen(client_id, item, key),
                   "crawl_id": crawl_id, "text_sha256": words, "fetched_at": None, "status": None, "sha256": None,
                   "path": None, "size": None, "note": None}
            if page is None:
                row.update(url=recorded_url(item["url"]) if item.get("url") else None, note=note or "no copy")
            else:
                sha, path, size = save_copy(reports_dir, client_id, key[0], page.body)
                row.update(fetched_at=page.fetched_at, url=recorded_url(page.url), status=page.status, sha256=sha,
                           path=path, size=size)
            rows.append(row)
        if rows:
            with self.transaction():
                self._insert("evidence", rows)
        return len(rows)

    def prune_copies(self, reports_dir: Path, *, dry_run: bool = False, grace: float = PRUNE_GRACE) -> int:
        """Delete the page copies under reports_dir/evidence that no evidence row names (a crawl that failed
        between writing a copy and its row, rows deleted by hand), and temporary files a killed write left, once
        `grace` seconds old; how many went (or would go). A copy a row names is never deleted."""
        root = Path(reports_dir) / FOLDER
        if not root.is_dir():
            return 0
        named = {row["path"] for row in self._db.query("SELECT DISTINCT path FROM evidence WHERE path IS NOT NULL")}
        cutoff, doomed = time.time() - grace, []
        for path in root.rglob("*"):
            relative = path.relative_to(Path(reports_dir)).as_posix()
            if path.is_file() and relative not in named and path.stat().st_mtime < cutoff \
                    and (path.name.endswith(".html.gz") or path.name.endswith(".part")):
                doomed.append(path)
        if not dry_run:
            for path in doomed:
                path.unlink(missing_ok=True)
        return len(doomed)

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
