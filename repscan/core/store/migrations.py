"""The schema as sqlite-utils migrations: names and order are fixed (databases record them); add new ones at the end."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("repscan")


@migrations()
def m001_initial(db: Database) -> None:
    db["reviews"].create(
        {
            "client_id": str, "source": str, "source_id": str, "url": str, "business_url": str,
            "author": str, "rating": float, "rating_max": float, "title": str, "text": str,
            "language": str, "published_at": str, "published_approx": int, "updated_at": str,
            "reply_text": str, "reply_at": str, "sentiment": float, "negative": int,
            "negative_since": str, "first_seen_at": str, "last_seen_at": str, "removed_at": str,
            "first_crawl_id": int, "last_crawl_id": int,
        },
        pk=("client_id", "source", "source_id"),
    )
    db["reviews"].create_index(["client_id", "first_seen_at"])
    db["reviews"].create_index(["client_id", "negative_since"])
    db["review_versions"].create(
        {
            "id": int, "client_id": str, "source": str, "source_id": str, "seen_at": str,
            "crawl_id": int, "changed": str, "rating": float, "title": str, "text": str,
            "reply_text": str, "reply_at": str,
        },
        pk="id",
    )
    db["review_versions"].create_index(["client_id", "source", "source_id"])
    db["posts"].create(
        {
            "client_id": str, "source": str, "source_id": str, "url": str, "parent_url": str,
            "author": str, "title": str, "text": str, "language": str, "published_at": str,
            "score": float, "comments_count": int, "sentiment": float, "negative": int,
            "negative_since": str, "first_seen_at": str, "last_seen_at": str,
            "first_crawl_id": int, "last_crawl_id": int,
        },
        pk=("client_id", "source", "source_id"),
    )
    db["posts"].create_index(["client_id", "first_seen_at"])
    db["search_results"].create(
        {
            "id": int, "client_id": str, "crawl_id": int, "engine": str, "query": str,
            "rank": int, "url": str, "displayed_url": str, "title": str, "snippet": str,
            "category": str, "sentiment": float, "negative": int, "seen_at": str,
        },
        pk="id",
    )
    db["search_results"].create_index(["client_id", "engine", "query", "seen_at"])
    db["businesses"].create(
        {
            "id": int, "client_id": str, "crawl_id": int, "source": str, "url": str,
            "name": str, "rating": float, "review_count": int, "seen_at": str,
        },
        pk="id",
    )
    db["crawls"].create(
        {
            "id": int, "client_id": str, "source": str, "spider": str, "url": str,
            "started_at": str, "finished_at": str, "status": str, "items": int,
            "new_items": int, "requests": int, "pages": int, "full": int, "error": str,
        },
        pk="id",
    )
    db["crawls"].create_index(["client_id", "source", "started_at"])
    db["reports"].create(
        {
            "id": int, "client_id": str, "period_start": str, "period_end": str,
            "created_at": str, "pdf_path": str, "status": str, "sent_at": str,
            "recipients": str, "message_id": str, "new_reviews": int, "new_negatives": int,
            "error": str,
        },
        pk="id",
    )
    db["reports"].create_index(["client_id", "status"])


@migrations()
def m002_schedule_state(db: Database) -> None:
    db["schedule_state"].create(
        {"client_id": str, "job": str, "last_slot": str, "last_run_at": str, "last_status": str},
        pk=("client_id", "job"),
    )


@migrations()
def m003_alerts(db: Database) -> None:
    db["alerts"].create(
        {
            "id": int, "client_id": str, "kind": str, "item_key": str, "created_at": str, "due_at": str,
            "sent_at": str, "channels": str, "error": str, "source": str, "title": str, "text": str,
            "url": str, "rating": float, "rating_max": float, "detail": str,
        },
        pk="id",
    )
    db["alerts"].create_index(["client_id", "kind", "item_key"], unique=True)
    db["alerts"].create_index(["sent_at", "due_at"])


@migrations()
def m004_node_jobs(db: Database) -> None:
    """Crawls run as Scrapyd jobs (repscan/nodes.py) and feeds merged by `repscan ingest`: which job
    fed which crawls row, and how many of its feed's lines are already in, so a feed is merged once."""
    db["node_jobs"].create(
        {
            "job_id": str, "node": str, "project": str, "client_id": str, "source": str, "url": str,
            "spider": str, "crawl_id": int, "status": str, "scheduled_at": str, "finished_at": str,
            "lines": int, "items": int, "new_items": int, "complete": int, "feed": str, "error": str,
        },
        pk="job_id",
    )
    db["node_jobs"].create_index(["status"])
    db["node_jobs"].create_index(["client_id", "source", "url"])


