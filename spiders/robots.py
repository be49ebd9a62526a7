"""robots.txt read in the encoding its bytes declare (a UTF-16 file with `Disallow: /` was read as empty)."""

from __future__ import annotations

import codecs

from protego import Protego
from scrapy.robotstxt import ProtegoRobotParser

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(body: bytes) -> str:
    """The file's text: by its byte-order mark, UTF-16 told by its zero bytes, else UTF-8 (bad bytes dropped)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="ignore")
    head = body[:200]
    if head and head.count(b"\0") * 3 >= len(head):  # ASCII as UTF-16 without a mark: every other byte is 0
        return body.decode("utf-16-le" if head[1:2] == b"\0" else "utf-16-be", errors="ignore")
    return body.decode("utf-8", errors="ignore")


class RobotParser(ProtegoRobotParser):
    """Scrapy's Protego parser with `decode` in front."""

    def __init__(self, robotstxt_body: bytes, spider):
        self.spider = spider
        self.rp = Protego.parse(decode(robotstxt_body))
