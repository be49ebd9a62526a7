"""`repscan demo`: serve made-up pages on 127.0.0.1, crawl them, alert, report, and email through a local SMTP server."""

from __future__ import annotations

import os
import socket
import sys
from contextlib import contextmanager
from pathlib import Path

from repscan.core.items import utcnow

DEMO_PORT = 8734  # fixed, so review URLs (and JSON-LD ids) stay the same between runs
CLIENT_ID = "harbour-lane"
UKRAINIAN = "uk"  # the demo also renders its report in this language (a client's `language`)


def demo_config(site: str, client_id: str = CLIENT_ID) -> str:
    """The demo's repscan.toml: one client, its review sites, mentions, a search engine and one competitor served
    from `site`."""
    from repscan.app.configfile import config_text
    from repscan.app.demo.data import RIVAL_NAME

    return config_text(
        comment="Written by `repscan demo`: one client and a competitor, their pages served from 127.0.0.1.",
        agency={"name": "Northwind Reputation (demo)", "sender": "reports@northwind.example",
                "branding": {"primary_color": "#1f3a5f", "accent_color": "#c0392b",
                             "contact": "Northwind Reputation · +44 20 7946 0000 · hello@northwind.example"}},
        storage={"database": "repscan.db", "reports_dir": "reports"},
        crawl={"download_delay": 0, "autothrottle": False, "timeout": 10, "retries": 2},
        search={"engines": ["duckduckgo"], "delay": 0, "base_urls": {"duckduckgo": site}},
        clients=[{
            "id": client_id, "name": "Harbour Lane Bakery", "aliases": ["Harbour Lane", "HLB"],
            "domains": ["harbourlanebakery.example"], "profiles": ["https://www.facebook.com/harbourlanebakery"],
            "recipients": ["owner@harbourlanebakery.example"], "timezone": "Europe/London",
            "queries": ["Harbour Lane Bakery"],
            "replies": {"contact": "023 9649 6123 or hello@harbourlanebakery.example"},
            "locations": [{"id": "harbour-lane", "name": "Portsmouth, Harbour Lane"},
                          {"id": "castle-road", "name": "Southsea, Castle Road"}],
            "sources": [{"site": "trustpilot", "url": f"{site}/review/harbourlanebakery.example",
                         "location": "harbour-lane"},
                        {"site": "jsonld", "url": f"{site}/reviews", "location": "castle-road"},
                        {"site": "facebook", "url": f"{site}/HarbourLaneBakery"},
                        {"site": "reddit", "url": f"{site}/search.rss?q=%22Harbour+Lane+Bakery%22&sort=new"},
                        {"site": "feed", "url": f"{site}/alerts/feeds/00000000000000000001/0000000000000000002"}],
            "competitors": [{"id": "quayside-crumb", "name": RIVAL_NAME, "domains": ["quaysidecrumb.example"],
                             "queries": [RIVAL_NAME],
                             "sources": [{"site": "trustpilot", "url": f"{site}/review/quaysidecrumb.example"}]}],
        }],
    )


def route_for(now):
    """The demo site's pages: Trustpilot-structured profile pages, a JSON-LD reviews page, a Facebook page's
    posts, a Reddit search, a Google Alerts feed and a DuckDuckGo result page."""
    from repscan.app.demo.data import SEARCH, businesses, rival
    from repscan.app.demo.server import Reply
    from repscan.app.demo.site import duckduckgo_page, jsonld_page, mention_page, trustpilot_page

    mentions = {
        "/HarbourLaneBakery/posts/": ("facebook-posts.html", "text/html; charset=utf-8"),
        "/HarbourLaneBakery/posts/930000000000001": ("facebook-post.html", "text/html; charset=utf-8"),
        "/search.rss": ("reddit-search.atom.xml", "application/atom+xml; charset=utf-8"),
        "/alerts/feeds/00000000000000000001/0000000000000000002": ("google-alerts.atom.xml",
                                                                  "application/atom+xml; charset=utf-8"),
    }

    trustpilot, own = businesses(now)
    competitor = rival(now)
    host = {}

    def route(path, query):
        page = int((query.get("page") or ["1"])[0]) if (query.get("page") or ["1"])[0].isdigit() else 0
        if path == f"/review/{trustpilot.slug}":
            body = trustpilot_page(trustpilot, page, host["url"])
        elif path == f"/review/{competitor.slug}":
            body = trustpilot_page(competitor, page, host["url"])
        elif path == "/reviews":
            body = jsonld_page(own, page, host["url"], "/reviews")
        elif path in mentions:
            name, content_type = mentions[path]
            return Reply(body=mention_page(name, host["url"], now), content_type=content_type)
        elif path == "/html/" and (query.get("q") or [""])[0] in SEARCH:
            q = query["q"][0]
            body = duckduckgo_page(q, SEARCH[q])
        else:
            body = None
        return Reply(body=body) if body else None

    return route, host