@migrations()
def m005_time_precision(db: Database) -> None:
    """Each time's precision (exact, day, approximate; repscan.core.items.precision). Rows stored before
    it: approximate when published_approx says so; a time at midnight UTC to the second is taken as a
    calendar day (what day-only sites were stored as), any other time as exact."""
    columns = {"reviews": ("published", "updated", "reply"), "posts": ("published",)}
    for table, names in columns.items():
        for name in names:
            db[table].add_column(f"{name}_precision", str)
            approx = "WHEN published_approx THEN 'approximate' " if table == "reviews" and name == "published" else ""
            db.execute(f"UPDATE {table} SET {name}_precision = CASE {approx}"
                       f"WHEN {name}_at LIKE '%T00:00:00Z' THEN 'day' ELSE 'exact' END WHERE {name}_at IS NOT NULL")


@migrations()
def m006_deliveries(db: Database) -> None:
    """Per channel (email, each Apprise URL, a folder): which alert or report it accepted, so a channel that
    failed or was not set up is retried alone and the others never send twice."""
    db["deliveries"].create(
        {"kind": str, "ref_id": int, "channel": str, "attempted_at": str, "sent_at": str, "error": str},
        pk=("kind", "ref_id", "channel"),
    )


@migrations()
def m007_alert_category(db: Database) -> None:
    """A search alert's result category: "a complaint" or "a negative news result" on page one."""
    db["alerts"].add_column("category", str)


@migrations()
def m008_crawl_lookups(db: Database) -> None:
    """Indexes for the crawls a run reads, so no crawl process reads the table's history: a source URL's
    latest crawl of each status (its health, and whether to catch up), and the crawls still running."""
    db["crawls"].create_index(["client_id", "source", "url", "status"])
    db.execute("CREATE INDEX idx_crawls_running ON crawls(id) WHERE status = 'running'")


@migrations()
def m009_first_versions_in_the_review_row(db: Database) -> None:
    """A review's first version is stored in review_versions only once the review changes (until then its row
    is that version; Store.versions reads it from there): drop the first-sighting rows of reviews that never
    changed. Reviews that did keep their whole history, first version included."""
    db.execute("DELETE FROM review_versions WHERE changed = 'new' AND NOT EXISTS (SELECT 1 FROM review_versions o"
               " WHERE o.client_id = review_versions.client_id AND o.source = review_versions.source"
               " AND o.source_id = review_versions.source_id AND o.id != review_versions.id)")


@migrations()
def m010_replies(db: Database) -> None:
    """Reply drafts and their posting (repscan.core.store.replies): one row a reply, unique by the item and the
    text's hash so the same reply is never posted twice; reply_log says who did what to it, and when."""
    db["replies"].create(
        {
            "id": int, "client_id": str, "source": str, "source_id": str, "kind": str, "url": str,
            "language": str, "situation": str, "text": str, "text_hash": str, "status": str, "created_at": str,
            "approved_by": str, "approved_at": str, "posted_at": str, "platform_reply_id": str,
            "platform_answer": str, "attempts": int, "last_error": str,
        },
        pk="id", defaults={"attempts": 0}, not_null={"client_id", "source", "source_id", "text", "status"},
    )
    db["replies"].create_index(["client_id", "source", "source_id", "text_hash"], unique=True)
    db["replies"].create_index(["client_id", "status"])
    db["reply_log"].create(
        {"id": int, "reply_id": int, "at": str, "event": str, "actor": str, "detail": str},
        pk="id", foreign_keys=[("reply_id", "replies", "id")],
    )
    db["reply_log"].create_index(["reply_id", "id"])


@migrations()
def m011_judge(db: Database) -> None:
    """Which judge decided a row's `negative` at crawl time: "stars", "model" or "word lists" (classify.classify);
    null for rows stored before, and for text too empty to judge."""
    for table in ("reviews", "posts", "search_results"):
        db[table].add_column("judge", str)


@migrations()
def m012_author_review_count(db: Database) -> None:
    """How many reviews the reviewer's account has on the site, where the page shows it (rules.suspicious)."""
    db["reviews"].add_column("author_review_count", int)


