"""Browser tests: a real server on a fresh database, driven by headless Chromium.

Chromium is Debian's package (/usr/bin/chromium), driven by Playwright without
downloading a browser. Without Chromium these tests are skipped on a
developer's machine and fail in CI (CI=true), where .ci/run installs it.
"""
import email
import os
import re
import shutil
import threading
from email import policy
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.databases import fresh_database, upgrade_to_head

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path():
    return os.environ.get("OVOTE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class LiveServer:
    def __init__(self, app, mail_dir):
        self.app = app
        self.mail_dir = Path(mail_dir)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def mails_to(self, address):
        found = []
        for path in sorted(self.mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == address:
                found.append(message)
        return found

    def link_in_last_mail(self, address, path):
        messages = self.mails_to(address)
        assert messages, f"no mail to {address}"
        match = re.search(rf"https?://[^\s]+{path}[^\s]*", messages[-1].get_body(("plain",)).get_content())
        assert match, messages[-1].get_body(("plain",)).get_content()
        return self.url + "/" + match.group(0).split("/", 3)[3]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    app = make_app(fresh_database("e2e", folder), MAIL_BACKEND="file",
                   MAIL_DIR=str(folder / "mail"), UPLOAD_DIR=str(folder / "uploads"),
                   SERVER_NAME=None, RATELIMIT_ENABLED=False)
    upgrade_to_head(app)
    server = LiveServer(app, folder / "mail")
    server.thread.start()
    yield server
    server.server.shutdown()
    from ovote.extensions import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (make browser)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A phone-sized page (360 px wide) in a fresh browser context."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(30000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# -- accessibility: axe-core (npm, installed by `make install` in frontend/) on every page checked --
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE_RESULTS = []  # (url, width, rules run, violations) of every check in this run


def check_accessibility(page, name):
    """Run axe-core's WCAG 2.2 A/AA rules on the page as it is now and fail on any
    violation; in CI (or with OVOTE_SCREENSHOTS) keep a full-page screenshot too.

    The script is evaluated through the browser's debugging protocol, not added as a
    <script>: the site's Content-Security-Policy rightly refuses inline script."""
    assert AXE.exists(), "axe-core is missing: run make install"
    # A click that navigates may return before the new page has loaded: check that page.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    width = page.viewport_size["width"]
    rules = len(result["passes"]) + len(result["violations"]) + len(result["incomplete"]) \
        + len(result["inapplicable"])
    AXE_RESULTS.append((page.url, width, rules, len(result["violations"])))
    folder = os.environ.get("OVOTE_SCREENSHOTS") or (str(ARTIFACTS) if os.environ.get("CI") else None)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
    problems = [f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                            for n in v["nodes"][:5])
                for v in result["violations"]]
    assert not problems, f"axe-core on {page.url} at {width} px:\n" + "\n".join(problems)


def pytest_terminal_summary(terminalreporter):
    if AXE_RESULTS:
        pages = len(AXE_RESULTS)
        violations = sum(r[3] for r in AXE_RESULTS)
        rules = max(r[2] for r in AXE_RESULTS)
        terminalreporter.write_line(f"axe-core WCAG 2.2 A/AA: {pages} page checks, up to {rules} rules each, "
                                    f"{violations} violations")
