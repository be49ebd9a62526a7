"""Each platform's answer read: what counts as posted, what is final, what is worth one more try."""

from __future__ import annotations

import json

import pytest

from repscan.app.posting import OutcomeUnknown, PostFailed, poster_for


def _body(data) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize("source, status, body, retryable, said", [
    ("facebook-graph", 400, _body({"error": {"message": "(#4) Application request limit reached", "code": 4}}),
     True, "(#4) Application request limit reached"),
    ("facebook-graph", 400, _body({"error": {"message": "(#100) Invalid parameter", "code": 100}}),
     False, "(#100) Invalid parameter"),
    ("facebook-graph", 200, _body({"error": {"message": "Please retry your request later.", "code": 2}}),
     True, "Please retry"),
    ("reddit", 200, _body({"json": {"errors": [["RATELIMIT", "Take a break for 3 minutes", "ratelimit"]]}}),
     True, "RATELIMIT: Take a break for 3 minutes"),
    ("reddit", 200, _body({"json": {"errors": [["THREAD_LOCKED", "that thread is locked", "parent"]]}}),
     False, "THREAD_LOCKED"),
    ("twitter", 403, _body({"title": "Forbidden", "detail": "You are not allowed to create a duplicate Tweet.",
                            "type": "about:blank", "status": 403}), False, "duplicate Tweet"),
    ("twitter", 429, _body({"errors": [{"code": 88, "message": "Rate limit exceeded"}]}), True, "Rate limit exceeded"),
    ("google-business", 403, _body({"error": {"code": 403, "message": "The caller does not have permission",
                                              "status": "PERMISSION_DENIED"}}), False, "does not have permission"),
    ("trustpilot", 502, b"<html>Bad gateway</html>", True, "502 Bad Gateway"),
    ("trustpilot", 302, b"", False, "302 Found"),
])
def test_a_refusal_says_why_and_whether_to_try_again(source, status, body, retryable, said):
    with pytest.raises(PostFailed) as failed:
        poster_for(source).posted(status, body)
    assert failed.value.retryable is retryable and said in str(failed.value)


@pytest.mark.parametrize("source, status, body", [
    ("facebook-graph", 200, _body({"success": True})),
    ("twitter", 201, b""),
    ("reddit", 200, _body({"json": {"errors": [], "data": []}})),
    ("google-business", 200, b"{}"),
])
def test_a_success_without_what_the_platform_documents_is_final_the_reply_may_be_up(source, status, body):
    with pytest.raises(OutcomeUnknown, match="the reply may be up, look at the page before posting again"):
        poster_for(source).posted(status, body)
    assert not issubclass(OutcomeUnknown, PostFailed), "a caller that retries failures never resends it"