@migrations()
def m013_evidence(db: Database) -> None:
    """The evidence record (repscan.core.store.evidence): for each negative review or post and each page-one
    complaint, a gzip copy of the page it was found on, its hash and where it lies under reports_dir; one row
    when first seen and one more each time the item's words change (text_sha256)."""
    db["evidence"].create(
        {
            "id": int, "client_id": str, "kind": str, "source": str, "source_id": str, "query": str,
            "first_seen_at": str, "fetched_at": str, "url": str, "status": int, "crawl_id": int,
            "sha256": str, "path": str, "size": int, "text_sha256": str,
        },
        pk="id",
    )
    db["evidence"].create_index(["client_id", "source", "source_id", "id"])


@migrations()
def m018_evidence_note(db: Database) -> None:
    """An evidence row may record that no copy of the page exists, and why (`note`): an item ingested from a
    feed that carried no page. Such a row has no sha256, path or size."""
    db["evidence"].add_column("note", str)


@migrations()
def m019_business_lookup(db: Database) -> None:
    """A source's last stored summary is one index probe: a crawl stores a summary only when it differs from that
    one (Items._save_businesses), and the report reads the latest per source (Summaries.business_summaries)."""
    db["businesses"].create_index(["client_id", "source"])


@migrations()
def m021_report_letter(db: Database) -> None:
    """The report email as rendered beside its PDF (subject, text and HTML bodies): a resend of a pending report
    sends exactly what was rendered with the PDF, never a letter built from later data."""
    for column in ("mail_subject", "mail_text", "mail_html"):
        db["reports"].add_column(column, str)


@migrations()
def m022_site_replies(db: Database) -> None:
    """Whether a site shows business replies (rules.reply_not_shown: some review of it has one) is one index probe,
    not a walk over every review of a site that shows none."""
    db.execute("CREATE INDEX idx_reviews_site_replies ON reviews(source)"
               " WHERE reply_text IS NOT NULL OR reply_at IS NOT NULL")


@migrations()
def m023_refused_recipients(db: Database) -> None:
    """A delivery's permanent refusals (5xx) so far, and when it was given up after rules.REFUSED_TIMES of them:
    an address the server refuses for good is no longer retried every run."""
    db["deliveries"].add_column("refusals", int, not_null_default=0)
    db["deliveries"].add_column("given_up_at", str)


@migrations()
def m024_spike_facts(db: Database) -> None:
    """A spike alert's facts (count, what, span, usual rate: JSON, reports.spikes), so its words are rendered in the
    reader's language when read; rows from before keep their title and detail, words of the day they were made."""
    db["alerts"].add_column("facts", str)


@migrations()
def m025_evidence_pages(db: Database) -> None:
    """Evidence copies in the store (repscan.core.store.evidence): each page once, by its sha256, zstd-compressed,
    written in the transaction of the rows naming it. Rows from before keep their files under reports_dir (`path`);
    a row with a sha256 and no path names a page here."""
    db.execute("CREATE TABLE evidence_pages (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, body BLOB NOT NULL)")


@migrations()
def m026_watch_reads(db: Database) -> None:
    """How many stored reviews waiting for a reply a crawl read on to (rules.watched; 0: none), and the index that
    finds a source's last crawl that did: rules.watch_due allows one such read a REPLY_RECHECK."""
    db["crawls"].add_column("watched", int, not_null_default=0)
    db.execute("CREATE INDEX idx_crawls_watch ON crawls(client_id, source, url, started_at) WHERE watched > 0")


@migrations()
def m027_ingest_evidence_problems(db: Database) -> None:
    """The evidence a job's ingest could not keep so far (JSON list of reasons), saved with each batch: a job ingested
    in more than one go (a partial feed first, or an ingest killed half-way) still ends as the crawl's error.

    Main named it m028_ingest_evidence_problems for minutes on 5 Dec 2026 (cbfa1eb..6cc7975): a database upgraded
    then records that name and already has the column."""
    if "evidence_problems" not in db["node_jobs"].columns_dict:
        db["node_jobs"].add_column("evidence_problems", str)


@migrations()
def m028_report_figures(db: Database) -> None:
    """A report's headline figures as it sent them (JSON: reports.queries.sent_figures) and the start its period
    label named: the next report's "(was …)" figures and their period, whatever the rules say of that period since.
    Rows from before keep new_reviews and new_negatives; their other figures are computed again."""
    db["reports"].add_column("figures", str)
