"""The evidence record: zstd copies of the pages negative items and page-one complaints were found on, and their rows."""

from __future__ import annotations

import base64
import binascii
import errno
import functools
import gzip
import hashlib
from json.encoder import encode_basestring as _json_string  # json.dumps's, ensure_ascii=False
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core import rules
from repscan.core.secrets import credential_parameters
from repscan.core.store.connection import Connection, by_source

PAGE_KEY = "_page"  # the key of the Page a spider hands its item on with, taken off before anything else
FOLDER = "evidence"  # under reports_dir: evidence/<client>/<source>/<sha256>.html.zst (.html.gz before)
PAGE_REF = "page_sha256"  # in a node's feed: the key of an item naming the "page" line its page travels in
PRUNE_GRACE = 86400  # seconds: a copy no row names is deleted only once this old (a crawl may be about to name it)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# a node feed's pages (gzip): zlib's default, on real pages within 1% of level 9's size at a third to half its CPU
COMPRESSION = 6
# the copies: zstd's default level, on real pages 7x faster than gzip's level 6 and 6% smaller (docs/benchmarks.md)
COMPRESSION_LEVEL = 3
SUFFIX, OLD_SUFFIXES = ".html.zst", (".html.gz",)
ZSTD_MAGIC, GZIP_MAGIC = b"\x28\xb5\x2f\xfd", b"\x1f\x8b"
OPEN_AT_ONCE = 64  # new copies a batch writes before fsyncing them (each holds a file open until then)
_SAID, _SAID_RESULT = ("rating", "title", "text"), ("title", "snippet")  # the words text_hash hashes, by kind
# a file without a name until it is linked (Linux: O_TMPFILE, linked through /proc/self/fd), or 0: temporary names
_TMPFILE = (getattr(os, "O_TMPFILE", 0) and os.path.isdir("/proc/self/fd")
            and os.O_TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
# the evidence table's columns record_evidence writes, in the order of its tuples
ROW = ("client_id", "kind", "source", "source_id", "query", "first_seen_at", "crawl_id", "text_sha256", "fetched_at",
       "url", "status", "sha256", "path", "size", "note")
_INSERT_ROW = f"INSERT INTO evidence ({', '.join(ROW)}) VALUES ({', '.join('?' * len(ROW))})"


@dataclass(frozen=True)
class Page:
    """A page as the crawl fetched it: its body only (never a request header), for the evidence record."""

    url: str
    body: bytes
    status: int
    fetched_at: str


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


def save_copy(reports_dir: Path, client_id: str, source: str, body: bytes) -> tuple[str, str, int]:
    """One page kept as `keep_copies` keeps a batch's: (sha256, path relative to reports_dir, size)."""
    sha = digest(body)
    return sha, keep_copies(reports_dir, client_id, {(source, sha): body})[(source, sha)], len(body)


def keep_copies(reports_dir: Path, client_id: str, pages: dict[tuple[str, str], bytes]) -> dict[tuple[str, str], str]:
    """Each (source, sha256) -> body kept once at evidence/<client>/<source>/<sha256>.html.zst under reports_dir
    (content-addressed: a copy already kept, .html.zst or an older .html.gz, is only touched); the path of each,
    relative to reports_dir. Durable when it returns (`_write_durably`): a row naming a copy commits only after the
    copy is whole on disk, and a copy is whole or absent."""
    root, kept, new, folders = os.fspath(reports_dir), {}, [], {}
    for (source, sha), body in pages.items():
        if source not in folders:
            folders[source] = f"{FOLDER}/{_UNSAFE.sub('_', client_id)}/{_UNSAFE.sub('_', source)}"
        name = _touch_kept(f"{root}/{folders[source]}", sha)
        if name is None:
            name = sha + SUFFIX
            new.append((f"{root}/{folders[source]}", sha, body))
        kept[(source, sha)] = f"{folders[source]}/{name}"
    for start in range(0, len(new), OPEN_AT_ONCE):
        _write_durably(new[start:start + OPEN_AT_ONCE])
    return kept


def _write_durably(copies: list[tuple[str, str, bytes]]) -> None:
    """Write each (folder, sha256, body) as folder/<sha256>.html.zst: all without a name (`_unnamed`), made durable
    together (`_durable`), then named and the new names made durable: a name never stands for bytes a crash could
    lose, and a crash before the names leaves nothing (a .part file at most, where files cannot be unnamed)."""
    folders = {folder: None for folder, _, _ in copies}
    files, compress = [], _compressor().compress
    try:
        try:
            for folder, sha, body in copies:
                handle, temporary = _unnamed(folder, sha)
                files.append((handle, temporary, folder, sha))
                _write_all(handle, compress(body))
            _durable([handle for handle, _, _, _ in files])
            for folder in folders:
                folders[folder] = os.open(folder, os.O_RDONLY)
            for handle, temporary, folder, sha in files:
                _name(handle, temporary, folders[folder], sha + SUFFIX)
            _durable(list(folders.values()))
        finally:
            for handle in [handle for handle, _, _, _ in files] + [handle for handle in folders.values() if handle is not None]:
                os.close(handle)
    except BaseException:
        for _, temporary, _, _ in files:  # no temporary file is left (a named one is already gone)
            if temporary:
                Path(temporary).unlink(missing_ok=True)
        raise


def _unnamed(folder: str, sha: str) -> tuple[int, str | None]:
    """A new file open for writing in folder (made when missing): without a name (O_TMPFILE: Linux, on most
    filesystems), or else at a temporary name, returned beside it."""
    try:
        return _open_new(folder, sha)
    except FileNotFoundError:  # the client's or source's first copy: its folder is made (no check before every copy)
        os.makedirs(folder, exist_ok=True)
        return _open_new(folder, sha)


def _open_new(folder: str, sha: str) -> tuple[int, str | None]:
    if _TMPFILE:
        try:
            return os.open(folder, _TMPFILE, 0o666), None
        except OSError as exc:
            if exc.errno not in (errno.EISDIR, errno.EOPNOTSUPP, errno.EINVAL):  # a kernel or filesystem without it
                raise
    temporary = f"{folder}/.{sha}.{os.getpid()}.part"  # the same bytes whoever writes it
    return os.open(temporary, _CREATE, 0o666), temporary


def _write_all(handle: int, data: bytes) -> None:
    packed = memoryview(data)
    while packed:  # os.write may write less than it was given
        packed = packed[os.write(handle, packed):]


def _name(handle: int, temporary: str | None, folder: int, name: str) -> None:
    """Give a durable new file its name in folder (an open folder): a link to an unnamed file, or a rename of a
    temporary one. A copy already there under that name holds the same bytes (the name is their sha256)."""
    if temporary is not None:
        os.replace(temporary, name, dst_dir_fd=folder)
        return
    try:  # linkat(2) with AT_SYMLINK_FOLLOW: the /proc link names the open file
        os.link(f"/proc/self/fd/{handle}", name, dst_dir_fd=folder, follow_symlinks=True)
    except FileExistsError:
        pass


def _durable(handles: list[int]) -> None:
    """What was written through these open files (their bytes, or a folder's names) is on disk when this returns:
    on Linux one syncfs(2) a filesystem, for a batch the cost of one fsync; elsewhere an fsync each."""
    syncfs = _syncfs()
    if syncfs is None:
        for handle in handles:
            os.fsync(handle)
        return
    for handle in {os.fstat(handle).st_dev: handle for handle in handles}.values():
        if syncfs(handle) != 0:
            import ctypes

            error = ctypes.get_errno()
            raise OSError(error, f"syncfs: {os.strerror(error)}")


@functools.cache
def _syncfs():
    """libc's syncfs (Linux), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


def _touch_kept(folder: str, sha: str) -> str | None:
    """The file name of the copy of page `sha` already in folder (this format's or an older one's), touched: named
    again now, `prune_copies` leaves it alone for PRUNE_GRACE. None when there is none. One call a format, no stat."""
    for suffix in (SUFFIX, *OLD_SUFFIXES):
        try:
            os.utime(f"{folder}/{sha}{suffix}")
        except FileNotFoundError:
            continue
        return sha + suffix
    return None


@functools.cache
def _compressor():
    """zstd with its frame checksum and the body's size in the frame (`zstd -d` and `zstdcat` read the copies).
    One per process: a crawl and an ingest write from one thread."""
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
    import zstandard

    try:
        with read_copy(Path(reports_dir) / row["path"]) as packed:
            digest = hashlib.file_digest(packed, "sha256").hexdigest()
    except FileNotFoundError:
        return "missing"
    except (OSError, EOFError, zstandard.ZstdError) as exc:
        return f"altered (unreadable: {exc})"
    return None if digest == row["sha256"] else "altered (hash differs)"


class Evidence(Connection):
    def record_evidence(self, client_id: str, reports_dir: Path, found: list[tuple[dict, Page | None]],
                        crawl_id: int | None = None, note: str | None = None) -> int:
        """For each stored (item, page) the crawl judged worth keeping (`wanted`): a copy of the page and a row,
        when the item has none yet or its words changed since its last. A page of None (an item ingested from a
        feed that carried no page) is a row with no copy, saying why in `note`; a copy arriving later is still
        kept. The batch's copies are on disk (keep_copies) before its rows commit. How many rows were added."""
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
            chosen.append((item, page, key, words, page and digest(page.body)))
        if not chosen:
            return 0
        first_seen = self._first_seen(client_id, [(item, key) for item, _, key, _, _ in chosen])
        copies = keep_copies(reports_dir, client_id, {(key[0], sha): page.body
                                                      for _, page, key, _, sha in chosen if page is not None})
        rows = []
        for item, page, key, words, sha in chosen:  # in ROW's order
            if page is None:
                rows.append((client_id, item["kind"], *key, item.get("query"), first_seen.get(key), crawl_id, words,
                             None, recorded_url(item["url"]) if item.get("url") else None, None, None, None, None,
                             note or "no copy"))
            else:
                rows.append((client_id, item["kind"], *key, item.get("query"), first_seen.get(key), crawl_id, words,
                             page.fetched_at, recorded_url(page.url), page.status, sha, copies[(key[0], sha)],
                             len(page.body), None))
        with self.transaction():
            self._db.conn.executemany(_INSERT_ROW, rows)
        return len(rows)

    def _latest_evidence(self, client_id: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
        """(text_sha256, whether it kept a copy) of each key's last evidence row: one read a source (by_source)."""
        latest = {}
        for source, chunk in by_source(keys):
            for source_id, words, sha in self._db.conn.execute(
                    f"SELECT source_id, text_sha256, sha256 FROM evidence WHERE client_id = ? AND source = ?"
                    f" AND source_id IN ({', '.join('?' * len(chunk))}) ORDER BY id", [client_id, source, *chunk]):
                latest[(source, source_id)] = (words, sha is not None)  # ordered by id: the last one stays
        return latest

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
                    and path.name.endswith((SUFFIX, *OLD_SUFFIXES, ".part")):
                doomed.append(path)
        if not dry_run:
            for path in doomed:
                path.unlink(missing_ok=True)
        return len(doomed)

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
