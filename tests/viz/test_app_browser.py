"""The interactive app in a real browser: start `sim/viz/app.py` under solara, drive it in headless Chromium.

Uses Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run`) through playwright's Python package; no
browser is downloaded. Skips, saying why, where Chromium or playwright is missing. The screenshot goes to the
test's tmp dir; set `BORDERFLOW_APP_SCREENSHOT=docs/img/app.png` to refresh the README's picture.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a sandboxed root CI machine without network: no GPU, no background connections to Google's hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 90
#: Generous: a step of the model and a redraw on a loaded two-core CI machine can take seconds.
UI_TIMEOUT_MS = 60_000
sync_api.expect.set_options(timeout=UI_TIMEOUT_MS)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the browser test",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll the page until the server answers; fail with its log if it dies or never answers."""
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app server exited with {server.returncode}:\n{log.read_text()}")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(url, timeout=5) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.25)
    pytest.fail(f"the app server did not answer {url} within {SERVER_START_S} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def app_url(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`solara run sim/viz/app.py` on a free localhost port, as `make viz` starts it; stopped after the module."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "solara.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}
    solara = Path(sys.executable).with_name("solara")
    command = [str(solara), "run", "sim/viz/app.py", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-open", "--no-check-version", "--production"]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # "localhost" rather than 127.0.0.1: solara sets its session cookie without a warning there
        url = f"http://localhost:{port}/"
        wait_until_serving(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[sync_api.Page]:
    """A page in a fresh headless Chromium profile."""
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1500, "height": 1100},
        )
        context.set_default_timeout(UI_TIMEOUT_MS)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def image_source(page: sync_api.Page, selector: str) -> str:
    """The `src` of the first rendered image under `selector`, once it has pixels."""
    image = page.locator(f"{selector} img").first
    sync_api.expect(image).to_be_visible()
    page.wait_for_function(
        "sel => { const i = document.querySelector(sel + ' img'); return i && i.complete && i.naturalWidth > 0; }",
        arg=selector,
    )
    return image.get_attribute("src") or ""


def choose(page: sync_api.Page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label` (a Vuetify v-select: open its menu, click the item)."""
    page.locator(".v-select", has=page.locator("label", has_text=label)).locator(".v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).click()


def total_attempts(page: sync_api.Page) -> int:
    """`total` row, `attempts` column of the numbers panel."""
    cell = page.locator(".borderflow-totals tr", has_text="total").locator("td").first
    return int(cell.inner_text().replace(",", ""))


def test_app_renders_controls_and_steps(app_url: str, page: sync_api.Page, tmp_path: Path) -> None:
    expect = sync_api.expect
    page.goto(app_url)
    # the map and a plot render, and the panel shows the model at hour 0
    map_before = image_source(page, ".borderflow-map")
    plot_before = image_source(page, ".borderflow-daily")
    numbers = page.locator(".borderflow-numbers")
    expect(numbers).to_contain_text("(hour 0)")
    assert total_attempts(page) == 0
    # change a control, rebuild the model with it
    choose(page, "Fence", "steel_wall")
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(numbers.locator(".borderflow-settings")).to_contain_text("fence: steel_wall")
    # two steps of a day each: the clock, the totals, the map and the daily plot all move on
    step = page.get_by_role("button", name="Step", exact=True)
    step.click()
    expect(numbers.locator(".borderflow-clock")).to_contain_text("(hour 24)")
    step.click()
    expect(numbers.locator(".borderflow-clock")).to_contain_text("(hour 48)")
    assert total_attempts(page) > 0
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel + ' img'); return i && i.src !== old; }",
        arg=[".borderflow-map", map_before],
    )
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel + ' img'); return i && i.src !== old; }",
        arg=[".borderflow-daily", plot_before],
    )
    shot = tmp_path / "app.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    readme_picture = os.environ.get("BORDERFLOW_APP_SCREENSHOT")
    if readme_picture:  # by hand only: a livelier picture, seven weeks into the season
        for hour in range(72, 24 * 50, 24):
            step.click()
            expect(numbers.locator(".borderflow-clock")).to_contain_text(f"(hour {hour})")
        page.screenshot(path=readme_picture, full_page=True)
