"""A Datasette plugin (`repscan browse` loads it): requests must name this machine in their Host header.

Datasette listens on 127.0.0.1, but a web page elsewhere can point a hostname of its own at 127.0.0.1
(DNS rebinding) and read the database through the user's browser. Such requests carry that hostname."""

from datasette import hookimpl

ALLOWED = {"127.0.0.1", "localhost", "[::1]"}


def host_name(header: str) -> str:
    """The host part of a Host header value: "127.0.0.1:8001" -> "127.0.0.1", "[::1]:8001" -> "[::1]"."""
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0].lower()


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope["type"] == "http":
                header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
                if host_name(header) not in ALLOWED:
                    await send({"type": "http.response.start", "status": 403,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body", "body": b"repscan browse answers only to localhost\n"})
                    return
            await app(scope, receive, send)
        return checked
    return wrap
