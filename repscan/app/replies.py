"""`repscan replies`: list, show, edit in $EDITOR, approve and post the reply drafts, every step in the reply log."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import webbrowser
from pathlib import Path

from repscan.app import posting
from repscan.app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from repscan.core import rules
from repscan.core.config import Config
from repscan.core.credentials import Environment, posting_names, shared_posting, shared_problem
from repscan.core.secrets import redact
from repscan.core.items import utcnow
from repscan.core.replies.drafts import length, limit
from repscan.core.replies.pending import draft_open
from repscan.core.store import Store
from repscan.core.store.replies import STATUSES, outcome_unknown

_TABLES = {"review": "reviews", "post": "posts"}


class ReplyError(Exception):
    """A reply the command cannot act on (unknown id, wrong status, too long for its channel): exit 1."""


class OtherClients(ReplyError):
    """A reply named under --client that is another client's: a usage error, exit 2."""


def actor(name: str | None) -> str:
    """Who approves or posts: --as NAME, else the login name."""
    return name or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def run(config: Config, action: str, ids: list[int], *, client_id: str | None = None, status: str | None = None,
        everything: bool = False, name: str | None = None, dry_run: bool = False, retry_unknown: bool = False,
        pasted: bool = False, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    store = Store(config.database)
    try:
        if action == "list":
            return list_replies(config, store, client_id, status, everything, out, err)
        if action == "post":
            return post(config, store, ids, client_id=client_id, who=actor(name), dry_run=dry_run,
                        retry_unknown=retry_unknown, out=out, err=err)
        if not ids:
            raise ReplyError(f"replies {action}: name the reply id(s) (see `repscan replies list`)")
        rows = [_row(store, reply_id, client_id) for reply_id in ids]  # every one is the client's, or nothing is done
        for row in rows:
            if action == "show":
                show(store, row, out)
            elif action == "edit":
                edit(store, row, actor(name), out)
            elif action == "done":
                row = store.mark_pasted(row["id"], actor=actor(name), approved_too=pasted)
                out.write(f"{_label(row)}: posted by hand, as {actor(name)} says\n")
            else:
                row = store.approve_reply(row["id"], actor=actor(name))
                out.write(f"{_label(row)}: approved by {row['approved_by']}\n")
        return EXIT_OK
    except (ReplyError, ValueError, KeyError) as exc:
        err.write(f"repscan replies: {exc.args[0] if isinstance(exc, KeyError) else exc}\n")
        return EXIT_USAGE if isinstance(exc, OtherClients) else EXIT_FAILURE
    finally:
        store.close()


def _row(store: Store, reply_id: int, client_id: str | None = None) -> dict:
    """The reply, which must be `client_id`'s when one is named (--client)."""
    row = store.reply(reply_id)
    if row is None:
        raise ReplyError(f"no reply {reply_id}")
    if client_id and row["client_id"] != client_id:
        raise OtherClients(f"reply {reply_id} is client {row['client_id']}'s, not {client_id}'s: nothing done")
    return row


def _label(row: dict) -> str:
    """How a reply is named in what the command prints: its id, client and the item it answers."""
    return f"reply {row['id']} ({row['client_id']}, {row['source']}:{row['source_id']})"


def _state(row: dict) -> str:
    return "unknown" if outcome_unknown(row) else row["status"]


def list_replies(config: Config, store: Store, client_id: str | None, status: str | None, everything: bool,
                 out, err) -> int:
    """Draft what is open and has no draft, then one line a reply: id, client, state, where, language/situation, text."""
    clients = [config.client(client_id)] if client_id else config.clients
    failed = False
    for client in clients:
        for error in draft_open(config, client, store, utcnow()).errors:
            err.write(f"repscan replies: {client.id}: {error}\n")
            failed = True
    shown = (status,) if status else STATUSES if everything else ("draft", "approved", "handed", "failed")
    everyone = [client.id for client in config.clients]
    for client in clients:
        for row in store.replies(client.id, shown):
            text = " ".join(row["text"].split())
            sharers = store.sharers(row, everyone)
            shared = f" [shared with {', '.join(sharers)}: answer it once]" if sharers else ""
            out.write(f"{row['id']:>5}  {row['client_id']:<14} {_state(row):<9} {row['source']:<16}"
                      f" {row['language']}/{row['situation']:<14} {text[:70]}{'…' if len(text) > 70 else ''}"
                      f"{shared}\n")
    return EXIT_FAILURE if failed else EXIT_OK


def show(store: Store, row: dict, out) -> None:
    """One reply in full: what it answers, its text and length against the channel's limit, its log."""
    item = _item(store, row)
    out.write(f"reply {row['id']} · {row['client_id']} · {_state(row)} · {row['language']}/{row['situation']}\n"
              f"answers the {row['kind']} {row['source']}:{row['source_id']} {row['url'] or ''}\n")
    if item.get("text"):
        out.write(f"  they wrote: {' '.join(item['text'].split())}\n")
    out.write(f"\n{row['text']}\n\n({length(row['text'], row['source'])} of {limit(row['source'])} characters"
              f" as {row['source']} counts them)\n")
    if row["last_error"]:
        out.write(f"last error: {row['last_error']}\n")
    if outcome_unknown(row):
        out.write(f"unknown — check the page: a post was attempted and its outcome never recorded {row['url'] or ''}\n")
    for entry in store.reply_log(row["id"]):
        out.write(f"  {entry['at']}  {entry['event']:<12} {entry['actor'] or ''}"
                  f"{'  ' + entry['detail'] if entry['detail'] else ''}\n")


def edit(store: Store, row: dict, who: str, out) -> None:
    """The text in $VISUAL or $EDITOR; saved back as a draft (to approve again) if it changed and fits its channel."""
    reply_id = row["id"]
    if row["status"] == "posted":
        raise ReplyError(f"reply {reply_id} is posted: it cannot be edited")
    editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"reply-{reply_id}.txt"
        path.write_text(row["text"] + "\n", encoding="utf-8")
        if subprocess.run([*editor, str(path)]).returncode != 0:
            raise ReplyError(f"the editor ({editor[0]}) failed: reply {reply_id} unchanged")
        text = path.read_text(encoding="utf-8").strip()
    if not text or text == row["text"]:
        out.write(f"reply {reply_id} unchanged\n")
        return
    most = limit(row["source"])
    if length(text, row["source"]) > most:
        raise ReplyError(f"reply {reply_id} unchanged: the new text has {length(text, row['source'])} characters "
                         f"as {row['source']} counts them, it allows {most}")
    try:
        store.edit_reply(reply_id, text, actor=who)
    except sqlite3.IntegrityError:  # the unique (item, text) index: one reply a text
        raise ReplyError(f"reply {reply_id} unchanged: the {row['kind']} already has a reply with this text"
                         " (`repscan replies list --all`)") from None
    out.write(f"reply {reply_id} edited by {who}: a draft again, approve it to post\n")


def _item(store: Store, row: dict) -> dict:
    found = store.query(f"SELECT * FROM {_TABLES[row['kind']]} WHERE client_id = ? AND source = ? AND source_id = ?",
                        [row["client_id"], row["source"], row["source_id"]])
    return found[0] if found else {}


def post(config: Config, store: Store, ids: list[int], *, client_id: str | None, who: str, dry_run: bool,
         retry_unknown: bool, out, err) -> int:
    """Post approved replies (the named ones, which may also be failed ones; else every approved one). The attempt
    is logged before anything is sent, so a rerun never sends a reply twice: one already posted is skipped, and
    one whose last attempt has no outcome is reported "unknown — check the page" unless --retry-unknown."""
    if ids:
        rows = [_row(store, reply_id, client_id) for reply_id in ids]
    else:
        clients = [config.client(client_id).id] if client_id else [c.id for c in config.clients]
        rows = [row for cid in clients for row in store.replies(cid, ("approved",))]
    failed = False
    for row in rows:
        label = _label(row)
        if row["status"] == "posted":
            out.write(f"{label}: already posted {row['posted_at']}, not sent again\n")
            continue
        if row["status"] == "handed":
            out.write(f"{label}: given to a person to paste on {row['url'] or 'the page'}; once it is there,"
                      f" `repscan replies done {row['id']}`\n")
            continue
        if row["status"] not in ("approved", "failed"):
            err.write(f"{label}: {row['status']}: approve it first (`repscan replies approve {row['id']}`)\n")
            failed = True
            continue
        item = _item(store, row)
        if item and rules.replied(item.get("reply_text"), item.get("reply_at")):
            out.write(f"{label}: the {row['kind']} has a reply on the site since this was approved: not sent"
                      f" (it stays approved; `repscan replies show {row['id']}`)\n")
            continue
        if outcome_unknown(row) and not retry_unknown:
            err.write(f"{label}: unknown — check the page: a post was attempted and its outcome never recorded;"
                      f" if the reply is not there, rerun with --retry-unknown. {row['url'] or ''}\n")
            failed = True
            continue
        failed |= not _post_one(config, store, row, label, who, dry_run, retry_unknown, out, err)
    return EXIT_FAILURE if failed else EXIT_OK


def environment(config: Config, store: Store, row: dict) -> Environment:
    """The process's environment as the source that stored the replied item reads it: its own renames
    (credentials = {REPSCAN_X_USER_TOKEN = "ACME_X_USER_TOKEN"}), else those of the API source it is answered
    through (credentials.posting_names). ReplyError when no source can be told, or when a variable it would post
    with is set and read by another client's source too (one account would answer for both)."""
    client = config.client(row["client_id"])
    source = _stored_by(client, store, row)
    names = posting_names(client, source)
    everyone = [account for _place, account in config.accounts()]  # those left out for a bad line too
    shared = shared_posting(everyone)
    for default, variable in names.items():
        if variable in shared and (os.environ.get(variable) or "").strip():  # unset: no account, handed to a person
            others = list(dict.fromkeys(everyone[c].id for c, _s, _default in shared[variable]))
            why = "".join(f"; client {other} is left out of this run for its config ({problem})"
                          for other in others for problem in config.problems_of(other)[:1])
            raise ReplyError(f"not sent: {shared_problem(default, variable, others)}{why}")
    return Environment(os.environ, {**source.credentials, **names})


def _stored_by(client, store: Store, row: dict):
    """The client's source whose crawl first stored the replied item (its site and URL), else its only source of
    that site (or several that post alike); ReplyError when it has none, or several posting as different accounts."""
    item = _item(store, row)
    crawl = store.crawls_by_id([item.get("first_crawl_id")])
    if crawl:
        found = [s for s in client.sources if s.site == crawl[0]["source"] and redact(s.url) == crawl[0]["url"]]
        if found:
            return found[0]
    candidates = [s for s in client.sources if s.site == row["source"]]
    if not candidates:
        raise ReplyError(f"client {client.id} has no {row['source']} source any more: no account to post as")
    if len({tuple(sorted(posting_names(client, s).items())) for s in candidates}) > 1:
        raise ReplyError(f"client {client.id} has {len(candidates)} {row['source']} sources posting as different "
                         f"accounts, and which one found this {row['kind']} is not recorded: not sent")
    return candidates[0]


def _post_one(config: Config, store: Store, row: dict, label: str, who: str, dry_run: bool, retry_unknown: bool,
              out, err) -> bool:
    target = posting.Target(client_id=row["client_id"], source=row["source"], source_id=row["source_id"],
                            url=row["url"], item=_item(store, row))
    poster = posting.poster_for(row["source"])
    try:
        environ = environment(config, store, row)
    except ReplyError as exc:  # nothing attempted: it stays approved (or failed), to post once the config is fixed
        err.write(f"{label}: {exc}\n")
        return False
    if dry_run:
        try:
            if poster is None:
                raise posting.NoApi(f"no API for {row['source']}")
            out.write(f"{label}: would send\n{posting.dry_run(poster, target, row['text'], environ)}\n")
        except posting.NoApi as exc:
            out.write(f"{label}: {exc}; would open {row['url'] or 'the page'} to paste:\n{row['text']}\n")
        return True
    try:  # the row as it is now: another process may have edited it since this one read the list
        row = store.begin_attempt(row["id"], actor=who, detail="API" if poster else "by hand",
                                  retry_unknown=retry_unknown)
    except ValueError as exc:  # posted, or attempted, by another process since this one read it
        err.write(f"{label}: {exc}\n")
        return False
    try:
        if poster is None:
            raise posting.NoApi(f"no API for {row['source']}")
        posted = posting.send(poster, target, row["text"], environ)
    except posting.NoApi as exc:
        by_hand(row, out)
        store.mark_handed(row["id"], f"{exc}: page and text given to {who} to paste", actor=who)
        out.write(f"{label}: not posted by repscan ({exc}); once it is on the page, `repscan replies done {row['id']}`"
                  " (or the next crawl that sees it marks it)\n")
        return True
    except (posting.PostFailed, posting.AlreadyAnswered) as exc:
        store.mark_failed(row["id"], str(exc), actor=who)
        err.write(f"{label}: failed: {exc}\n")
        return False
    except posting.OutcomeUnknown as exc:  # the platform took it and never said: left unknown, never resent blindly
        store.log_event(row["id"], "post_attempt", who, f"outcome unknown: {exc}")
        err.write(f"{label}: unknown — check the page: {exc} {row['url'] or ''}\n")
        return False
    except Exception as exc:  # noqa: BLE001 (sent or not, nobody knows: left unknown, never resent blindly)
        store.log_event(row["id"], "post_attempt", who, f"outcome unknown: {type(exc).__name__}: {exc}")
        err.write(f"{label}: unknown — check the page: {type(exc).__name__}: {exc} {row['url'] or ''}\n")
        return False
    store.mark_posted(row["id"], platform_reply_id=posted.reply_id, answer=posted.answer, actor=who)
    out.write(f"{label}: posted ({posted.answer})\n")
    return True


CLIPBOARDS = (("wl-copy",), ("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input"), ("pbcopy",))


def by_hand(row: dict, out) -> None:
    """No API: the page to answer on and the text to paste. When a person is watching (a terminal), the text is
    also copied to the clipboard where a clipboard tool is installed, and the page opens in a browser."""
    out.write(f"reply {row['id']}: no API to post through; paste this reply on {row['url'] or 'the page'}:\n"
              f"{row['text']}\n")
    if not out.isatty():
        return
    tool = next((command for command in CLIPBOARDS if shutil.which(command[0])), None)
    if tool:
        subprocess.run(tool, input=row["text"], text=True, check=False, timeout=10)
    if row["url"]:
        webbrowser.open(row["url"])
