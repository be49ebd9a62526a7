"""One spider per source site of the table that needs no spider of its own: SourceSpider under the site's key."""

from __future__ import annotations

from repscan.core import sites
from repscan.spiders.base import SourceSpider


def _class_name(key: str) -> str:
    return "".join(part.title() for part in key.split("-")) + "Spider"


for _site in sites.TABLE:
    if _site.kind == "source" and _site.spider is None:
        globals()[_class_name(_site.key)] = type(_class_name(_site.key), (SourceSpider,), {
            "name": _site.key, "__module__": __name__,
            "__doc__": f"{_site.label}: the generic source spider (its page module reads the pages)."})
