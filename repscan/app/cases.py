"""Extraction cases as folders: a saved response, how it was fetched, and the items it must give.

A case folder (tests/cases/<site>/<name>/, or any folder `repscan extract --save-case` writes) holds:

    response.<ext>       the body as saved (html, json, txt, xml)
    meta.json            {"site", "url", "status", "headers", "response" (html|text|xml), "now",
                          "tz" (the business's zone, for times without an offset; absent: UTC),
                          "context" (extra keyword arguments of extract, e.g. {"query": ...}),
                          "next_page" (expected; absent: not checked), "note"}
    expected.jsonl       the expected items, one JSON object per line, every field
    expected-error.json  instead: {"error": "LayoutError", "match": "..."} and/or {"blocked": "<reason>"}
                         (or the LayoutError it is: "LayoutChanged", "NotAReviewPage"); beside expected.jsonl,
                         {"error": "NotReadable", ...}: a page read in part, the items it gave and what was not read

The command line and the tests build the response the same way (`response_for`), so a case saved
by `repscan extract` reads back to the items it was saved with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

META, EXPECTED, ERROR = "meta.json", "expected.jsonl", "expected-error.json"
KINDS = ("html", "text", "xml")


def looks_like_json(body: bytes) -> bool:
    return body.lstrip()[:1] in (b"{", b"[")


def response_for(body: bytes, url: str, *, kind: str | None = None, status: int = 200, headers=None):
    """A Scrapy response of `kind` (html, text for JSON APIs, xml for feeds; default: text for JSON bodies)."""
    from scrapy.http import HtmlResponse, TextResponse, XmlResponse

    kind = kind or ("text" if looks_like_json(body) else "html")
    cls = {"html": HtmlResponse, "text": TextResponse, "xml": XmlResponse}[kind]
    return cls(url=url, body=body, encoding="utf-8", status=status, headers=headers or None)


@dataclass
class Case:
    folder: Path

    @property
    def name(self) -> str:
        """<site>/<case>: the folder's last two parts."""
        return f"{self.folder.parent.name}/{self.folder.name}"

    @property
    def meta(self) -> dict:
        return json.loads((self.folder / META).read_text(encoding="utf-8"))

    @property
    def site(self) -> str:
        return self.meta["site"]

    @property
    def body_path(self) -> Path:
        [path] = sorted(self.folder.glob("response.*"))
        return path

    @property
    def body(self) -> bytes:
        return self.body_path.read_bytes()

    @property
    def url(self) -> str:
        return self.meta["url"]

    def response(self, url: str | None = None, body: bytes | str | None = None, **overrides):
        """The saved response (optionally at another URL, or with an edited body)."""
        meta = self.meta
        if isinstance(body, str):
            body = body.encode("utf-8")
        options = {"kind": meta.get("response"), "status": meta.get("status", 200), "headers": meta.get("headers")}
        options.update(overrides)
        return response_for(self.body if body is None else body, url or meta["url"], **options)

    @property
    def now(self):
        from repscan.core.items import parse_iso

        value = self.meta.get("now")
        return parse_iso(value) if value else None

    @property
    def context(self) -> dict:
        return self.meta.get("context") or {}

    def extract(self, response=None) -> list[dict]:
        from repscan.spiders.pages import get

        return get(self.site).extract(response or self.response(), now=self.now, tz=self.meta.get("tz"), **self.context)

    @property
    def expected(self) -> list[dict] | None:
        path = self.folder / EXPECTED
        if not path.exists():
            return None
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    @property
    def error(self) -> dict | None:
        path = self.folder / ERROR
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def find_cases(root: Path) -> list[Case]:
    """Every case folder below `root` (a folder holding a meta.json), sorted by name."""
    return [Case(path.parent) for path in sorted(Path(root).glob(f"*/*/{META}"))]


def save_case(folder: Path, *, site: str, body: bytes, url: str, kind: str, items: list[dict] | None = None,
              error: dict | None = None, status: int = 200, headers: dict | None = None, now: str | None = None,
              context: dict | None = None, next_page: str | None = None, ext: str | None = None,
              note: str | None = None, tz: str | None = None) -> Path:
    """Write a case folder: response.<ext>, meta.json, and expected.jsonl (items) or expected-error.json (both for
    a page read in part)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("response.*"), folder / EXPECTED, folder / ERROR]:
        old.unlink(missing_ok=True)
    ext = ext or {"text": "json", "xml": "xml"}.get(kind, "html")
    (folder / f"response.{ext}").write_bytes(body)
    meta = {"site": site, "url": url, "status": status}
    if headers:
        meta["headers"] = headers
    meta.update({"response": kind, "now": now})
    if tz:
        meta["tz"] = tz  # the business's zone: the page's times without an offset are in it
    if context:
        meta["context"] = context
    read = error is None or items is not None  # a page read in part has items and an error
    if read:
        meta["next_page"] = next_page
    if note:
        meta["note"] = note
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if error is not None:
        (folder / ERROR).write_text(json.dumps(error, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if read:
        (folder / EXPECTED).write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items or []),
                                       encoding="utf-8")
    return folder
