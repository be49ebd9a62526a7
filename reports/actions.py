"""The action list that leads a report: what is open, ranked, each with its age, where to reply and a link."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from repscan.core import rules, sites
from repscan.core.i18n import _
from repscan.core.mentions import in_a_thread
from repscan.core.search import normalize_url
from repscan.core.sites import place
from repscan.reports.locations import label
from repscan.reports.model import PostRow, ReviewRow, SearchBlock, waited

KINDS = ("review", "mention", "complaint")  # the rank: unanswered negative reviews, negative mentions, complaints


@dataclass(frozen=True)
class Action:
    """One open item: an unanswered negative review, a negative mention or a complaint on page one."""

    kind: str  # one of KINDS
    platform: str  # where it is, as people write it ("Trustpilot", "Reddit", "Ripoff Report")
    since: datetime | None  # waiting since: published (else first seen); for a complaint, on page one since
    url: str | None
    title: str | None
    text: str | None
    author: str | None = None
    language: str | None = None
    stars: str | None = None
    rating_label: str | None = None
    detail: str | None = None  # e.g. "#1 for “Acme” on DuckDuckGo, above your own site"
    approx: bool = False
    reply: Mapping | None = None  # its reply draft (store.replies row): id, text, language, status
    thread: bool = True  # a mention where people answer under it (a forum, a social site), not a news or web page
    single_review: bool = False  # a review from a single-review account (rules.suspicious)
    location: str | None = None  # a chain's location it is about ("Kyiv, Khreshchatyk"); None without locations
    precision: str | None = None  # of `since`: "day" when the site dates it by calendar day only (no hours)
    not_shown: datetime | None = None  # a review's: when repscan posted a reply the site does not show
    replies_unread: bool = False  # a review's: last read on a page whose replies could not be read

    @property
    def at(self) -> str:
        """The platform, after the location for a chain: "Kyiv, Khreshchatyk — Google Maps"."""
        return label(self.location, self.platform)

    @property
    def reply_state(self) -> str | None:
        """What became of the draft, for the reader: what to do with it next."""
        if not self.reply:
            return None
        return {"draft": _("Draft reply, to approve"), "approved": _("Approved reply, not posted yet"),
                "handed": _("Reply to post by hand (no API)"), "posted": _("Reply posted from repscan"),
                "failed": _("Reply failed to post")}[self.reply["status"]]

    @property
    def where(self) -> str:
        """Where to reply: the same channel first, then offline."""
        if self.kind == "review":
            return _("Reply publicly on %(site)s, then take it offline (phone or email) to put it right",
                     site=self.platform)
        if self.kind == "mention" and self.thread:
            return _("Answer on %(site)s, in the same thread, then take it offline (phone or email) to put it right",
                     site=self.platform)
        if self.kind == "mention":
            return _("Read it on %(site)s: answer in its comments if it takes them, or write to its author or "
                     "editor; put right what it reports", site=self.platform)
        return _("Respond on %(site)s, then take it offline (phone or email) to put it right; strengthen your own "
                 "pages", site=self.platform)

    @property
    def heading(self) -> str:
        return {"review": _("Negative review"), "mention": _("Negative mention"),
                "complaint": _("Complaint on page one")}[self.kind]

    def waited(self, now: datetime, tz: str) -> str:
        """How long it has waited: "3 h"; in calendar days when `since` is a day ("2 days", "since today")."""
        return waited(self.since, self.precision, now, tz)


def review_action(r: ReviewRow, reply: Mapping | None = None, location: str | None = None) -> Action:
    return Action("review", place(r.source, r.url), r.published_at or r.first_seen_at, r.url, r.title, r.text,
                  r.author, r.language, r.stars, r.rating_label, approx=r.published_approx, reply=reply,
                  single_review=bool(r.suspicious), location=location, precision=r.since_precision,
                  not_shown=r.reply_not_shown, replies_unread=r.replies_unread)


def mention_action(p: PostRow, reply: Mapping | None = None, location: str | None = None) -> Action:
    if p.source == "feed":
        detail = _("a news or web page, from your alerts feed")
    elif p.parent_url:
        detail = _("a comment on %(site)s", site=sites.label(p.source))
    else:
        detail = _("a post on %(site)s", site=sites.label(p.source))
    thread = in_a_thread(p.source, p.url)
    return Action("mention", place(p.source, p.url), p.when, p.url, p.title, p.text, p.author, p.language,
                  detail=detail, reply=reply, thread=thread, location=location, precision=p.when_precision)


def complaint_actions(blocks: list[SearchBlock]) -> list[Action]:
    """One action a complaint page, however many engines and queries show it and however its URL is dressed
    (search.normalize_url: a trailing slash, tracking parameters), as the headline count and the alerts count it."""
    out: dict[str, Action] = {}
    for block in blocks:
        for r in block.complaints:
            if normalize_url(r.url) in out:
                continue
            where = _("#%(rank)d for “%(query)s” on %(engine)s", rank=r.rank, query=block.query,
                      engine=sites.label(block.engine))
            out[normalize_url(r.url)] = Action("complaint", place(None, r.url), r.visible_since, r.url, r.title, r.snippet,
                                detail=where + (_(", above your own site") if r.above_own else ""))
    return list(out.values())


def rank(actions: list[Action]) -> list[Action]:
    """By kind (reviews, mentions, complaints), then newest first: a fresh one can still get its answer
    within the hour, and the conversation under it is still live."""
    def key(a: Action):
        moment = a.since.timestamp() if a.since else float("-inf")
        return KINDS.index(a.kind), -moment
    return sorted(actions, key=key)


def action_list(unanswered: list[ReviewRow], posts: list[PostRow], blocks: list[SearchBlock],
                replies: Mapping[tuple[str, str], Mapping] | None = None,
                locate: Callable[[str, str | None], str | None] | None = None) -> list[Action]:
    """Everything open: every unanswered negative review (any age), the open negative mentions (rules.mention_open), the
    complaints on page one of the latest searches (rules.negative, rules.replied, rules.complaint); each
    review and mention with its reply draft from `replies` (store.replies_by_item), where it has one, and its
    location from `locate(source, source_id)` (locations.Locator.name) for a chain."""
    replies, locate = replies or {}, locate or (lambda source, source_id: None)
    reviews = [review_action(r, replies.get((r.source, r.source_id)), locate(r.source, r.source_id))
               for r in unanswered if r.negative and not r.replied]
    mentions = [mention_action(p, replies.get((p.source, p.source_id)), locate(p.source, p.source_id)) for p in posts
                if rules.negative(None, None, text_negative=p.negative)]
    return rank(reviews + mentions + complaint_actions(blocks))
