"""Reply drafts end to end: a crawl through the real pipeline, drafts in the report's action list and the alert
(escaped), then `repscan replies` edit, approve and post by hand, once (tests/core/test_store_replies.py: the
next crawl confirming it)."""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
from datetime import timedelta

import pytest
from scenario_site import ClientWeb, review

from helpers import run_cli
from repscan.app import cli
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import iso_utc, utcnow
from repscan.core.store import Store
from repscan.reports import alerts, mail
from repscan.app.demo.site import Review

CLIENT = "hlb-internal-7"
# In lower case: a capitalised word past a sentence's first is taken for a name, and that sentence is never quoted.
HOSTILE = "<script>alert(1)</script> the cake was late by two days"


def crawl(config) -> None:
    result = run_cli("--config", str(config), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]


def repscan(capsys, config, *args) -> tuple[int, str, str]:
    """The command line in this process (no crawl: nothing that needs a fresh reactor)."""
    capsys.readouterr()
    code = cli.main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replies")
    now = utcnow().replace(microsecond=0)
    reviews = [
        Review(id="late-1", author="Maren Holt", rating=1, title="Birthday order", text=HOSTILE + ".",
               published=iso_utc(now - timedelta(hours=3))),
        Review(id="rude-1", author="Jonas Berg", rating=2, title="Nie wieder",
               text="Die Verkäuferin war sehr unfreundlich zu meiner Mutter.", language="de-DE",  # as sites tag it
               published=iso_utc(now - timedelta(hours=5))),
        review("fine-1", 5, 8, now),
    ]
    with ClientWeb(reviews, mentions=False, search=False) as web:
        config = web.config(folder)
        config.write_text(config.read_text(encoding="utf-8") + '\n[clients.replies]\ncontact = "01632 960 123"\n',
                          encoding="utf-8")
        crawl(config)
        yield web, config, folder


def squash(text: str) -> str:
    return "".join(text.split())


def ids(config) -> dict[str, int]:
    store = Store(load(config).database)
    try:
        return {row["source_id"]: row["id"] for row in store.replies(CLIENT)}
    finally:
        store.close()


