"""Measured in the browser: tap targets of at least 44 px, header buttons with a text
contrast of at least 4.5:1, headings sized as headings, and the language one tap away."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AXE_RESULTS, WIDTHS, check_accessibility

CONTROLS = ("button, .btn, select, input:not([type=hidden]), .site-nav a, .site-footer a, "
            ".language-switch__current, .step-list a")


def luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css):
    return tuple(int(x) for x in re.findall(r"\d+", css)[:3])


def background_of(page, element):
    """The first opaque background colour behind `element`."""
    return element.evaluate("""e => { for (; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && c !== 'transparent' && !c.startsWith('rgba(0, 0, 0, 0')) return c; }
        return 'rgb(255, 255, 255)'; }""")


@pytest.mark.parametrize("path", ["/", "/auth/signup", "/auth/login", "/help", "/contact", "/privacy",
                                  "/accessibility"])
def test_tap_targets_contrast_and_headings(browser, live_server, path):
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(path)
        check_accessibility(page, "look" + path.replace("/", "-"))  # at every width
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            measure(page, path, width)
    finally:
        context.close()


def measure(page, path, width):
    if page.get_by_role("button", name="Menu").is_visible():
        page.get_by_role("button", name="Menu").click()
    small = [(e.evaluate("e => e.outerHTML.slice(0, 80)"), e.bounding_box()["height"])
             for e in page.locator(CONTROLS).all() if e.is_visible() and e.bounding_box()["height"] < 44]
    assert small == [], f"tap targets under 44 px on {path} at {width} px"
    for button in page.locator(".site-header .btn, .site-header button, .language-switch button").all():
        if not button.is_visible():
            continue
        ratio = contrast(rgb(button.evaluate("e => getComputedStyle(e).color")),
                         rgb(background_of(page, button)))
        assert ratio >= 4.5, f"{button.inner_text()!r}: contrast {ratio:.2f} at {width} px"
    h1 = float(page.locator("h1").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    body = float(page.locator("main p:not(.lead), main li").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert h1 >= 1.8 * body, f"{path} at {width} px"


def test_the_language_is_one_tap_away_on_a_phone(browser_page):
    page = browser_page
    page.goto("/help")
    expect(page.get_by_role("button", name="Français")).to_be_visible()  # the menu is still folded
    expect(page.locator("#main-nav")).to_be_hidden()
    page.get_by_role("button", name="Français").click()
    page.wait_for_url("**/help")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_a_refused_sign_up_passes_axe_with_its_error_summary(browser_page):
    page = browser_page
    page.goto("/auth/signup")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("#error-summary")).to_be_focused()
    check_accessibility(page, "signup-refused")  # at 360 px and 1280 px
    expect(page.locator("#error-summary")).to_be_focused()  # checking moved nothing
    assert page.viewport_size["width"] == 360


def test_the_accessibility_check_fails_on_a_violation(browser_page):
    page = browser_page
    page.set_content('<!doctype html><html><head><title>x</title></head><body><main>'
                     '<img src="/static/favicon.svg"><input id="q"></main></body></html>')
    with pytest.raises(AssertionError) as caught:
        check_accessibility(page, "deliberately-broken")
    assert "image-alt (critical)" in str(caught.value) and "label (critical)" in str(caught.value)
    assert "at 360 px" in str(caught.value) and "at 1280 px" in str(caught.value)
    assert page.viewport_size["width"] == 360  # put back, even after a failure
    AXE_RESULTS[:] = [r for r in AXE_RESULTS if r[0] != page.url]  # not a page of the site
