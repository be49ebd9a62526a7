"""A stand-in for the five reply APIs on 127.0.0.1: checks each request as the platform documents it, records it,
and answers success or the refusals a test scripts (401, 429 with Retry-After, 5xx), each in its platform's shape."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


TRADED = "ya29.traded-access-token"  # what the token endpoint gives for a refresh token


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("ascii"), keep_blank_values=True).items()}


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, data, **headers) -> Answer:
    return Answer(status, json.dumps(data).encode(), {"Content-Type": "application/json", **headers})


# Each platform's documented error body for a status (the test picks the status; the platform decides the shape).
ERRORS = {
    "google-business": lambda status, said: {"error": {"code": status, "message": said, "status": "UNAUTHENTICATED"}},
    "facebook": lambda status, said: {"error": {"message": said, "type": "OAuthException", "code": 190,
                                                "fbtrace_id": "Afake"}},
    "x": lambda status, said: {"title": "Unauthorized", "type": "about:blank", "status": status, "detail": said},
    "trustpilot": lambda status, said: {"fault": {"faultstring": said, "detail": {"errorcode": "invalid"}}},
    "reddit": lambda status, said: {"message": said, "error": status},
}


def _google(request: Recorded) -> Answer:
    if request.method != "PUT" or not isinstance(request.json().get("comment"), str):
        return _json(400, ERRORS["google-business"](400, "Invalid JSON payload"))
    return _json(200, {"comment": request.json()["comment"], "updateTime": "2026-12-04T23:59:00Z"})


def _facebook(request: Recorded) -> Answer:
    form = request.form()
    if request.method != "POST" or not form.get("message"):
        return _json(400, ERRORS["facebook"](400, "(#100) Missing message or attachment"))
    object_id = request.path.split("/")[2]
    return _json(200, {"id": f"{object_id.split('_')[0]}_5550001"})


def _x(request: Recorded) -> Answer:
    data = request.json()
    if request.method != "POST" or not data.get("text") or not (data.get("reply") or {}).get("in_reply_to_tweet_id"):
        return _json(400, ERRORS["x"](400, "Invalid Request: one or more parameters is invalid"))
    return _json(201, {"data": {"id": "1999000000000000001", "text": data["text"], "edit_history_tweet_ids": []}})


def _trustpilot(request: Recorded) -> Answer:
    data = request.json()
    if request.method != "POST" or not data.get("message") or not data.get("authorBusinessUserId"):
        return _json(400, ERRORS["trustpilot"](400, "message and authorBusinessUserId are required"))
    return Answer(201)


def _reddit(request: Recorded) -> Answer:
    form = request.form()
    if request.method != "POST" or form.get("api_type") != "json" or not form.get("text") \
            or not re.fullmatch(r"t[13]_[0-9a-z]+", form.get("thing_id", "")):
        return _json(200, {"json": {"errors": [["NO_TEXT", "we need something here", "text"]]}})
    return _json(200, {"json": {"errors": [], "data": {"things": [
        {"kind": "t1", "data": {"id": "k0new1", "name": "t1_k0new1", "parent_id": form["thing_id"]}}]}}})


ROUTES = [  # (path as documented, the platform's errors, what a valid request is answered)
    (re.compile(r"/v4/accounts/[^/]+/locations/[^/]+/reviews/[^/]+/reply"), "google-business", _google),
    (re.compile(r"/v\d+\.\d+/\d+(?:_\d+)?/comments"), "facebook", _facebook),
    (re.compile(r"/2/tweets"), "x", _x),
    (re.compile(r"/v1/private/reviews/[0-9a-f]{24}/reply"), "trustpilot", _trustpilot),
    (re.compile(r"/api/comment"), "reddit", _reddit),
]


class StandIn:
    """The server: `script` holds answers to give before the documented success, as (status, headers) pairs;
    `requests` what it was sent."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self.script: list[tuple[int, dict[str, str]]] = []
        self.lookups: list[Recorded] = []  # GETs of a review before a reply that would replace its reply
        self.replied: dict[str, dict] = {}  # a review's name (Google) or id (Trustpilot) -> the reply it shows
        self.echo_token = False  # a refusal that quotes the Authorization header back
        self.token_refused = False  # the token endpoint refuses the refresh token
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Recorded(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                if self.command == "GET":
                    stand_in.lookups.append(request)
                    answer = stand_in.review(request)
                else:
                    stand_in.requests.append(request)
                    answer = stand_in.answer(request)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_PUT = do_POST = do_GET = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: Recorded) -> Answer:
        if request.path == "/token":  # Google's OAuth token endpoint, as the loopback API's (see token_uri)
            return self._token(request)
        for path, platform, valid in ROUTES:
            if path.fullmatch(request.path):
                break
        else:
            return Answer(404, b"no such endpoint")
        if not (request.headers.get("Authorization") or "").lower().startswith("bearer "):
            return _json(401, ERRORS[platform](401, "no bearer token"))
        if self.script:
            status, headers = self.script.pop(0)
            said = f"refused, {request.headers['Authorization']}" if self.echo_token else "refused"
            return _json(status, ERRORS[platform](status, said), **headers)
        return valid(request)

    def review(self, request: Recorded) -> Answer:
        """Google's accounts.locations.reviews.get or Trustpilot's private review: the review, with the reply a test
        put there (`replied`, by the review's name or id)."""
        google = re.fullmatch(r"/v4/(accounts/[^/]+/locations/[^/]+/reviews/([^/]+))", request.path)
        trustpilot = re.fullmatch(r"/v1/private/reviews/([0-9a-f]{24})", request.path)
        if not (google or trustpilot):
            return Answer(404, b"no such endpoint")
        platform = "google-business" if google else "trustpilot"
        if not (request.headers.get("Authorization") or "").lower().startswith("bearer "):
            return _json(401, ERRORS[platform](401, "no bearer token"))
        if google:
            review = {"name": google.group(1), "reviewId": google.group(2), "starRating": "ONE", "comment": "Cold soup."}
            key, field = google.group(1), "reviewReply"
        else:
            review = {"id": trustpilot.group(1), "stars": 1, "text": "Cold soup.", "companyReply": None}
            key, field = trustpilot.group(1), "companyReply"
        if key in self.replied:
            review[field] = self.replied[key]
        return _json(200, review)

    def _token(self, request: Recorded) -> Answer:
        form = request.form()
        if self.token_refused or form.get("grant_type") != "refresh_token" or not form.get("refresh_token"):
            return _json(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        return _json(200, {"access_token": TRADED, "expires_in": 3599, "token_type": "Bearer",
                           "scope": "https://www.googleapis.com/auth/business.manage"})

    def reset(self, *script: tuple[int, dict[str, str]], echo_token: bool = False, token_refused: bool = False):
        self.requests.clear()
        self.lookups.clear()
        self.replied.clear()
        self.script = list(script)
        self.echo_token = echo_token
        self.token_refused = token_refused


@pytest.fixture(scope="module")
def stand_in():
    server = StandIn()
    thread = threading.Thread(target=server.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
