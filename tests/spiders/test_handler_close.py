"""The download handler's close on a loaded machine: the pool closing in the same reactor turn as the give-up
timer must not log Twisted's AlreadyCalledError (CRITICAL in an operator's log) as Scrapy's own close does."""

import subprocess
import sys
import textwrap

import pytest

# A pool that closes at 10 ms, a give-up timer at 20 ms, and the reactor blocked for 100 ms before either fires:
# both are due in one turn, the race a loaded machine runs into at random.
RACE = textwrap.dedent("""
    import asyncio, sys, time
    from scrapy.utils.reactor import install_reactor
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import defer, reactor
    from twisted.python import log

    class Pool:
        def closeCachedConnections(self):
            closed = defer.Deferred()
            reactor.callLater(0.01, closed.callback, None)
            return closed

    async def close(which):
        if which == "ours":
            from repscan.spiders.politeness import close_pool
            await close_pool(Pool(), 0.02)
        else:
            from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
            handler = HTTP11DownloadHandler.__new__(HTTP11DownloadHandler)
            handler._pool, handler._disconnect_timeout = Pool(), 0.02
            await handler.close()

    def start():
        reactor.callLater(0.001, time.sleep, 0.1)
        done = defer.Deferred.fromFuture(asyncio.ensure_future(close(sys.argv[1])))
        done.addBoth(lambda result: (print("closed", result), reactor.callLater(0.05, reactor.stop)))

    log.startLogging(sys.stderr)
    reactor.callWhenRunning(start)
    reactor.run()
""")


def close_in_race(which: str) -> str:
    run = subprocess.run([sys.executable, "-c", RACE, which], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "closed None" in run.stderr + run.stdout
    return run.stderr


@pytest.mark.parametrize("which, logs_error", [("ours", False), ("scrapy", True)])
def test_close_race(which, logs_error):
    """Ours closes quietly; Scrapy's own close shows the race is real here (when Scrapy fixes it, the second case
    fails and `close_pool` can go)."""
    assert ("AlreadyCalledError" in close_in_race(which)) is logs_error
