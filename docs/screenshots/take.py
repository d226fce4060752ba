"""Take the README's screenshots again: the shipped data's site, and a served query form.

    python docs/screenshots/take.py

Builds the site with ``cyberflag site`` into a temporary folder, opens its pages from ``file://``
in headless Chromium (the system's: ``/usr/bin/chromium``, or ``CYBERFLAG_CHROMIUM``), then starts
``cyberflag serve`` on a free port for the form of ``who-said-what`` run with ``person = Bailey``.
Run it after a change to how pages look, so that the pictures show what the code does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
SITE_PAGES = {
    "article.png": "id/article/npcc-spike-in-cyber-child-sex-abuse/index.html",
    "person.png": "id/person/simon-bailey/index.html",
    "who-said.png": "who-said/index.html",
    "timeline.png": "timeline/index.html",
    "conflicts.png": "conflicts/index.html",
}
VIEWPORT = {"width": 1100, "height": 900}


def cyberflag(*args: str) -> list[str]:
    return [sys.executable, "-m", "cyberflag", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def form(page: Page, base: str) -> None:
    """The who-said-what form, run for Bailey: the whole form and the first rows."""
    page.set_viewport_size({"width": 1100, "height": 1700})
    page.goto(f"{base}/queries/who-said-what/")
    page.fill("#p-person", "Bailey")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("#answer")
    page.screenshot(path=str(HERE / "query-form.png"))


def main() -> None:
    chromium = os.environ.get("CYBERFLAG_CHROMIUM") or shutil.which("chromium") or "chromium"
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run(cyberflag("site", "-o", str(site)), check=True)
        port = free_port()
        server = subprocess.Popen(cyberflag("serve", "--port", str(port)),
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if server.stdout.readline().startswith("Press Ctrl-C"):
                    break
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium,
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport=VIEWPORT)
                for name, path in SITE_PAGES.items():
                    page.goto((site / path).as_uri())
                    page.screenshot(path=str(HERE / name))
                form(page, f"http://127.0.0.1:{port}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"wrote {len(SITE_PAGES) + 1} screenshots to {HERE}")


if __name__ == "__main__":
    main()
