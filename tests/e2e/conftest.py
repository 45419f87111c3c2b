"""Browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Request, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log lines (they would drown a failure's output); errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None  # deliberately silent


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The test app over real HTTP on a free loopback port (a thread of this process); yields its origin.

    It shares the session's app and so the test database; each request gets its own app context.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run. Missing Chromium fails the tests, never skips them."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium ontbreekt ({CHROMIUM}); de browsertests kunnen niet draaien. "
            "Installeer het met 'make chromium' of 'apt-get install -y chromium'.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def requests_made() -> list[str]:
    """The URL of every request the test's pages made, in order."""
    return []


@pytest.fixture
def page(browser: Browser, live_server: str, requests_made: list[str]) -> Iterator[Page]:
    """A page in a fresh context (its own cookies); relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    context.set_default_timeout(10_000)

    def record(request: Request) -> None:
        requests_made.append(request.url)

    context.on("request", record)
    try:
        yield context.new_page()
    finally:
        context.close()
