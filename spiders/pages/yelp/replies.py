"""Owner replies on a Yelp page: how many its review markup shows, and those the embedded feed lacks read from it."""

from __future__ import annotations

from . import legacy_markup, markup

# Apart from what either reader takes a reply's text from: the legacy .biz-owner-reply box and its "Comment from <owner>
# of <business>" header; the 2022 "Business owner information" region (id businessOwner-…) and its "Business Owner" label.
_MARK = ("contains(@class, 'owner-reply') or starts-with(@id, 'businessOwner')"
         " or starts-with(@aria-labelledby, 'businessOwner')"
         " or text()[starts-with(normalize-space(), 'Comment from ') and contains(., ' of ') and string-length() < 120"
         " or normalize-space() = 'Business owner information' or normalize-space() = 'Business Owner']")


def shown(response) -> int:
    """The review blocks (legacy data-review-id blocks, else the 2022 ones) that hold an owner's reply."""
    if not response.xpath(f"//*[{_MARK}]"):
        return 0
    legacy = response.xpath("//*[@data-review-id][not(ancestor::*[@data-review-id])]")
    return sum(1 for block in legacy or markup.blocks(response) if block.xpath(f".//*[{_MARK}]"))


def fill(records: list[dict], response, shown: int) -> None:
    """Give a feed record without a reply the reply the markup shows under the same reviewer's review (a renamed
    feed key), when the markup shows more (`shown`) than the feed has: matched by user id (and business, on a user's
    page), else by author and stars when that is unique."""
    if shown <= sum(1 for record in records if record.get("reply_text")):
        return
    answered = [found for found in legacy_markup.records(response) or markup.records(response) if found["reply_text"]]
    for record in records:
        if record.get("reply_text"):
            continue
        same = [found for found in answered if _same_review(record, found)]
        if len(same) == 1:
            record["reply_text"], record["reply_date"] = same[0]["reply_text"], same[0]["reply_date"]


def _same_review(record: dict, found: dict) -> bool:
    if record.get("alias") and found.get("alias") and record["alias"] != found["alias"]:
        return False
    if record.get("user_id") and found.get("user_id"):
        return record["user_id"] == found["user_id"]
    return bool(record.get("author")) and (record.get("author"), record.get("rating")) == (found["author"], found["rating"])