def _demo_port(config_path: Path) -> int:
    """The port of this demo folder's earlier runs (review ids carry the site's address), else 8734 or any."""
    import re

    if config_path.exists():
        match = re.search(r'url = "http://127\.0\.0\.1:(\d+)/', config_path.read_text(encoding="utf-8"))
        if match:
            port = int(match.group(1))
            if not _port_free(port):
                raise SystemExit(f"demo: port {port} (used by this demo folder before) is busy; "
                                 "is another demo running? Stop it, or use another --dir")
            return port
    return DEMO_PORT if _port_free(DEMO_PORT) else free_port()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    """A port free on 127.0.0.1 now (aiosmtpd cannot bind port 0 and report it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(outbox: Path, refuse: set[str] | None = None):
    """aiosmtpd on 127.0.0.1 that saves every message it receives as an .eml file in `outbox`; it answers 550 to
    each address in `refuse` (a set the caller may change meanwhile; a dict gives each address its reply, "452 ...").
    `.envelopes`: each message's recipients."""
    from aiosmtpd.controller import Controller

    outbox.mkdir(parents=True, exist_ok=True)
    refuse = refuse if refuse is not None else set()
    envelopes: list[list[str]] = []

    class SaveToFolder:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's)
            if address in refuse:
                return refuse[address] if isinstance(refuse, dict) else f"550 5.1.1 <{address}>: mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            name = f"{utcnow():%Y%m%d-%H%M%S}-{len(list(outbox.glob('*.eml'))) + 1:03d}.eml"
            (outbox / name).write_bytes(envelope.original_content or envelope.content)
            envelopes.append(list(envelope.rcpt_tos))
            return "250 Message accepted for delivery"

    controller = Controller(SaveToFolder(), hostname="127.0.0.1", port=free_port())
    controller.envelopes = envelopes
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def _search_line(cfg, store) -> str:
    """Complaints on page one per configured engine and query, judged as the report judges them."""
    from repscan.core import rules
    from repscan.core.search import configured, movement

    lines = []
    searches = configured(cfg.search.engines, cfg.client(CLIENT_ID).queries)
    for (engine, query), rows in store.search_snapshot(CLIENT_ID, searches=searches).items():
        own = min((r["rank"] for r in rows if r["category"] == "own"), default=None)
        complaints = [r for r in movement([], rows)
                      if rules.on_page_one(r["rank"]) and rules.complaint(r["category"], r["negative"])]
        above = [r for r in complaints if r["above_own"]]
        lines.append(f"“{query}” on {engine}: {len(complaints)} complaint(s) on page one"
                     + (f", {len(above)} above your own site (#{own})" if above else ""))
    return "; ".join(lines) or "no search results"


def deliver_alerts(cfg, outbox: Path) -> tuple[list[Path], list[str]]:
    """The alerts due after the crawl (new complaints, a spike), sent as `repscan run` sends them, through the
    demo's SMTP server into `outbox`: the new .eml files, and an error line per client whose alerts failed."""
    from repscan.core.store import Store
    from repscan.reports import alerts, mail

    before = set(outbox.glob("*.eml"))
    store = Store(cfg.database)
    try:
        now = utcnow()
        alerts.collect(cfg, store, now)
        results = alerts.deliver(cfg, store, now, mail.smtp_settings_from_env())
    finally:
        store.close()
    return sorted(set(outbox.glob("*.eml")) - before), [f"{r.client_id}: {r.error}" for r in results if r.error]


