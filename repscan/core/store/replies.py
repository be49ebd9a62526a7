"""The replies table and its log: drafts, approval, each posting attempt and its outcome, and the crawl that confirms it."""

from __future__ import annotations

import hashlib

from repscan.core import rules
from repscan.core.store.connection import Connection, now
from repscan.core.store.reviews import OPEN_NEGATIVE, posted_at_sql  # noqa: F401 (posted_at_sql: the store's API)

STATUSES = ("draft", "approved", "handed", "posted", "failed")  # handed: no API, given to a person to paste
EVENTS = ("drafted", "edited", "approved", "post_attempt", "handed", "posted", "failed", "confirmed")
_LAST_EVENT = "(SELECT l.event FROM reply_log l WHERE l.reply_id = r.id ORDER BY l.id DESC LIMIT 1)"


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class Replies(Connection):
    def undrafted(self, client_id: str, *, threshold: float, posts_since: str) -> list[dict]:
        """What needs a draft: open negative reviews (rules.negative, not rules.replied) and negative posts
        first seen since `posts_since`, that have no reply row yet."""
        def none_yet(table: str) -> str:
            return (f"NOT EXISTS (SELECT 1 FROM replies r WHERE r.client_id = {table}.client_id"
                    f" AND r.source = {table}.source AND r.source_id = {table}.source_id)")

        reviews = self.query(f"SELECT 'review' AS kind, * FROM reviews WHERE client_id = ? AND {none_yet('reviews')}"
                             f" AND {OPEN_NEGATIVE}", [client_id, threshold])
        posts = self.query(
            f"SELECT 'post' AS kind, * FROM posts WHERE client_id = ? AND {none_yet('posts')}"
            f" AND {rules.negative_sql(rating='NULL', rating_max='NULL')} AND first_seen_at >= ?",
            [client_id, threshold, posts_since])
        return reviews + posts

    def add_draft(self, row: dict, *, actor: str) -> int | None:
        """Store a draft (client_id, source, source_id, kind, url, language, situation, text) and log it;
        None when the item already has this very text."""
        with self.transaction():
            cursor = self._db["replies"].insert(
                {**row, "text_hash": text_hash(row["text"]), "status": "draft", "created_at": now(), "attempts": 0},
                ignore=True)
            if not cursor.last_rowid or self._one("SELECT changes() AS n")["n"] == 0:
                return None
            self.log_event(cursor.last_rowid, "drafted", actor, f"{row['language']}/{row['situation']}")
            return cursor.last_rowid

    def reply(self, reply_id: int) -> dict | None:
        return self._one(f"SELECT r.*, {_LAST_EVENT} AS last_event FROM replies r WHERE r.id = ?", [reply_id])

    def replies(self, client_id: str | None = None, statuses: tuple[str, ...] = STATUSES) -> list[dict]:
        where, params = [f"r.status IN ({', '.join('?' * len(statuses))})"], list(statuses)
        if client_id:
            where.append("r.client_id = ?")
            params.append(client_id)
        return self.query(f"SELECT r.*, {_LAST_EVENT} AS last_event FROM replies r WHERE {' AND '.join(where)}"
                          " ORDER BY r.client_id, r.id", params)

    def replies_by_item(self, client_id: str) -> dict[tuple[str, str], dict]:
        """Each item's current reply (the latest that has not failed, else the latest), by (source, source_id)."""
        out: dict[tuple[str, str], dict] = {}
        for row in self.replies(client_id):
            key = (row["source"], row["source_id"])
            if key not in out or row["status"] != "failed" or out[key]["status"] == "failed":
                out[key] = row
        return out

    def log_event(self, reply_id: int, event: str, actor: str | None, detail: str | None = None) -> None:
        if event not in EVENTS:
            raise ValueError(f"reply log event must be one of {EVENTS}, got {event!r}")
        with self.transaction():
            self._db["reply_log"].insert({"reply_id": reply_id, "at": now(), "event": event, "actor": actor,
                                          "detail": detail})

    def reply_log(self, reply_id: int) -> list[dict]:
        return self.query("SELECT * FROM reply_log WHERE reply_id = ? ORDER BY id", [reply_id])

    def _set(self, reply_id: int, fields: dict, event: str, actor: str | None, detail: str | None = None,
             allowed: tuple[str, ...] = STATUSES) -> dict:
        """Change a reply and log why, in one transaction; ValueError when its status does not allow it."""
        with self.transaction():
            row = self.reply(reply_id)
            if row is None:
                raise KeyError(f"no reply {reply_id}")
            if row["status"] not in allowed:
                raise ValueError(f"reply {reply_id} is {row['status']}: it cannot be {event.replace('_', ' ')}")
            self._db["replies"].update(reply_id, fields)
            self.log_event(reply_id, event, actor, detail)
            return self.reply(reply_id)

    def edit_reply(self, reply_id: int, text: str, *, actor: str) -> dict:
        """New text for a draft, or for an approved, handed or failed reply, which then needs approving again; never
        while a post's outcome is unknown (the old text may be up)."""
        self._known(reply_id)
        return self._set(reply_id, {"text": text, "text_hash": text_hash(text), "status": "draft",
                                    "approved_by": None, "approved_at": None}, "edited", actor,
                         allowed=("draft", "approved", "handed", "failed"))

    def _known(self, reply_id: int) -> None:
        row = self.reply(reply_id)
        if row is not None and outcome_unknown(row):
            raise ValueError(f"reply {reply_id}: unknown — check the page first: if the reply is there, "
                             f"`repscan replies done {reply_id}`; if not, `repscan replies post {reply_id} --retry-unknown`")

    def approve_reply(self, reply_id: int, *, actor: str) -> dict:
        self._known(reply_id)
        return self._set(reply_id, {"status": "approved", "approved_by": actor, "approved_at": now()}, "approved",
                         actor, allowed=("draft",))

    def begin_attempt(self, reply_id: int, *, actor: str, detail: str | None = None, retry_unknown: bool = False) -> dict:
        """Recorded before anything is sent: a crash after it leaves the outcome unknown, never a second post. Taken
        under the write lock, so of two processes posting at once only one gets to send; never while another
        client's reply to the same item (a shared source) is posted or on its way (claimed_elsewhere)."""
        with self.transaction():
            row = self.reply(reply_id)
            if row is not None and outcome_unknown(row) and not retry_unknown:
                raise ValueError(f"reply {reply_id}: unknown — check the page: a post was attempted and its outcome"
                                 " never recorded (or another process is posting it now)")
            other = self.claimed_elsewhere(row) if row is not None else None
            if other is not None:
                raise ValueError(f"reply {reply_id}: not sent: the {row['kind']} is shared with client "
                                 f"{other['client_id']}, whose reply {other['id']} to it is {_claim(other)}; one "
                                 "business answers it once")
            return self._set(reply_id, {"attempts": (row["attempts"] or 0) + 1 if row else 1}, "post_attempt", actor,
                             detail, allowed=("approved", "failed"))

    def mark_posted(self, reply_id: int, *, platform_reply_id: str | None, answer: str, actor: str) -> dict:
        """The platform took it (or a person says they pasted a handed reply, or a crawl sees it): it counts as
        replied from now (rules.replied)."""
        return self._set(reply_id, {"status": "posted", "posted_at": now(), "platform_reply_id": platform_reply_id,
                                    "platform_answer": answer, "last_error": None}, "posted", actor, answer,
                         allowed=("approved", "handed", "failed"))

    def mark_pasted(self, reply_id: int, *, actor: str, approved_too: bool = False) -> dict:
        """A person says the reply is on the page: one handed to them, or one whose post's outcome is unknown (they
        looked); an approved or failed one repscan never handed out only with `approved_too` (they pasted it
        unasked). Anything else is a ValueError: a reply nobody pasted never counts as the business's reply."""
        with self.transaction():
            row = self.reply(reply_id)
            if row is None:
                raise KeyError(f"no reply {reply_id}")
            if not (row["status"] == "handed" or outcome_unknown(row)
                    or approved_too and row["status"] in ("approved", "failed")):
                unasked = " (if you pasted it unasked, say so with --pasted)" \
                    if row["status"] in ("approved", "failed") else ""
                raise ValueError(f"reply {reply_id} is {row['status']}, not handed to a person to paste: not marked "
                                 f"done{unasked}")
            return self.mark_posted(reply_id, platform_reply_id=None, answer="pasted by hand", actor=actor)

    def claimed_elsewhere(self, row: dict) -> dict | None:
        """Another client's reply to the same item (source, source_id: a review under two clients' shared sources)
        that is posted, handed to a person to paste, or whose attempt has no outcome yet (being posted)."""
        for other in self.query(f"SELECT r.*, {_LAST_EVENT} AS last_event FROM replies r WHERE r.client_id != ?"
                                " AND r.source = ? AND r.source_id = ? ORDER BY r.id",
                                [row["client_id"], row["source"], row["source_id"]]):
            if other["status"] in ("posted", "handed") or outcome_unknown(other):
                return other
        return None

    def sharers(self, row: dict, client_ids: list[str]) -> list[str]:
        """The other clients of `client_ids` that have the reply's item stored too (a shared source)."""
        table = "reviews" if row["kind"] == "review" else "posts"
        others = [client for client in client_ids if client != row["client_id"]]
        if not others:
            return []
        found = self.query(f"SELECT DISTINCT client_id FROM {table} WHERE source = ? AND source_id = ?"
                           f" AND client_id IN ({', '.join('?' * len(others))}) ORDER BY client_id",
                           [row["source"], row["source_id"], *others])
        return [item["client_id"] for item in found]

    def mark_handed(self, reply_id: int, reason: str, *, actor: str) -> dict:
        """No API took it: the page and text were given to a person. Not replied until they say it is done or a
        crawl sees the owner's reply."""
        return self._set(reply_id, {"status": "handed", "last_error": None}, "handed", actor, reason,
                         allowed=("approved", "failed"))

    def mark_failed(self, reply_id: int, error: str, *, actor: str) -> dict:
        return self._set(reply_id, {"status": "failed", "last_error": error}, "failed", actor, error,
                         allowed=("approved", "failed"))

    def confirm_replies(self, client_id: str, keys: list[tuple[str, str]]) -> int:
        """The crawl saw an owner reply on these items: log `confirmed` on each reply repscan posted (or handed to
        a person, which is then posted) there."""
        count = 0
        for source, source_id in keys:
            for row in self.query(
                    "SELECT r.id, r.status FROM replies r WHERE r.client_id = ? AND r.source = ? AND r.source_id = ?"
                    " AND r.status IN ('posted', 'handed') AND NOT EXISTS (SELECT 1 FROM reply_log l"
                    " WHERE l.reply_id = r.id AND l.event = 'confirmed')", [client_id, source, source_id]):
                if row["status"] == "handed":
                    self.mark_posted(row["id"], platform_reply_id=None, answer="seen on the site", actor="crawl")
                self.log_event(row["id"], "confirmed", "crawl", "the reply is visible on the site")
                count += 1
        return count


def _claim(row: dict) -> str:
    if row["status"] == "posted":
        return f"posted {row['posted_at']}"
    if row["status"] == "handed":
        return "handed to a person to paste"
    return "being posted (or its outcome unknown)"


def outcome_unknown(row: dict) -> bool:
    """A post was attempted and nothing was recorded after it (the process died): check the page, never resend blindly."""
    return row["status"] in ("approved", "failed") and row.get("last_event") == "post_attempt"
