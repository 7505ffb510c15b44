"""Headless Chromium through Selenium and Debian's chromedriver, loopback only.

The driver and browser paths are given, so Selenium Manager (which would look up and download
drivers) never runs. Chromium gets a throwaway profile and the flags that stop most of its
background traffic (safe browsing lists, metrics, translation, sync, network time). What it
still tries (a net log showed update.googleapis.com, accounts.google.com and the default search
engine's start page) fails at once: host names resolve to nothing and anything not on loopback
goes to a dead proxy on 127.0.0.1, so nothing leaves the machine and nothing waits on a network.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, Optional

from .processes import GroupReaper, descendants, die_with_parent, kill_leftovers, stop_group
from .tools import Tools

WINDOW = (1280, 1900)

CHROMIUM_FLAGS = (
    "--headless=new",
    # The sandbox needs user namespaces, which containers and root often lack; the browser
    # only ever loads the test's own page.
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,"
    "NetworkTimeServiceQuerying",
    # Chromium would keep its own passwords in the Secret Service it finds on the session
    # bus: the test keyring, whose items the test counts.
    "--password-store=basic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)


class Browser:
    def __init__(self, tools: Tools, profile: Path, log: Path) -> None:
        self.tools = tools
        self.profile = profile
        self.log = log
        self.driver: Any = None
        self._service: Any = None
        self._reaper: Optional[GroupReaper] = None

    def start(self) -> Browser:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = self.tools.chromium
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        self.profile.mkdir(parents=True, exist_ok=True)
        browser = self

        class ReapedService(Service):  # type: ignore[misc]
            """chromedriver, and a reaper for its process group the moment it runs (Chromium
            starts in that group; chromedriver does not stop it when it is killed)."""

            def start(self) -> None:
                super().start()
                browser._reaper = GroupReaper(self.process.pid)

        self._service = ReapedService(
            executable_path=self.tools.chromedriver,
            log_output=os.fspath(self.log),
            # Its own process group, so teardown can reach Chromium's helpers too.
            popen_kw={"start_new_session": True, "preexec_fn": die_with_parent},
        )
        self.driver = webdriver.Chrome(service=self._service, options=options)
        self.driver.set_page_load_timeout(120)
        self.driver.set_script_timeout(60)
        return self

    def _process(self) -> Optional[subprocess.Popen[Any]]:
        return getattr(self._service, "process", None) if self._service is not None else None

    def stop(self) -> None:
        proc = self._process()
        tree = descendants(proc.pid) if proc is not None else []
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:  # a dead or hung driver: the kills below still run
                pass
            self.driver = None
        if proc is not None:
            stop_group(proc, grace=5)
        kill_leftovers(tree)
        self._service = None
        if self._reaper is not None:
            self._reaper.cancel()
            self._reaper = None
