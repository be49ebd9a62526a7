

@pytest.mark.drill
def test_a_real_yelp_page_is_kept_once_for_its_negative_reviews(tmp_path):
    """A real 2022 Yelp business page (10 reviews, two of them 1-star): two rows, one copy, the body as served."""
    body = real_page("yelp", "biz-aaron-gordon-construction-sf-2022.html").decode("utf-8")
    path = "/biz/aaron-gordon-construction-san-francisco-4"
    with Site(Scenario(id="real-yelp", site="yelp", source=path, serve=[Serve(path, text=body)], first=None)) as local:
        run = crawl(tmp_path, local)
    assert run.result.returncode == 0 and run.crawl["status"] == "ok", run.result.stderr[-3000:]
    negative = {r["source_id"] for r in run.reviews if r["rating"] <= 2}
    assert len(run.reviews) == 10 and len(negative) == 2
    store = Store(tmp_path / "repscan.db")
    try:
        rows = store.evidence("acme")
    finally:
        store.close()
    assert {row["source_id"] for row in rows} == negative and len({row["path"] for row in rows}) == 1
    assert gzip.decompress((tmp_path / "out" / rows[0]["path"]).read_bytes()) == body.encode("utf-8")
