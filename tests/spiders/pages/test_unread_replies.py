"""Sites whose replies come from the review cards, JSON-LD giving the rest: with the cards gone (their markup
renamed), the reviews still come from JSON-LD and the page says their replies were not read (NotReadable with
the items), never a page of unanswered reviews; Trustpilot, Tripadvisor and BBB have cases of their own."""

from __future__ import annotations

import pytest

from helpers import case
from repscan.spiders.pages import NotReadable, get

RENAMED = {
    "sitejabber/page-1": {'class="review"': 'class="opinion"'},
    "yellowpages/page-1": {"<article": "<div", "</article>": "</div>"},
}


@pytest.mark.parametrize("name", RENAMED)
def test_json_ld_reviews_without_their_cards_say_their_replies_were_not_read(name):
    saved = case(name)
    assert any(item.get("reply_text") for item in saved.expected)  # the cards show a reply
    body = saved.body.decode("utf-8")
    for old, new in RENAMED[name].items():
        assert old in body
        body = body.replace(old, new)
    reviews = [item for item in saved.expected if item["kind"] == "review"]
    with pytest.raises(NotReadable, match=rf"^replies: {saved.site}: .* gives {len(reviews)} of its {len(reviews)} "
                                          "reviews only as JSON-LD") as caught:
        get(saved.site).extract(saved.response(body=body))
    got = [item for item in caught.value.items if item["kind"] == "review"]
    assert len(got) == len(reviews) and not any(item["reply_text"] for item in got)
