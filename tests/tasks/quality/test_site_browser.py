"""The quality site in a real browser (Debian's headless chromium driven by Playwright).

What a maintainer sees from a file:// copy of the bucket: the counts are the tables'
counts, a failing report's page shows its rule and source line, the filters narrow the
list, and no request leaves the machine (every request is routed; any that is not
file:// or loopback is recorded and aborted, and fails the test).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from tests.support.site import FAILING_KEY, curated_zone

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Dataset
    from playwright.sync_api import Browser, Page, Route

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.s3,
    pytest.mark.gx,
    pytest.mark.corpus,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium missing: .ci/run installs it"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"file", "data", "about", "blob"}:
        return True
    return parsed.hostname in {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page whose every request goes through a guard; leaving the machine fails the test."""
    context = browser.new_context()
    leaked: list[str] = []

    def guard(route: Route) -> None:
        if _local(route.request.url):
            route.continue_()
        else:
            leaked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.leaked = leaked  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert leaked == [], f"requests left the machine: {leaked}"


def test_the_guard_catches_a_request_leaving_the_machine(browser: Browser, tmp_path: Path) -> None:
    """The no-network check below is only worth something if it sees a leak."""
    context = browser.new_context()
    leaked: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if _local(route.request.url)
            else (leaked.append(route.request.url), route.abort())
        ),
    )
    probe = tmp_path / "probe.html"
    probe.write_text('<img src="https://cdn.example.invalid/x.png">')
    pg = context.new_page()
    pg.goto(probe.as_uri())
    pg.wait_for_load_state("load")
    context.close()
    assert leaked == ["https://cdn.example.invalid/x.png"]


def test_counts_match_the_tables(dataset: Dataset, page: Page) -> None:
    curated = curated_zone(dataset.settings)
    statuses = Counter(
        curated.read("reports", columns=["quality_status"])["quality_status"].to_pylist()
    )
    outcomes = curated.read("outcomes", columns=["outcome"])["outcome"].to_pylist()
    page.goto((dataset.site / "index.html").as_uri())
    shown = {
        s: int(page.locator(f'[data-count="{s}"]').inner_text())
        for s in ("pass", "warn", "fail", "quarantined")
    }
    assert shown == {
        "pass": statuses["pass"],
        "warn": statuses["warn"],
        "fail": statuses["fail"],
        "quarantined": outcomes.count("quarantined"),
    }
    assert shown["fail"] >= 1 and shown["quarantined"] >= 1


def test_failing_report_page_shows_rule_and_source_line(dataset: Dataset, page: Page) -> None:
    curated = curated_zone(dataset.settings)
    report = next(r for r in curated.read("reports").to_pylist() if r["key"] == FAILING_KEY)
    rule = next(
        r
        for r in curated.read("rule_results").to_pylist()
        if r["report_id"] == report["report_id"] and r["rule_id"] == "R4" and not r["passed"]
    )
    page.goto((dataset.site / "index.html").as_uri())
    page.locator("#problems tbody tr", has_text=FAILING_KEY).get_by_role("link").click()
    block = page.locator('.rule[data-rule="R4"]').first
    assert block.is_visible()
    assert rule["observed"] in block.inner_text() and rule["expected"] in block.inner_text()
    hit = block.locator("pre.src span.hit")
    stated = report["text"].splitlines()[rule["line"] - 1]
    assert hit.is_visible() and hit.inner_text().strip() == f"{rule['line']}{stated}".strip()
    # The raw object link opens the uploaded bytes from the local copy.
    href = page.locator("#raw-link").get_attribute("href")
    assert href is not None
    assert (
        Path(urlparse(page.url).path).parent.joinpath(href).resolve().read_bytes()
        == (dataset.files[FAILING_KEY])
    )


def test_filters_and_search_narrow_the_list(dataset: Dataset, page: Page) -> None:
    curated = curated_zone(dataset.settings)
    reports = curated.read("reports", columns=["key", "quality_status", "failed_rules"]).to_pylist()
    listed = [r for r in reports if r["quality_status"] in {"fail", "warn"}]
    page.goto((dataset.site / "index.html").as_uri())
    rows = page.locator("#problems tbody tr")
    assert rows.count() == len(listed) and page.locator("#shown").inner_text() == str(len(listed))

    def visible() -> int:
        return sum(rows.nth(i).is_visible() for i in range(rows.count()))

    page.select_option("#f-status", "fail")
    assert visible() == sum(r["quality_status"] == "fail" for r in reports)
    page.select_option("#f-status", "")
    page.select_option("#f-rule", "R4")
    assert visible() == sum("R4" in (r["failed_rules"] or []) for r in reports) >= 1
    page.select_option("#f-rule", "")
    page.fill("#f-search", "inconsistent-r4")
    assert visible() == 1 and page.locator("#shown").inner_text() == "1"
    page.fill("#f-search", "no such report anywhere")
    assert visible() == 0
    page.fill("#f-search", "")
    # A rule in "Rules that fail most" filters the list by it.
    page.locator('#top-rules a[data-set-rule="R4"]').click()
    assert page.locator("#f-rule").input_value() == "R4"
    assert visible() == sum("R4" in (r["failed_rules"] or []) for r in reports)


def test_the_site_works_from_a_moved_copy(dataset: Dataset, page: Page, tmp_path: Path) -> None:
    """Relative links only: the folder can be copied anywhere (or served from the bucket)."""
    copy = tmp_path / "elsewhere"
    shutil.copytree(dataset.site.parent, copy)
    page.goto((copy / dataset.site.name / "index.html").as_uri())
    page.get_by_role("link", name=dataset.run_id[:8]).first.click()
    assert page.locator("#stages").is_visible()
    page.get_by_role("link", name="Overview").click()
    assert page.locator("#problems").is_visible()
    # Report page → its run page → back: every hop stays inside the copy.
    page.locator("#problems tbody tr", has_text=FAILING_KEY).get_by_role("link").click()
    page.get_by_role("link", name=dataset.run_id[:8]).click()
    assert page.locator("#run-reports", has_text=FAILING_KEY).is_visible()
    assert Path(urlparse(page.url).path).is_relative_to(copy)
