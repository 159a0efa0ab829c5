"""Browser tests: a real server on a fresh database, driven by headless Chromium.

Chromium is Debian's package (/usr/bin/chromium), driven by Playwright without
downloading a browser. Without Chromium these tests are skipped on a
developer's machine and fail in CI (CI=true), where .ci/run installs it.
"""
import email
import hashlib
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


def serve_fresh_app(folder, name):
    """A live server on a fresh database `name` in `folder` (mail kept as files there);
    a generator for fixtures: yields the server, then stops it and closes the database."""
    from ovote.extensions import db

    app = make_app(fresh_database(name, folder), MAIL_BACKEND="file",
                   MAIL_DIR=str(folder / "mail"), UPLOAD_DIR=str(folder / "uploads"),
                   SERVER_NAME=None, RATELIMIT_ENABLED=False)
    upgrade_to_head(app)
    server = LiveServer(app, folder / "mail")
    server.thread.start()
    yield server
    server.server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    yield from serve_fresh_app(tmp_path_factory.mktemp("e2e"), "e2e")


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
_CHECKED = set()  # the pages already checked in this run (see check_accessibility)
#: what tells two states of a page apart: its address, title, visible text, invalid fields, focus
PAGE_STATE = """() => [location.href, document.title, document.body ? document.body.innerText : '',
    document.querySelectorAll('[aria-invalid=true]').length,
    document.activeElement ? document.activeElement.id : ''].join('\\u0000')"""


#: laid out at the viewport's width, and every finite transition over (a button that the
#: pointer came to hover must be judged in its final colours, not half-way)
SETTLED = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))
    .then(() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map(a => a.finished.catch(() => null))))"""
#: every page is checked at a phone's width and at a desktop's
WIDTHS = (360, 1280)


def check_accessibility(page, name):
    """Run axe-core's WCAG 2.2 A/AA rules on the page as it is now, at 360 px and at
    1280 px wide, and fail on any violation at either width. A full-page screenshot of
    each width is kept as tests/e2e/artifacts/NAME-WIDTH.jpg (or in OVOTE_SCREENSHOTS),
    for a person to look at. The viewport is put back as it was, so the test goes on
    at its own width. A page already checked in this run in the same state (the same
    address, title, visible text, invalid fields and focus: a flow passing the login
    page again) is not checked again.

    The script is evaluated through the browser's debugging protocol, not added as a
    <script>: the site's Content-Security-Policy rightly refuses inline script."""
    assert AXE.exists(), "axe-core is missing: run make install"
    # A click that navigates may return before the new page has loaded: check that page.
    page.wait_for_load_state("load")
    state = hashlib.sha256(page.evaluate(PAGE_STATE).encode()).hexdigest()
    if state in _CHECKED:
        return
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    folder = Path(os.environ.get("OVOTE_SCREENSHOTS") or ARTIFACTS)
    folder.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    problems = []
    try:
        # the test's own width first: one resize fewer
        for width in sorted(WIDTHS, key=lambda w: w != original["width"]):
            if page.viewport_size["width"] != width:
                page.set_viewport_size({"width": width, "height": original["height"]})
            page.evaluate(SETTLED)
            problems += _axe(page, width)
            # JPEG: half the time of a PNG, and plenty for a person to look at
            page.screenshot(path=folder / f"{name}-{width}.jpg", full_page=True, type="jpeg", quality=80)
    finally:
        if page.viewport_size != original:
            page.set_viewport_size(original)
    assert not problems, f"axe-core on {page.url}:\n" + "\n".join(problems)
    _CHECKED.add(state)


#: axe-core's run, answered in short: how many rules ran, and each violation with its first nodes
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(r => ({rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length,
                 violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                     targets: v.nodes.slice(0, 5).map(n => String(n.target)),
                     summary: v.nodes.length ? v.nodes[0].failureSummary : ''}))}))"""


def _axe(page, width):
    """axe-core's violations on the page at the viewport's width, recorded in AXE_RESULTS."""
    result = page.evaluate(AXE_RUN, AXE_TAGS)
    AXE_RESULTS.append((page.url, width, result["rules"], len(result["violations"])))
    return [f"at {width} px: {v['id']} ({v['impact']}): {v['help']} — {'; '.join(v['targets'])} "
            f"({' '.join((v['summary'] or '').split())})" for v in result["violations"]]


def pytest_terminal_summary(terminalreporter):
    if AXE_RESULTS:
        pages = len(AXE_RESULTS)
        violations = sum(r[3] for r in AXE_RESULTS)
        rules = max(r[2] for r in AXE_RESULTS)
        urls = len({r[0] for r in AXE_RESULTS})
        widths = ", ".join(f"{w} px" for w in sorted({r[1] for r in AXE_RESULTS}))
        terminalreporter.write_line(f"axe-core WCAG 2.2 A/AA: {pages} page checks ({urls} addresses, at "
                                    f"{widths}), up to {rules} rules each, {violations} violations")
