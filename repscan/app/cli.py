"""The `repscan` command line: one subcommand per job, exit 0 ok, 1 failure, 2 bad usage or config, 3 blocked."""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import sys
from pathlib import Path

from repscan import __version__
from repscan.core.rules import DEFAULT_THRESHOLD

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_BLOCKED = 0, 1, 2, 3
PAGE_LIMIT = 64 * 2**20  # `repscan extract` reads at most this much of a file, and of what it decompresses to


class Usage(Exception):
    """Bad usage: printed as `repscan: error: ...`, exit 2."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from repscan.core.config import ConfigError
    from repscan.core.node_packages import NotInstalled
    from repscan.core.store.connection import UpgradeFailed

    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"repscan: config error:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except (NotInstalled, UpgradeFailed) as exc:
        print(f"repscan: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Usage as exc:
        print(f"repscan: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except BrokenPipeError:  # `repscan ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="repscan", description=__doc__)
    parser.add_argument("--version", action="version", version=f"repscan {__version__}")
    parser.add_argument("--config", type=Path, default=None, help="config file (default: ./repscan.toml)")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("extract", help="parse one saved page or API response, print JSON lines")
    p.add_argument("site", help="site key, e.g. trustpilot or jsonld")
    p.add_argument("file", type=Path, help="saved page (.html, .json, .gz)")
    p.add_argument("--url", help="the page's URL (default: its canonical or og:url link, else the file)")
    p.add_argument("--query", help="the search query, for search engine pages")
    p.add_argument("--now", help="ISO time that relative dates are resolved against (default: now)")
    p.add_argument("--tz", type=_zone_arg, help="IANA zone of the business the page is about: its times without a UTC "
                   "offset are read in it (default: UTC; a crawl uses the location's or the client's timezone)")
    p.add_argument("--save-case", type=Path, metavar="DIR",
                   help="also write DIR/response.<ext>, meta.json and expected.jsonl (or expected-error.json): "
                        "a test case of what the extractor gives now, to correct by hand")
    p.set_defaults(handler=cmd_extract)

    p = sub.add_parser("classify", help="JSON lines in, the same lines out with sentiment and negative")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"rating/rating_max at or below is negative ({DEFAULT_THRESHOLD})")
    p.set_defaults(handler=cmd_classify)

    p = sub.add_parser("crawl", help="crawl the configured sources into the database")
    p.add_argument("--client", help="only this client id, or one competitor's CLIENT:COMPETITOR")
    p.add_argument("--source", help="only this site key")
    p.add_argument("--full", action="store_true", help="crawl every page (no incremental stop); marks removed reviews")
    p.add_argument("--quiet", action="store_true", help="only warnings from Scrapy")
    p.add_argument("--wait", type=float, default=60.0, help="seconds to wait while another run or crawl works (60)")
    p.add_argument("--nodes", action="store_true", help="run the source crawls as jobs on the config's Scrapyd [[nodes]]")
    p.set_defaults(handler=cmd_crawl)

    p = sub.add_parser("ingest", help="merge feed exports from Scrapyd nodes into the database (each job once)")
    p.add_argument("feeds", nargs="+", type=Path, metavar="FEED", help="JSON lines feed of a node's job (.jl, .jl.gz)")
    p.add_argument("--wait", type=float, default=60.0, help="seconds to wait while a run or crawl works (60)")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("nodes", help="Scrapyd nodes: deploy the spiders to every [[nodes]] entry, their state, the egg")
    p.add_argument("action", choices=["deploy", "status", "egg", "requirements"],
                   help="deploy: upload the spiders as an egg; status: each node's jobs; egg FILE: write the egg"
                        " (for scrapyd-deploy TARGET --egg FILE); requirements [FILE]: the nodes' pinned packages")
    p.add_argument("file", nargs="?", type=Path, help="egg: where to write it; requirements: (default: stdout)")
    p.set_defaults(handler=cmd_nodes)

    p = sub.add_parser("report", help="render a client's report as PDF (or HTML)")
    p.add_argument("--client", required=True)
    p.add_argument("--since", default="last", help="ISO time, or 'last' = the last sent report's cutoff (default)")
    p.add_argument("--out", type=Path, help="output file (default: <reports_dir>/<client>-<date>.pdf)")
    p.add_argument("--html", action="store_true", help="write HTML instead of PDF")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("export", help="a client's reviews, posts, search results and crawls as CSV, XLSX or JSON lines")
    p.add_argument("--client", required=True)
    p.add_argument("--since", help="ISO date or time: rows first seen (crawls started) since then (default: all)")
    p.add_argument("--format", choices=["csv", "xlsx", "jsonl"], default="csv",
                   help="csv: a folder, a file a table; xlsx: one workbook, a sheet a table; jsonl: one file (csv)")
    p.add_argument("--tables", default="reviews,posts,search_results,crawls",
                   help="comma-separated (default: reviews,posts,search_results,crawls)")
    p.add_argument("--out", type=Path,
                   help="where to write (default: <reports_dir>/exports/<client>-<time>[.xlsx|.jsonl]); jsonl: - for stdout")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("evidence", help="a client's evidence record: first-seen times and page copies, hashes verified")
    p.add_argument("--client", required=True)
    p.add_argument("--item", help="one item: SOURCE:ID (a search result's ID is its URL)")
    p.add_argument("--out", type=Path, help="a folder to write each verified copy into, as <sha256>.html")
    p.set_defaults(handler=cmd_evidence)

    p = sub.add_parser("send", help="render if needed, email, record; never sends a report twice")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--client")
    who.add_argument("--all", action="store_true")
    p.add_argument("--force", action="store_true", help="with --all: every client now, not only those whose report is due"
                   " (--client always sends at once)")
    p.add_argument("--dry-run", action="store_true", help="write .eml files to the outbox; send and record nothing")
    p.add_argument("--outbox", type=Path, help="where --dry-run writes (default: <reports_dir>/outbox)")
    p.add_argument("--wait", type=float, default=600.0,
                   help="seconds to wait while a run, crawl or another send works (600)")
    p.set_defaults(handler=cmd_send)

    p = sub.add_parser("run", help="everything that is due: crawls, alerts, reports (the cron/systemd entry point)")
    p.add_argument("--wait", type=float, default=10.0, help="seconds to wait for another run to finish (10)")
    p.add_argument("--now", help=argparse.SUPPRESS)  # tests: pretend it is this ISO time
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("replies", help="reply drafts: list, show, edit in $EDITOR, approve, post (each step logged)")
    p.add_argument("action", choices=["list", "show", "edit", "approve", "post", "done"],
                   help="list: draft what is open, then list; show/edit/approve ID...; post [ID...]: approved replies;"
                        " done ID...: you pasted these by hand (no API) and they are on the page")
    p.add_argument("ids", nargs="*", type=int, metavar="ID", help="reply ids, as `replies list` prints them")
    p.add_argument("--client", help="only this client id; a named reply of another client is refused (exit 2)")
    p.add_argument("--pasted", action="store_true",
                   help="done ID...: approved replies you pasted although repscan never handed them to you")
    p.add_argument("--status", choices=["draft", "approved", "handed", "posted", "failed"],
                   help="list: only replies in this state (handed: given to a person to paste, not yet done)")
    p.add_argument("--all", action="store_true", help="list: posted replies too")
    p.add_argument("--as", dest="name", metavar="NAME", help="who approves, edits or posts (default: $USER)")
    p.add_argument("--dry-run", action="store_true", help="post: show the request (or the page and text), send nothing")
    p.add_argument("--retry-unknown", action="store_true",
                   help="post ID...: send these although their last attempt has no recorded outcome (you checked"
                        " the page: the reply is not there)")
    p.set_defaults(handler=cmd_replies)

    p = sub.add_parser("schedule", help="print the crontab line and a systemd service + timer for `repscan run`")
    p.add_argument("--every", type=int, default=5, help="minutes between runs (5)")
    p.set_defaults(handler=cmd_schedule)

    p = sub.add_parser("browse", help="open the database in Datasette (optional extra) with canned queries")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--no-open", action="store_true", help="do not open a browser")
    p.add_argument("--get", help=argparse.SUPPRESS)  # tests: fetch one path and exit
    p.set_defaults(handler=cmd_browse)

    p = sub.add_parser("prune", help="delete old finished crawl rows that no report, alert or history rule reads, "
                                     "evidence page copies that no evidence row names, and site summaries that repeat "
                                     "the one before them")
    p.add_argument("--keep-days", type=int, default=90, help="keep every crawl that finished in these days (90)")
    p.add_argument("--dry-run", action="store_true", help="count what would go; delete nothing")
    p.set_defaults(handler=cmd_prune)

    p = sub.add_parser("demo", help="the whole pipeline on bundled pages served from 127.0.0.1")
    p.add_argument("--dir", type=Path, default=Path("demo-output"), help="working folder (kept between runs)")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("config", help="configuration commands")
    config_sub = p.add_subparsers(title="config commands", metavar="ACTION")
    c = config_sub.add_parser("check", help="validate the config file; exit 2 naming file, line and field")
    c.set_defaults(handler=cmd_config_check)
    return parser


# -- extract / classify -------------------------------------------------------

def cmd_extract(args) -> int:
    from repscan.spiders.pages import get

    try:
        page = get(args.site)
    except KeyError as exc:
        raise Usage(exc.args[0]) from None
    try:
        body = _read_page(args.file)
    except OSError as exc:
        raise Usage(f"cannot read {args.file}: {exc.strerror}") from None
    except ValueError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        return _extract(args, page, body)
    except Usage:
        raise
    except RecursionError:
        print(f"error: {args.file}: nested too deeply to read as {args.site}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 (a hostile or foreign file: one line, never a traceback)
        print(f"error: {args.file}: not readable as {args.site}: {type(exc).__name__}: {str(exc)[:200]}",
              file=sys.stderr)
        return EXIT_FAILURE


def _zone_arg(value: str) -> str:
    """--tz: an IANA zone name."""
    from repscan.core.config import _timezone

    try:
        return _timezone(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _read_page(path: Path) -> bytes:
    """The file's bytes, gunzipped when gzipped; ValueError past PAGE_LIMIT bytes (before or after
    decompression) or for a corrupt gzip stream, so a small bomb cannot take the machine's memory."""
    from repscan.spiders.pages.common.jsondata import gunzipped

    with path.open("rb") as handle:
        body = handle.read(PAGE_LIMIT + 1)
    if len(body) > PAGE_LIMIT:
        raise ValueError(f"larger than {PAGE_LIMIT // 2**20} MB: not a page")
    try:
        return gunzipped(body, PAGE_LIMIT)
    except ValueError as exc:
        raise ValueError(f"{exc}: not a page") from None


