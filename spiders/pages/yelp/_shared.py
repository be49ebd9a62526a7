"""What Yelp's layouts share: user and business ids in links, the JSON scripts, texts, dates and stars in markup."""

from __future__ import annotations

import html
import re

from ..common import jsondata, values

USER = re.compile(r"[?&]userid=([^&#]+)")
BIZ = re.compile(r"/biz/([^/?#]+)")
DATE = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$"            # 3/1/2018, 1.3.2018
                  r"|^[^\W\d]{3,10}\.? \d{1,2}, \d{4}$"          # Mar 1, 2018
                  r"|^\d{1,2}\.? [^\W\d]{3,10}\.? \d{4}$")       # 1 mars 2018
_STARS = re.compile(r"(\d(?:[.,]\d)?)\s+star rating", re.IGNORECASE)
_LITERAL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def json_scripts(response) -> list:
    """Every inline JSON script's value (HTML-comment wrapped or entity-escaped ones too)."""
    found = []
    for raw in response.xpath("//script[contains(@type, 'json') and not(@src)]/text()").getall():
        text = raw.strip()
        if text.startswith("<!--") and text.endswith("-->"):
            text = text[4:-3]
        data = jsondata.loads(text)
        if data is None and "&quot;" in text:
            data = jsondata.loads(html.unescape(text))
        if data is not None:
            found.append(data)
    return found


def canonical(response) -> str | None:
    try:
        return (response.css('link[rel="canonical"]::attr(href)').get()
                or response.css('meta[property="og:url"]::attr(content)').get())
    except AttributeError:
        return None


def string(value) -> str | None:
    """A stripped string from a scalar; None for nothing, blanks, booleans, dicts and lists."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


def markup_text(node) -> str | None:
    """Visible text; Yelp sometimes prints its own <br> as text, which becomes a line break too."""
    text = _LITERAL_BREAK.sub("\n", values.element_text(getattr(node, "root", node)))
    return "\n".join(line.strip() for line in text.split("\n")).strip() or None


def lang_text(block) -> str | None:
    """The review's text: the first element with a lang attribute."""
    node = block.xpath(".//*[@lang]")
    return markup_text(node[0]) if node else None


def first_date(block, skip=None) -> str | None:
    """The first date printed in a block, outside `skip` (the owner's reply)."""
    excluded = set(skip.root.iter()) if skip is not None else set()
    for el in block.root.iter():
        if not isinstance(el.tag, str) or el in excluded:
            continue
        text = " ".join(((el.text or "") + "".join(child.tail or "" for child in el)).split())
        if DATE.match(text):
            return text
        found = re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", text)
        if found:
            return found.group(0)
    return None


def stars(label) -> int | float | None:
    """The rating in an "N star rating" label."""
    match = _STARS.search(label or "")
    return values.number(match.group(1)) if match else None
