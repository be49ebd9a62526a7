"""Drafting every open complaint of a client that has no reply yet: its open negative reviews and recent negative mentions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from repscan.core.config import Client, Config
from repscan.core.items import stamp
from repscan.core.mentions import in_a_thread, written_by
from repscan.core.replies.drafts import Policy, draft
from repscan.core.rules import HISTORY_WINDOW

DRAFTER = "repscan"  # the reply log's actor for drafts made by repscan


@dataclass
class Drafted:
    added: list[int] = field(default_factory=list)  # new reply ids
    errors: list[str] = field(default_factory=list)  # items no draft could be made for, and why


def policy(config: Config, client: Client) -> Policy:
    """The client's reply policy, its template folder resolved against the config file's."""
    settings = client.replies
    folder = config.resolve(settings.templates) if settings.templates else None
    return Policy(business=client.name, contact=settings.contact, refunds=settings.refunds, templates=folder,
                  names=tuple(client.names))


def draft_open(config: Config, client: Client, store, now: datetime) -> Drafted:
    """A draft for each open negative review (any age) and each negative mention first seen within
    HISTORY_WINDOW that is answered under it (not the client's own post, not a news page), that has none; an item no template fits is an error with its reason, never skipped silently."""
    out, allowed = Drafted(), policy(config, client)
    for item in store.undrafted(client.id, threshold=client.negative_threshold, posts_since=stamp(now - HISTORY_WINDOW)):
        if item["kind"] == "post" and (written_by(item["author"], client.names)
                                       or not in_a_thread(item["source"], item["url"])):
            continue  # the client's own word, or a news page: nobody to answer under it
        try:
            made = draft(item["text"], title=item["title"], author=item["author"], stored_language=item["language"],
                         source=item["source"], policy=allowed)
        except Exception as exc:  # noqa: BLE001 (TooLong, an agency template missing a value or not UTF-8 ...): one
            # item's reason, never the end of the alerts or the report that asked for drafts
            out.errors.append(f"{item['source']}:{item['source_id']}: no draft: {type(exc).__name__}: {exc}")
            continue
        reply_id = store.add_draft({"client_id": client.id, "source": item["source"], "source_id": item["source_id"],
                                    "kind": item["kind"], "url": item["url"], "language": made.language,
                                    "situation": made.situation, "text": made.text}, actor=DRAFTER)
        if reply_id:
            out.added.append(reply_id)
    return out
