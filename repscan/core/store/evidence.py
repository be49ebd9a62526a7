"""The evidence record: zstd copies of the pages negative items and page-one complaints were found on, and their rows."""

from __future__ import annotations

import base64
import binascii
import functools
import gzip
import hashlib
import io
import os
from json.encoder import encode_basestring as _json_string  # json.dumps's, ensure_ascii=False
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core import rules
from repscan.core.secrets import credential_parameters
from repscan.core.store.connection import Connection, by_source

PAGE_KEY = "_page"  # the key of the Page a spider hands its item on with, taken off before anything else
FOLDER = "evidence"  # under reports_dir: the files of copies kept before m025 (<client>/<source>/<sha256>.html.zst or .gz)
PAGE_REF = "page_sha256"  # in a node's feed: the key of an item naming the "page" line its page travels in
PRUNE_GRACE = 86400  # seconds: an old file no row names is deleted only once this old
# a node feed's pages (gzip): zlib's default, on real pages within 1% of level 9's size at a third to half its CPU
COMPRESSION = 6
# the copies: zstd's default level, on real pages 7x faster than gzip's level 6 and 6% smaller (docs/benchmarks.md)
COMPRESSION_LEVEL = 3
SUFFIX, OLD_SUFFIXES = ".html.zst", (".html.gz",)
ZSTD_MAGIC, GZIP_MAGIC = b"\x28\xb5\x2f\xfd", b"\x1f\x8b"
_SAID, _SAID_RESULT = ("rating", "title", "text"), ("title", "snippet")  # the words text_hash hashes, by kind
# the evidence table's columns record_evidence writes, in the order of its tuples
ROW = ("client_id", "kind", "source", "source_id", "query", "first_seen_at", "crawl_id", "text_sha256", "fetched_at",
       "url", "status", "sha256", "path", "size", "note")
_INSERT_ROW = f"INSERT INTO evidence ({', '.join(ROW)}) VALUES ({', '.join('?' * len(ROW))})"
_INSERT_PAGE = "INSERT OR IGNORE INTO evidence_pages (sha256, size, body) VALUES (?, ?, ?)"


@dataclass(frozen=True)
class Page:
    """A page as the crawl fetched it: its body only (never a request header), for the evidence record."""

    url: str
    body: bytes
    status: int
    fetched_at: str

    @functools.cached_property
    def sha256(self) -> str:
        """The body's sha256, its copy's name: hashed once, however many items were found on the page."""
        return hashlib.sha256(self.body).hexdigest()


@functools.lru_cache(maxsize=1024)  # the items found on one page share its URL
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
    """The hash of what the author said (spacing aside): a new copy is kept when it changes. The words are hashed
    as json.dumps(words, ensure_ascii=False) writes them (what older rows hold), built without an encoder a call."""
    names = _SAID_RESULT if item["kind"] == "search_result" else _SAID
    words = ", ".join("null" if (value := item.get(name)) is None else _json_string(" ".join(str(value).split()))
                      for name in names)
    return hashlib.sha256(f"[{words}]".encode()).hexdigest()


@functools.cache
def _compressor():
    """zstd with its frame checksum and the body's size in the frame. One per process: a crawl and an ingest write
    from one thread."""
    import zstandard

    return zstandard.ZstdCompressor(level=COMPRESSION_LEVEL, write_checksum=True, write_content_size=True)


@contextmanager
def read_copy(path: Path) -> Iterator:
    """A kept copy open for reading its page's bytes, in whichever format it was kept (told by its first bytes:
    zstd, or gzip before it). OSError when it is neither."""
    with open(path, "rb") as raw:
        magic = raw.read(4)
        raw.seek(0)
        if magic == ZSTD_MAGIC:
            import zstandard

            with zstandard.ZstdDecompressor().stream_reader(raw, closefd=False) as stream:
                yield stream
        elif magic[:2] == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                yield stream
        else:
            raise OSError(f"{path.name} is neither zstd nor gzip")


def _hash_into(stream, path: Path | None) -> str:
    """The sha256 of a stream's bytes, read a block at a time; each block also written to `path` when given."""
    digest = hashlib.sha256()
    with (open(path, "wb") if path is not None else nullcontext()) as sink:
        while block := stream.read(1 << 20):
            digest.update(block)
            if sink is not None:
                sink.write(block)
    return digest.hexdigest()


class CopyError(Exception):
    """A page copy from a node's feed that cannot be kept: undecodable, or its body does not hash to its name."""


