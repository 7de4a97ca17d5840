"""Browser tests: Playwright for Python driving Debian's chromium against Django's live server.

Helpers every browser test uses: `page` (a fresh context per test), `login(page, user)`, and
`assert_accessible(page)` which runs axe-core (from npm) for WCAG 2.1 A/AA and fails with the violations.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls from tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SOMEDESK_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-packages` (make test does it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)  # CI machines are small and busy; a wait is not an assertion
    page = context.new_page()
    yield page
    context.close()


def htmx_swap(page, action, url_part: str) -> None:
    """Run `action`, which makes htmx fetch a fragment from a URL containing `url_part`, and return once
    htmx has swapped the answer in. ``wait_for_load_state`` does not wait for that: a page reaches a load
    state once, so it returns at once, and on a busy machine the swap could then land after the test's
    next step (replacing text the test had just typed)."""
    with page.expect_response(lambda response: url_part in response.url):
        action()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def login(page, user, password: str = PASSWORD):
    page.goto("/konto/logg-inn/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("networkidle")


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `npm ci` (make test does it).")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return result["violations"]


def assert_accessible(page):
    violations = axe_violations(page)
    summary = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in violations
    ]
    assert not violations, f"axe-core found WCAG 2.1 A/AA violations on {page.url}:\n" + json.dumps(
        summary, indent=2, ensure_ascii=False
    )