def report_data(cfg, store, language: str | None = None):
    """The ReportData of the demo's last report, rebuilt from its recorded period (what its PDF shows); in
    `language` when given (else the client's)."""
    from repscan.core.items import parse_iso
    from repscan.reports import queries

    last = store.reports(CLIENT_ID)[-1]
    client = cfg.client(CLIENT_ID)
    if language:
        client = client.model_copy(update={"language": language})
    return queries.build(cfg, client, store, since=last["period_start"], until=parse_iso(last["period_end"]))


def run_demo(folder: Path) -> int:
    from repscan.core import config as config_mod
    from repscan.core.competitors import is_competitor
    from repscan.app.demo.server import LocalSite
    from repscan.core.store import Store
    from repscan.core.store.crawls import FAILED
    from repscan.reports.deliver import send_reports
    from repscan.reports.render import render_pdf
    from repscan.reports.scoreboard import headline_figures
    from repscan.spiders.run import jobs_for, run

    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    route, host = route_for(utcnow())
    port = _demo_port(folder / "repscan.toml")
    outbox = folder / "mail"
    with LocalSite(route, port=port) as site, smtp_server(outbox) as smtp:
        host["url"] = site.url
        config_path = folder / "repscan.toml"
        config_path.write_text(demo_config(site.url), encoding="utf-8")
        cfg = config_mod.load(config_path)
        print(f"demo: serving made-up review pages at {site.url}, SMTP at 127.0.0.1:{smtp.port}")
        print(f"demo: config {config_path}")
        rows = run(cfg, jobs_for(cfg), log_level="WARNING")
        os.environ["REPSCAN_SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        alert_emails, alert_errors = deliver_alerts(cfg, outbox)
        before = set(outbox.glob("*.eml"))
        results = send_reports(cfg, cfg.clients)
        emails = sorted(set(outbox.glob("*.eml")) - before)
    store = Store(cfg.database)
    try:
        data = report_data(cfg, store)
        search_line = _search_line(cfg, store)
        ukrainian = render_pdf(report_data(cfg, store, UKRAINIAN), folder / f"report-{UKRAINIAN}.pdf")
    finally:
        store.close()
    new = sum(r["new_items"] for r in rows)
    print()
    for r in rows:
        rival = f"  (competitor {cfg.subject(r['client_id']).name})" if is_competitor(r["client_id"]) else ""
        print(f"  crawl {r['source']:<11} {r['status']:<8} {r['items']:>3} items, {r['new_items']:>3} new, "
              f"{r['requests']} requests{rival}{'  ' + r['error'] if r['error'] else ''}")
    print(f"demo: search: {search_line}")
    result = results[0]
    total, open_items = data.summary.reviews_total, len(data.actions)
    if new:
        print(f"demo: {new} items found for the first time (imported history included); "
              f"{total} reviews in the database; "
              f"{data.summary.unanswered_negatives} negative reviews need a reply")
    else:
        print(f"demo: nothing new since the last run ({total} reviews already in the database)")
    print(f"demo: {open_items} open items need a reply now; the report's figures:")
    for figure in headline_figures(data):
        print(f"demo:   {figure.label}: {figure.value}")
    for spike in data.summary.spikes:
        print(f"demo: spike: {spike}")
    print(f"demo: report {result.pdf}")
    print(f"demo: report in Ukrainian (language = \"{UKRAINIAN}\") {ukrainian}")
    print(f"demo: email  {emails[-1] if emails else '(none sent: ' + result.detail + ')'}")
    print(f"demo: alert  {alert_emails[-1] if alert_emails else '(none new since the last run)'}")
    failed = result.failed or bool(alert_errors) or any(r["status"] in FAILED for r in rows)
    if result.failed:
        print(f"demo: sending failed: {result.detail}", file=sys.stderr)
    for error in alert_errors:
        print(f"demo: alerting failed: {error}", file=sys.stderr)
    return 1 if failed else 0