def feed_page(page: Page) -> dict:
    """A page as a line of a node's feed (kind "page"): its sha256, recorded URL, status, fetch time and body
    (gzip, then base64). A node writes it once per job, before the first item that names it (PAGE_REF)."""
    body = base64.b64encode(gzip.compress(page.body, compresslevel=COMPRESSION, mtime=0)).decode("ascii")
    return {"kind": "page", "sha256": page.sha256, "url": recorded_url(page.url),
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
    page = Page(url=line.get("url") or "", body=body, status=line.get("status"), fetched_at=line.get("fetched_at"))
    page.__dict__["sha256"] = sha256  # the cached property, already computed and checked above
    return page


class Evidence(Connection):
    def record_evidence(self, client_id: str, found: list[tuple[dict, Page | None]], crawl_id: int | None = None,
                        note: str | None = None) -> int:
        """For each stored (item, page) the crawl judged worth keeping (`wanted`): a copy of the page and a row,
        when the item has none yet or its words changed since its last. A page of None (an item ingested from a
        feed that carried no page) is a row with no copy, saying why in `note`; a copy arriving later is still
        kept. A batch's copies and rows commit together (`_keep_pages`). How many rows were added."""
        found = [(item, page) for item, page in found if wanted(item)]
        keys = [item_key(item) for item, _ in found]
        latest = self._latest_evidence(client_id, keys)
        chosen = []
        for (item, page), key in zip(found, keys):
            words = text_hash(item)
            last = latest.get(key, (None, False))
            if last == (words, True) or (page is None and last[0] == words):
                continue
            latest[key] = (words, page is not None)
            chosen.append((item, page, key, words, page and page.sha256))
        if not chosen:
            return 0
        first_seen = self._first_seen(client_id, [(item, key) for item, _, key, _, _ in chosen])
        rows = []
        for item, page, key, words, sha in chosen:  # in ROW's order
            if page is None:
                rows.append((client_id, item["kind"], *key, item.get("query"), first_seen.get(key), crawl_id, words,
                             None, recorded_url(item["url"]) if item.get("url") else None, None, None, None, None,
                             note or "no copy"))
            else:
                rows.append((client_id, item["kind"], *key, item.get("query"), first_seen.get(key), crawl_id, words,
                             page.fetched_at, recorded_url(page.url), page.status, sha, None, len(page.body), None))
        with self.transaction():
            self._keep_pages({sha: page.body for _, page, _, _, sha in chosen if page is not None})
            self._db.conn.executemany(_INSERT_ROW, rows)
        return len(rows)

    def _keep_pages(self, pages: dict[str, bytes]) -> None:
        """Each sha256 -> page body zstd-compressed into evidence_pages, once: a page already kept (by any client,
        any crawl) is not compressed again. Inside the caller's transaction: a row never names a page that is not
        there, and a failed batch leaves neither."""
        if not pages:
            return
        shas = list(pages)
        kept = set()
        for start in range(0, len(shas), 500):  # under SQLite's bound on a statement's parameters
            chunk = shas[start:start + 500]
            kept.update(sha for sha, in self._db.conn.execute(
                f"SELECT sha256 FROM evidence_pages WHERE sha256 IN ({', '.join('?' * len(chunk))})", chunk))
        compress = _compressor().compress
        self._db.conn.executemany(_INSERT_PAGE, [(sha, len(body), compress(body)) for sha, body in pages.items()
                                                 if sha not in kept])

    @contextmanager
    def open_copy(self, reports_dir: Path, row: dict) -> Iterator:
        """An evidence row's copy open for reading its page's bytes as a stream (never the whole page unpacked at
        once: a damaged frame may claim any size): from evidence_pages, or for a row from before m025 from its file
        under reports_dir (zstd, or gzip before it), or from evidence_pages when that file is gone but the same page
        was kept there since. FileNotFoundError when it is nowhere; OSError or zstandard.ZstdError when unreadable."""
        import zstandard

        if row["path"] is not None and (Path(reports_dir) / row["path"]).exists():
            with read_copy(Path(reports_dir) / row["path"]) as stream:
                yield stream
            return
        found = self._db.conn.execute("SELECT body FROM evidence_pages WHERE sha256 = ?", [row["sha256"]]).fetchone()
        if found is None:
            raise FileNotFoundError(f"no copy of page {row['sha256'][:12]}")
        if not isinstance(found[0], bytes):  # a body altered by hand into text
            raise OSError(f"page {row['sha256'][:12]} is not zstd bytes")
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(found[0])) as stream:
            yield stream

    def check_copy(self, reports_dir: Path, row: dict, out: Path | None = None) -> str | None:
        """None when the row's copy is there and its body hashes to the row's sha256; else what is wrong. With `out`,
        the bytes checked are also written to that file, which exists afterwards only if they verified (written
        under a temporary name, then renamed). A row that recorded no copy (`note`) has none to check."""
        import zstandard

        temporary = out and out.with_name(f".{out.name}.{os.getpid()}.part")
        try:
            with self.open_copy(reports_dir, row) as stream:
                digest = _hash_into(stream, temporary)
        except FileNotFoundError:
            problem = "missing"
        except (OSError, EOFError, ValueError, MemoryError, zstandard.ZstdError) as exc:
            problem = f"altered (unreadable: {exc})"
        else:
            problem = None if digest == row["sha256"] else "altered (hash differs)"
        if temporary is not None:
            if problem is None:
                os.replace(temporary, out)
            else:
                temporary.unlink(missing_ok=True)
        return problem

    def _latest_evidence(self, client_id: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
        """(text_sha256, whether it kept a copy) of each key's last evidence row: one read a source (by_source)."""
        latest = {}
        for source, chunk in by_source(keys):
            for source_id, words, sha in self._db.conn.execute(
                    f"SELECT source_id, text_sha256, sha256 FROM evidence WHERE client_id = ? AND source = ?"
                    f" AND source_id IN ({', '.join('?' * len(chunk))}) ORDER BY id", [client_id, source, *chunk]):
                latest[(source, source_id)] = (words, sha is not None)  # ordered by id: the last one stays
        return latest

    def adopt_copies(self, reports_dir: Path) -> int:
        """Copies kept as files before m025, taken into evidence_pages: each file a row names whose page hashes to
        the row's sha256 becomes a page of the store, and its rows name it there (path cleared), in one transaction a
        file; `prune_copies` then deletes the file, which no row names any more. A missing or altered file stays
        named, for `repscan evidence` to report. How many files were taken."""
        import zstandard

        taken = 0
        for path, sha in self._db.conn.execute(
                "SELECT DISTINCT path, sha256 FROM evidence WHERE path IS NOT NULL AND sha256 IS NOT NULL").fetchall():
            try:
                with read_copy(Path(reports_dir) / path) as stream:
                    body = stream.read()
            except (OSError, EOFError, zstandard.ZstdError):
                continue
            if hashlib.sha256(body).hexdigest() != sha:
                continue
            with self.transaction():
                self._keep_pages({sha: body})
                self._db.conn.execute("UPDATE evidence SET path = NULL WHERE path = ? AND sha256 = ?", [path, sha])
            taken += 1
        return taken

    def prune_copies(self, reports_dir: Path, *, dry_run: bool = False, grace: float = PRUNE_GRACE) -> int:
        """Delete the page copies no evidence row names (rows deleted by hand): pages in evidence_pages, and files
        under reports_dir/evidence from before m025 (or temporary files a killed write left) once `grace` seconds
        old; how many went (or would go). A copy a row names is never deleted."""
        unnamed = "FROM evidence_pages WHERE sha256 NOT IN (SELECT sha256 FROM evidence WHERE sha256 IS NOT NULL)"
        if dry_run:  # a read: no write lock taken beside a running crawl
            pages = self._db.conn.execute(f"SELECT COUNT(*) {unnamed}").fetchone()[0]
        else:
            with self.transaction():
                pages = self._db.conn.execute(f"DELETE {unnamed}").rowcount
        root = Path(reports_dir) / FOLDER
        if not root.is_dir():
            return pages
        named = {row["path"] for row in self._db.query("SELECT DISTINCT path FROM evidence WHERE path IS NOT NULL")}
        cutoff, doomed = time.time() - grace, []
        for path in root.rglob("*"):
            relative = path.relative_to(Path(reports_dir)).as_posix()
            if path.is_file() and relative not in named and path.stat().st_mtime < cutoff \
                    and path.name.endswith((SUFFIX, *OLD_SUFFIXES, ".part")):
                doomed.append(path)
        if not dry_run:
            for path in doomed:
                path.unlink(missing_ok=True)
        return pages + len(doomed)

    def _first_seen(self, client_id: str, items: list[tuple[dict, tuple[str, str]]]) -> dict[tuple[str, str], str]:
        """Each (item, key)'s first sighting by key: a review's or post's first_seen_at, a search result's earliest
        seen_at (by its URL as stored); one read a kind and source."""
        wanted_by: dict[tuple[str, str, str], tuple[str, str]] = {}  # (kind, source, id as stored) -> key
        for item, key in items:
            stored_id = item["url"] if item["kind"] == "search_result" else key[1]
            wanted_by[(item["kind"], key[0], stored_id)] = key
        found = {}
        for kind in {kind for kind, _, _ in wanted_by}:
            sql = ("SELECT url, MIN(seen_at) FROM search_results WHERE client_id = ? AND engine = ? AND url IN ({})"
                   " GROUP BY url" if kind == "search_result" else
                   f"SELECT source_id, first_seen_at FROM {kind}s WHERE client_id = ? AND source = ? AND source_id IN ({{}})")
            for source, chunk in by_source([(source, i) for k, source, i in wanted_by if k == kind]):
                for stored_id, at in self._db.conn.execute(sql.format(", ".join("?" * len(chunk))),
                                                           [client_id, source, *chunk]):
                    found[wanted_by[(kind, source, stored_id)]] = at
        return found

    def evidence(self, client_id: str, source: str | None = None, source_id: str | None = None) -> list[dict]:
        """A client's evidence rows (of one item when source and source_id are given), oldest first."""
        sql, params = "SELECT * FROM evidence WHERE client_id = ?", [client_id]
        if source is not None:
            sql, params = sql + " AND source = ? AND source_id = ?", [*params, source, source_id]
        return self.query(sql + " ORDER BY source, source_id, id", params)
