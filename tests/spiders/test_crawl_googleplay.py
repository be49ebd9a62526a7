"""A real crawl of Google Play over HTTP: the reviews RPC as form POSTs paged by token, and the details summary."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

APP = "com.example.harbourlane"


class Play:
    def __init__(self):
        self.forms: list[dict] = []
        self.site = LocalSite(self.route)
        handler, play = self.site.server.RequestHandlerClass, self

        def do_post(request):
            body = request.rfile.read(int(request.headers.get("Content-Length") or 0)).decode()
            play.forms.append(parse_qs(body))
            play.site._serve(request)

        handler.do_POST = do_post

    def route(self, path, query):
        if path == "/store/apps/details" and query.get("id") == [APP]:
            return Reply(body=(FIXTURES / "googleplay/details-page.html").read_bytes())
        if path == "/_/PlayStoreUi/data/batchexecute" and query.get("id") == [APP]:
            name = "batch-page-2-chunked-last.txt" if query.get("token") else "batch-page-1.txt"
            return Reply(body=(FIXTURES / "googleplay" / name).read_bytes(),
                         content_type="application/json; charset=utf-8")
        return None


@pytest.fixture
def play():
    play = Play()
    with play.site:
        yield play


def test_rpc_pages_by_token_and_the_details_summary(tmp_path, play):
    config = write_config(tmp_path, [("googleplay", f"{play.site.url}/store/apps/details?id={APP}&hl=en_GB")])
    result = run_cli("--config", str(config), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr
    rpc = [hit for hit in play.site.hits if hit.startswith("/_/")]
    assert rpc == [f"/_/PlayStoreUi/data/batchexecute?rpcids=oCPfdb&hl=en_GB&id={APP}",
                   f"/_/PlayStoreUi/data/batchexecute?rpcids=oCPfdb&hl=en_GB&id={APP}&token=CpEXAMPLETOKENnewest2"]
    inner = [json.loads(json.loads(form["f.req"][0])[0][0][1]) for form in play.forms]
    assert [request[1][2] for request in inner] == [[100], [100, None, "CpEXAMPLETOKENnewest2"]]
    assert f"/store/apps/details?id={APP}&hl=en_GB" in play.site.hits
    store = Store(tmp_path / "repscan.db")
    try:
        crawl = store.crawls()[-1]
        reviews = {r["source_id"]: r for r in store.db.query("SELECT * FROM reviews")}
        business = list(store.db.query("SELECT name, rating, review_count FROM businesses"))
    finally:
        store.close()
    assert (crawl["status"], crawl["new_items"], crawl["pages"]) == ("ok", 6, 3)
    assert len(reviews) == 6  # 3 newest from the RPC + 3 shown first on the details page
    assert reviews["gp:AOqpTOExampleNewest0002"]["reply_at"] == "2025-11-02T14:50:00Z"
    assert business == [{"name": "Harbour Lane Bakery", "rating": 4.1666665, "review_count": 1204}]