def _extract(args, page, body: bytes) -> int:
    from repscan.app.cases import looks_like_json, response_for, save_case
    from repscan.core.items import iso_utc, parse_iso, utcnow
    from repscan.core.store.crawls import UNREAD
    from repscan.spiders.pages import LayoutChanged, LayoutError, NotAReviewPage, NotReadable, blocked

    is_json = looks_like_json(body)
    kind = "text" if is_json else "html"
    response = response_for(body, args.url or args.file.resolve().as_uri(), kind=kind)
    if not args.url and not is_json:
        canonical = (response.css('link[rel="canonical"]::attr(href)').get()
                     or response.css('meta[property="og:url"]::attr(content)').get())
        if canonical and canonical.startswith("http"):
            response = response.replace(url=canonical)
    extra = {"query": args.query} if args.query else {}

    def save(now=None, **outcome) -> None:
        if args.save_case:
            suffix = args.file.suffix.lower().lstrip(".")
            ext = "json" if is_json else suffix if suffix in ("html", "htm", "txt", "xml") else "html"
            save_case(args.save_case, site=args.site, body=body, url=response.url, kind=kind, ext=ext,
                      now=iso_utc(now.replace(microsecond=0)) if now else args.now, context=extra, tz=args.tz, **outcome)
            print(f"case saved: {args.save_case}", file=sys.stderr)

    reason = blocked.detect(response)
    if reason:
        save(error={"blocked": reason})
        print(f"blocked: {reason}", file=sys.stderr)
        return EXIT_BLOCKED
    try:
        now = parse_iso(args.now) if args.now else None
    except ValueError:
        raise Usage(f"--now {args.now!r} is not an ISO 8601 time") from None
    if args.save_case and now is None:
        now = utcnow()  # a saved case reads relative dates against a fixed time
    if extra and "query" not in inspect.signature(page.module.extract).parameters:
        raise Usage(f"{args.site} pages take no --query")
    unread = None
    try:
        items = page.extract(response, now=now, tz=args.tz, **extra)
    except NotReadable as exc:
        if exc.items is None:
            raise
        items, unread = exc.items, {"error": "NotReadable", "match": str(exc)}  # read in part: the items, and what not
    except LayoutError as exc:
        save(now, error={"error": type(exc).__name__, "match": str(exc)})
        # LayoutChanged and NotAReviewPage say what they are ("layout changed: …", "not a review page: …").
        said = "" if isinstance(exc, (LayoutChanged, NotAReviewPage)) else f"page layout not recognised as {args.site}: "
        print(f"error: {args.file}: {said}{exc}", file=sys.stderr)
        return EXIT_FAILURE
    save(now, items=items, next_page=page.next_page(response), **({"error": unread} if unread else {}))
    for item in items:
        sys.stdout.write(json.dumps(_finite(item), ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()
    if unread:  # parsed, so exit 0 (DESIGN.md's contract), and never silent: stderr says what was not read
        print(f"{UNREAD}{unread['match']}", file=sys.stderr)
    return EXIT_OK


def _finite(item: dict) -> dict:
    """JSON has no NaN or Infinity: a page's -Infinity rating prints as null."""
    return {key: None if isinstance(value, float) and not math.isfinite(value) else value
            for key, value in item.items()}


def cmd_classify(args) -> int:
    from repscan.core.classify import classify

    failed = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            print(f"repscan classify: line {number}: {exc}", file=sys.stderr)
            failed += 1
            continue
        item.update(classify(item, args.threshold))
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
    return EXIT_FAILURE if failed else EXIT_OK


# -- crawl / report / send ------------------------------------------------------

def _config(args, client: str | None = None):
    """The config with each client whose own lines are wrong left out and named on stderr (file:line: field), so one
    client's typo stops no other client's command; ConfigError (exit 2) for the agency's lines, or when `client`, the
    client the command names, is one left out."""
    from repscan.core import config

    cfg = config.load(args.config, skip_bad_clients=True)
    _refuse_left_out(cfg, [client] if client else [])
    for problem in cfg.skipped:
        print(f"repscan: client left out: {problem}", file=sys.stderr)
    return cfg


def _refuse_left_out(cfg, clients) -> None:
    """ConfigError (exit 2) with the problems of each of these clients that the config left out."""
    from repscan.core.config import ConfigError

    refused = [problem for client in dict.fromkeys(clients) for problem in cfg.problems_of(client)]
    if refused:
        raise ConfigError(refused)


def _all_clients(cfg, code: int) -> int:
    """The exit code of a command done for every client: a failure (1) when a client was left out for its config."""
    return max(code, EXIT_FAILURE) if cfg.skipped else code


def cmd_config_check(args) -> int:
    from repscan.app.checks import posting_accounts, check
    from repscan.core import config

    try:
        cfg = config.load(args.config)  # strict: every error of every client, exit 2
    except config.ConfigError as exc:  # a client with wrong lines still reads its posting variables: say which are shared
        try:
            lenient = config.load(args.config, skip_bad_clients=True)
        except config.ConfigError:
            raise exc from None
        shared = [str(f) for f in posting_accounts(lenient, os.environ) if f.level == "error"]
        raise config.ConfigError(exc.problems + shared) from None
    findings = check(cfg)
    for finding in findings:
        print(finding, file=sys.stderr)
    errors = sum(finding.level == "error" for finding in findings)
    if errors:
        return EXIT_USAGE
    sources = sum(len(c.sources) for c in cfg.clients)
    warnings = f", {len(findings)} warning{'s' if len(findings) != 1 else ''}" if findings else ""
    print(f"{cfg.path}: ok ({len(cfg.clients)} clients, {sources} sources{warnings})")
    return EXIT_OK


def cmd_crawl(args) -> int:
    from repscan.app.jobs import Busy, run_lock
    from repscan.spiders.run import jobs_for, run

    cfg = _config(args, args.client)
    crawl = run
    notes: list[tuple[str, str]] = []  # what went wrong with the nodes themselves (nodes.run)
    if args.nodes:
        if not cfg.nodes:
            raise Usage(f"--nodes: {cfg.path} lists no [[nodes]] (see docs/scale.md)")
        from functools import partial

        from repscan.app import nodes

        crawl = partial(nodes.run, echo=None if args.quiet else _stderr, notes=notes)
    try:
        jobs = jobs_for(cfg, args.client, args.source)
    except KeyError as exc:
        raise Usage(exc.args[0]) from None
    if not jobs:
        raise Usage("no sources match (check --client/--source and the config's sources)")
    try:
        with run_lock(cfg.database, wait=args.wait):
            rows = crawl(cfg, jobs, full=args.full, log_level="WARNING" if args.quiet else "INFO")
    except Busy as exc:
        print(f"repscan crawl: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print_crawls(rows)
    for status, note in notes:
        print(f"(nodes) {status}: {note}")
    from repscan.core.store.crawls import FAILED

    failed = any(r["status"] in FAILED for r in rows) or any(status == "failed" for status, _ in notes)
    code = EXIT_FAILURE if failed else EXIT_OK
    return code if args.client else _all_clients(cfg, code)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_ingest(args) -> int:
    from repscan.app.ingest import FeedError, ingest_paths
    from repscan.app.jobs import Busy, run_lock

    cfg = _config(args)
    try:
        with run_lock(cfg.database, wait=args.wait):
            results = ingest_paths(cfg, args.feeds)
    except FeedError as exc:
        raise Usage(str(exc)) from None
    except Busy as exc:
        print(f"repscan ingest: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    for result in results:
        print(result.line())
    return EXIT_FAILURE if any(r.failed and not r.skipped for r in results) else EXIT_OK


def cmd_nodes(args) -> int:
    from repscan.app import nodes

    if args.action == "egg":
        if not args.file:
            raise Usage("nodes egg FILE: name the file to write")
        args.file.write_bytes(nodes.build_egg())
        print(args.file)
        return EXIT_OK
    if args.action == "requirements":
        from repscan.core import node_packages

        text = node_packages.requirements_text(node_packages.pins())
        if args.file:
            args.file.parent.mkdir(parents=True, exist_ok=True)
            args.file.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return EXIT_OK
    cfg = _config(args)
    if not cfg.nodes:
        raise Usage(f"{cfg.path} lists no [[nodes]] (see docs/scale.md)")
    if args.action == "deploy":
        results = nodes.deploy(cfg, echo=print)
        return EXIT_FAILURE if any(error for _, error in results) else EXIT_OK
    rows = nodes.status(cfg)
    for row in rows:
        if row["status"] == "ok":
            deployed = "has" if row["current"] else "lacks (run repscan nodes deploy)"
            print(f"{row['url']:<32} ok    {row['running']} running, {row['pending']} pending, {row['finished']} finished;"
                  f" {deployed} this machine's version {row['version']}")
        else:
            print(f"{row['url']:<32} down  {row['error']}")
    return EXIT_FAILURE if any(row["status"] != "ok" or not row["current"] for row in rows) else EXIT_OK


def print_crawls(rows: list[dict], out=sys.stdout) -> None:
    out.write(f"{'client':<14} {'source':<12} {'status':<8} {'items':>6} {'new':>5} {'requests':>8}  error\n")
    for r in rows:
        out.write(f"{r['client_id']:<14} {r['source']:<12} {r['status']:<8} {r['items']:>6} {r['new_items']:>5} "
                  f"{r['requests']:>8}  {r['error'] or ''}\n")


def _client(cfg, client_id: str):
    """The config's client of that id; an unknown id is bad usage."""
    try:
        return cfg.client(client_id)
    except KeyError as exc:
        raise Usage(exc.args[0]) from None


def cmd_report(args) -> int:
    import gc

    from repscan.reports import deliver

    cfg = _config(args, args.client)
    client = _client(cfg, args.client)
    since = None if args.since == "last" else args.since
    try:
        path = deliver.render_report(cfg, client, since=since, last=args.since == "last", out=args.out, html=args.html)
    except ValueError as exc:
        raise Usage(str(exc)) from None
    print(path)
    # The process ends next: the collector need not walk all it built once more on the way out (0.1 s; benchmarks.md).
    gc.freeze()
    return EXIT_OK


def cmd_export(args) -> int:
    from repscan.app import export
    from repscan.core.items import parse_iso, stamp, utcnow
    from repscan.core.store.queries import source_locations

    cfg = _config(args, args.client)
    client = _client(cfg, args.client)
    tables = tuple(name.strip() for name in args.tables.split(",") if name.strip())
    unknown = sorted(set(tables) - set(export.TABLES))
    if unknown or not tables:
        raise Usage(f"--tables: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(export.TABLES)}")
    try:
        since = stamp(parse_iso(args.since)) if args.since else None
    except ValueError:
        raise Usage(f"--since {args.since!r} is not an ISO 8601 date or time") from None
    out = args.out
    if out is None:
        name = f"{client.id}-{utcnow().strftime('%Y%m%d-%H%M%S')}"
        out = cfg.reports_dir / "exports" / (name if args.format == "csv" else f"{name}.{args.format}")
    elif str(out) == "-":
        if args.format != "jsonl":
            raise Usage("--out - (stdout) is for --format jsonl")
        out = None
    try:
        written = export.export(cfg.database, client.id, client.negative_threshold, fmt=args.format, out=out,
                                since=since, tables=tables, locations=source_locations([client]), tz=client.timezone)
    except export.ExportError as exc:
        print(f"repscan export: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    for path in written:
        print(path)
    return EXIT_OK


def cmd_evidence(args) -> int:
    from repscan.app import evidence

    cfg = _config(args, args.client)
    client = _client(cfg, args.client)
    try:
        item = evidence.parse_item(args.item) if args.item else None
    except ValueError as exc:
        raise Usage(str(exc)) from None
    try:
        good = evidence.show(cfg.database, cfg.reports_dir, client.id, item, busy_timeout=cfg.storage.busy_timeout,
                             out_dir=args.out)
    except evidence.OutFolderError as exc:
        raise Usage(str(exc)) from None
    return EXIT_OK if good else EXIT_FAILURE


def cmd_send(args) -> int:
    from repscan.app.jobs import Busy, run_lock

    cfg = _config(args, args.client)
    # The run's lock: two sends, or a send beside `repscan run`, would each email the same clients.
    try:
        with run_lock(cfg.database, wait=args.wait):
            return _send(cfg, args)
    except Busy as exc:
        print(f"repscan send: {exc}", file=sys.stderr)
        return EXIT_FAILURE


def _send(cfg, args) -> int:
    from repscan.app.jobs import due_reports, print_summary, send_due_reports
    from repscan.reports import deliver
    from repscan.reports.mail import MailConfigError

    progress = sys.stderr.isatty()
    try:
        if args.all and not args.force:
            outcomes = send_due_reports(cfg, due_reports(cfg, record=not args.dry_run), progress=progress,
                                        dry_run=args.dry_run, outbox=args.outbox)
            print_summary(outcomes)
            return _all_clients(cfg, EXIT_FAILURE if any(o.failed for o in outcomes) else EXIT_OK)
        clients = cfg.clients if args.all else [cfg.client(args.client)]
        results = deliver.send_reports(cfg, clients, dry_run=args.dry_run, outbox=args.outbox, progress=progress)
    except KeyError as exc:
        raise Usage(exc.args[0]) from None
    except MailConfigError as exc:
        raise Usage(str(exc)) from None
    for result in results:
        print(result.line())
    code = EXIT_FAILURE if any(r.failed for r in results) else EXIT_OK
    return _all_clients(cfg, code) if args.all else code


def cmd_run(args) -> int:
    from repscan.app import operator_mail
    from repscan.app.jobs import STUCK_AFTER, Busy, Outcome, print_summary, run_due, run_lock
    from repscan.core import config
    from repscan.core.items import parse_iso

    try:
        now = parse_iso(args.now) if args.now else None
    except ValueError:
        raise Usage(f"--now {args.now!r} is not an ISO 8601 time") from None
    try:  # a client's wrong lines leave that client out; the agency's stop the run
        cfg = config.load(args.config, skip_bad_clients=True)
    except config.ConfigError as exc:
        told = operator_mail.config_unreadable(args.config, exc.problems, now=now)
        if told:
            print(f"repscan run: {told}", file=sys.stderr)
        raise
    outcomes = [Outcome("(config)", "config", "failed", f"client left out: {problem}") for problem in cfg.skipped]
    try:
        with run_lock(cfg.database, wait=args.wait):
            unrecorded = operator_mail.record_operator(cfg.database, cfg.agency.operator, cfg.agency.sender,
                                                       busy_timeout=cfg.storage.busy_timeout)
            outcomes += [Outcome("(operator)", "record", "warning", unrecorded)] if unrecorded else []
            outcomes += run_due(cfg, now=now)
            told = _tell_operator(cfg, outcomes, now)  # before the prune: nothing it does can lose the digest
            pruned = _prune_daily(cfg, now) if cfg.storage.keep_days else None
            if isinstance(pruned, Outcome):
                outcomes.append(pruned)
                pruned = None
    except Busy as exc:
        print(f"repscan run: {exc}", file=sys.stderr)
        if not exc.stuck(now):
            return EXIT_OK  # the run that holds it does the work (and reports this config's problems)
        stuck = Outcome("(run)", "lock", "failed", f"a run has held the lock since {exc.since:%Y-%m-%d %H:%M} UTC, over"
                        f" {STUCK_AFTER.total_seconds() / 3600:g} hours ({exc.holder}): stuck; every client waits")
        print(f"repscan run: {stuck.detail}", file=sys.stderr)
        outcomes.append(stuck)
        told = _tell_operator(cfg, outcomes, now)
        if told:
            print(f"repscan run: {told}", file=sys.stderr)
        return EXIT_FAILURE
    print_summary(outcomes, out=sys.stdout)  # the stream of now (its default is bound at import)
    if pruned:
        print(pruned)
    if told:
        print(told)
    return EXIT_FAILURE if any(o.failed for o in outcomes) else EXIT_OK


def _tell_operator(cfg, outcomes, now) -> str | None:
    """Email [agency] operator the run's failures it has not heard of today (operator_mail); what to print."""
    from repscan.app import operator_mail

    lines = [f"{o.client_id} {o.job}: {o.detail}" for o in outcomes if operator_mail.worth_telling(o)]
    failed_prune = _last_prune_failure(cfg)
    if failed_prune:
        lines.append(f"{PRUNE_OWNER} prune: {failed_prune}")
    return operator_mail.send_digest(cfg.database, cfg.agency.sender, cfg.agency.operator, lines, now=now,
                                     busy_timeout=cfg.storage.busy_timeout)


def cmd_replies(args) -> int:
    from repscan.app.replies import run as replies

    cfg = _config(args, args.client)
    if args.client:
        _client(cfg, args.client)
    if args.retry_unknown and not args.ids:
        raise Usage("--retry-unknown needs the reply ids whose pages you checked")
    if args.action == "post" and args.ids and cfg.skipped:  # a post reads its client's config (its credentials)
        from repscan.core.store import Store

        store = Store(cfg.database, busy_timeout=cfg.storage.busy_timeout)
        try:
            _refuse_left_out(cfg, [row["client_id"] for row in map(store.reply, args.ids) if row])
        finally:
            store.close()
    code = replies(cfg, args.action, args.ids, client_id=args.client, status=args.status, everything=args.all,
                   name=args.name, dry_run=args.dry_run, retry_unknown=args.retry_unknown, pasted=args.pasted)
    everyone = args.action in ("list", "post") and not args.client and not args.ids
    return _all_clients(cfg, code) if everyone else code


def cmd_schedule(args) -> int:
    from repscan.core.schedule import crontab_line, systemd_units

    cfg = _config(args)
    print("# crontab (crontab -e):")
    print(crontab_line(cfg.path, args.every))
    for name, text in systemd_units(cfg.path, args.every).items():
        print(f"\n# /etc/systemd/system/{name}")
        print(text, end="")
    print("\n# then: systemctl daemon-reload && systemctl enable --now repscan.timer")
    return EXIT_OK


def cmd_browse(args) -> int:
    from repscan.app.browse import MissingDatasette, browse
    from repscan.core.search import configured
    from repscan.core.store.queries import source_locations

    cfg = _config(args)
    try:
        return browse(cfg.database, thresholds={c.id: c.negative_threshold for c in cfg.crawled()},
                      locations=source_locations(cfg.clients),
                      searches={c.id: configured(cfg.search.engines, c.queries) for c in cfg.crawled()},
                      port=args.port, open_browser=not args.no_open, get=args.get)
    except MissingDatasette as exc:
        raise Usage(str(exc)) from None


def cmd_prune(args) -> int:
    from repscan.core.store import Store

    if args.keep_days < 1:
        raise Usage("--keep-days must be at least 1")
    cfg = _config(args)
    store = Store(cfg.database, busy_timeout=cfg.storage.busy_timeout)
    try:
        removed, left, copies, repeats, adopted = _prune(store, cfg, args.keep_days, dry_run=args.dry_run)
    finally:
        store.close()
    print(f"would delete {removed} of {left} crawl rows" if args.dry_run else f"deleted {removed} crawl rows, {left} left")
    if adopted:  # first: the files it took in are among the copies no row names any more
        print(f"took {adopted} evidence page copies kept as files by an older version into the database")
    print(f"{'would delete' if args.dry_run else 'deleted'} {copies} evidence page copies that no evidence row names"
          f"{' any more (the files taken in, once a day old, among them)' if adopted else ''}")
    if repeats:
        print(f"{'would delete' if args.dry_run else 'deleted'} {repeats} site summaries that repeat the one"
              " before them or of pages no source names any more")
    return EXIT_OK


def _prune(store, cfg, keep_days: int, *, dry_run: bool = False, now=None) -> tuple[int, int, int, int, int]:
    """What `repscan prune` deletes: (crawl rows deleted, crawl rows left, page copies, site summaries repeated or of
    a page no configured source names any more, page files of an older version taken into the store first)."""
    from datetime import timedelta

    from repscan.core.items import stamp, utcnow

    removed = store.prune_crawls(stamp((now or utcnow()) - timedelta(days=keep_days)), dry_run=dry_run)
    left = store.query("SELECT COUNT(*) AS n FROM crawls")[0]["n"]
    pages = {subject.id: [(s.site, s.url) for s in subject.sources] for subject in cfg.crawled()}
    adopted = 0 if dry_run else store.adopt_copies(cfg.reports_dir)
    return (removed, left, store.prune_copies(cfg.reports_dir, dry_run=dry_run),
            store.prune_businesses(dry_run=dry_run, sources=pages), adopted)


PRUNE_JOB = ("", "prune")  # schedule_state's row for [storage] keep_days: the agency's, no client's
PRUNE_FAILED = ("", "prune failed")  # its last failure (last_status), told in the next runs' digests until one prunes
PRUNE_OWNER = "(storage)"


def _prune_daily(cfg, now=None):
    """[storage] keep_days: after `repscan run`, prune as `repscan prune --keep-days` does, at most once a day (it
    reads every review's first crawl); the line to print, None when it was not due, or a failed Outcome (recorded
    for the next runs' digests until a prune goes through: this run's went out before it)."""
    from datetime import timedelta

    from repscan.app.jobs import Outcome
    from repscan.core.items import parse_iso, stamp, utcnow
    from repscan.core.store import Store

    now = now or utcnow()
    store = None
    try:
        store = Store(cfg.database, busy_timeout=cfg.storage.busy_timeout)
        last = parse_iso(store.last_done(*PRUNE_JOB))
        if last is not None and timedelta(0) <= now - last < timedelta(days=1):
            return None
        removed, left, copies, repeats, adopted = _prune(store, cfg, cfg.storage.keep_days, now=now)
        store.mark_done(*PRUNE_JOB, stamp(now), "ok")
        store.mark_done(*PRUNE_FAILED, stamp(now), "")
    except Exception as exc:  # noqa: BLE001 (the run's other lines and its digest stand)
        failed = Outcome(PRUNE_OWNER, "prune", "failed", f"{type(exc).__name__}: {exc}")
        try:
            if store is None:
                raise exc
            store.mark_done(*PRUNE_FAILED, stamp(now), failed.detail)
        except Exception as again:  # noqa: BLE001 (a locked or broken database: the printed line still says it)
            failed.detail += " (not recorded for the operator" + ("" if again is exc else
                                                                  f": {type(again).__name__}: {again}") + ")"
        return failed
    finally:
        if store is not None:
            store.close()
    return (f"pruned ([storage] keep_days = {cfg.storage.keep_days}): {removed} crawl rows ({left} left), {copies} evidence"
            f" page copies, {repeats} repeated or unnamed site summaries"
            + (f"; {adopted} page files of an older version taken into the database" if adopted else ""))


def _last_prune_failure(cfg) -> str | None:
    """The failure of the last daily prune, while no prune since has gone through (_prune_daily)."""
    from repscan.core.store import Store

    store = Store(cfg.database, busy_timeout=cfg.storage.busy_timeout)
    try:
        return store.last_status(*PRUNE_FAILED) or None
    finally:
        store.close()


def cmd_demo(args) -> int:
    from repscan.app.demo import run_demo

    return run_demo(args.dir)


if __name__ == "__main__":
    sys.exit(main())