def test_drafts_reach_the_report_and_the_alert_escaped(scene, capsys):
    web, config, folder = scene
    code, out, err = repscan(capsys, config, "replies", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2 and not any("fine-1" in line for line in lines)  # the 5-star review needs no reply
    assert any("en/late_delivery" in line for line in lines) and any("de/rude_staff" in line for line in lines)
    store = Store(load(config).database)
    try:  # the site's "de-DE" is stored as the item contract keeps a language: its primary subtag
        assert list(store.query("SELECT language FROM reviews WHERE source_id = 'rude-1'")) == [{"language": "de"}]
    finally:
        store.close()

    code, out, err = repscan(capsys, config, "report", "--client", CLIENT, "--out", str(folder / "r.html"), "--html")
    html = (folder / "r.html").read_text(encoding="utf-8")
    assert code == 0 and "<script>alert" not in html
    assert "Draft reply, to approve" in html and "&lt;script&gt;alert(1)&lt;/script&gt; the cake was late" in html
    assert "Es tut uns leid: „Die Verkäuferin war sehr unfreundlich zu meiner Mutter“" in html

    code, out, err = repscan(capsys, config, "report", "--client", CLIENT, "--out", str(folder / "r.pdf"))
    text = squash(subprocess.run(["pdftotext", str(folder / "r.pdf"), "-"], capture_output=True, text=True,
                                 check=True).stdout)  # lines break anywhere, "</" + "script>" too
    assert squash(f"(no. {ids(config)['late-1']}):") in text and "repscanreplies" not in text
    assert squash("We are sorry about “<script>alert(1)</script> the cake was late by two days”.") in text
    assert squash("Please contact us at 01632 960 123 so we can put this right.") in text

    cfg = load(config)
    store = Store(cfg.database)
    try:
        with smtp_server(folder / "inbox") as smtp:
            assert alerts.collect(cfg, store, utcnow()) == 2
            [sent] = alerts.deliver(cfg, store, utcnow(), mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
        assert sent.sent == 2
    finally:
        store.close()
    [path] = (folder / "inbox").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body, page = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    assert f"Suggested reply (draft no. {ids(config)['late-1']}, posted once approved): Hi Maren" in body
    assert "repscan replies" not in body  # a command is for the agency, not the client
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; the cake was late" in page


def test_edit_approve_and_post_by_hand_exactly_once(scene, capsys, tmp_path, monkeypatch):
    web, config, folder = scene
    repscan(capsys, config, "replies", "list")
    late, rude = ids(config)["late-1"], ids(config)["rude-1"]

    code, out, err = repscan(capsys, config, "replies", "post", str(late))
    assert code == 1 and "approve it first" in err  # nothing is posted without an approval

    editor = tmp_path / "editor.py"
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text().strip() + ' See you soon.')\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    assert repscan(capsys, config, "replies", "edit", str(late), "--as", "Dana")[0] == 0
    code, out, err = repscan(capsys, config, "replies", "approve", str(late), str(rude), "--as", "Dana")
    assert code == 0 and out.count("approved by Dana") == 2

    code, out, err = repscan(capsys, config, "replies", "post", str(late), "--dry-run")
    assert code == 0 and "would open" in out and "See you soon." in out
    code, out, err = repscan(capsys, config, "replies", "show", str(late))
    assert "approved" in out and "post_attempt" not in out  # a dry run sends and records nothing

    store = Store(load(config).database)
    store.begin_attempt(rude, actor="Dana")  # a post that crashed after recording its attempt
    store.close()
    code, out, err = repscan(capsys, config, "replies", "post", "--as", "Dana")
    assert code == 1 and f"reply {rude} " in err and "unknown — check the page" in err  # not resent blindly
    assert f"paste this reply on {web.url}" in out and "See you soon." in out
    code, out, err = repscan(capsys, config, "replies", "edit", str(rude), "--as", "Dana")
    assert code == 1 and "unknown — check the page first" in err  # an edit would hide that the old text may be up
    code, out, err = repscan(capsys, config, "replies", "post", "--as", "Dana")
    assert "See you soon." not in out and "unknown — check the page" in err  # a handed one is never given again
    code, out, err = repscan(capsys, config, "replies", "post", "--retry-unknown", "--as", "Dana")
    assert code == 2 and "needs the reply ids" in err  # never every unknown reply at once
    code, out, err = repscan(capsys, config, "replies", "post", str(rude), "--retry-unknown", "--as", "Dana")
    assert code == 0 and f"reply {rude}: no API" in out and "Es tut uns leid" in out and "See you soon." not in out

    code, out, err = repscan(capsys, config, "report", "--client", CLIENT, "--out", str(folder / "handed.html"), "--html")
    handed = (folder / "handed.html").read_text(encoding="utf-8")
    assert handed.count("Reply to post by hand") == 2  # given to a person, not yet answered: still open

    code, out, err = repscan(capsys, config, "replies", "done", str(late), str(rude), "--as", "Dana")
    assert code == 0 and out.count("posted by hand") == 2
    code, out, err = repscan(capsys, config, "replies", "post", str(late), str(rude))
    assert code == 0 and out.count("already posted") == 2

    code, out, err = repscan(capsys, config, "replies", "show", str(late))
    events = [line.split()[1] for line in out.splitlines() if line.startswith("  20")]
    assert events == ["drafted", "edited", "approved", "post_attempt", "handed", "posted"]
    assert "Dana" in out and "posted" in out.splitlines()[0]

    code, out, err = repscan(capsys, config, "report", "--client", CLIENT, "--out", str(folder / "after.html"), "--html")
    assert "Draft reply" not in (folder / "after.html").read_text(encoding="utf-8")  # both count as answered

