"""Where the browser test's tools are, or why it cannot run here."""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

# Debian's /usr/bin/chromium is a shell wrapper that adds the site's flags from /etc/chromium.d
# (remote extensions, Google API keys); the binary it runs takes only the flags we give it.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")
SETUP_HINT = "run tests/browser/setup.sh: apt-get install chromium chromium-driver"


@dataclass(frozen=True)
class Tools:
    chromium: str
    chromedriver: str


def _which(candidates: tuple[str, ...]) -> Optional[str]:
    for name in candidates:
        if os.path.isabs(name):
            if os.access(name, os.X_OK):
                return name
        else:
            found = shutil.which(name)
            if found:
                return found
    return None


def _chosen(variable: str, candidates: tuple[str, ...]) -> Optional[str]:
    """``$variable`` if set (it must name an executable), else the first candidate found."""
    given = os.environ.get(variable)
    return _which((given,)) if given else _which(candidates)


def find() -> tuple[Optional[Tools], list[str]]:
    """The tools, or None and what is missing (each with how to install it).

    ``SAFEKEYS_CHROMIUM`` and ``SAFEKEYS_CHROMEDRIVER`` name other binaries (a matching pair)
    on systems without Debian's packages."""
    missing = []
    chromium = _chosen("SAFEKEYS_CHROMIUM", CHROMIUM_CANDIDATES)
    if not chromium:
        missing.append(f"Chromium ({SETUP_HINT})")
    chromedriver = _chosen("SAFEKEYS_CHROMEDRIVER", ("chromedriver",))
    if not chromedriver:
        missing.append(f"chromedriver ({SETUP_HINT})")
    for module, package in (("jupyterlab", "jupyterlab"), ("selenium", "selenium")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{package} (pip install '.[test]')")
    if missing or chromium is None or chromedriver is None:
        return None, missing
    return Tools(chromium, chromedriver), []


def require() -> Tools:
    """The tools; outside CI the calling test is skipped when any is missing, under CI
    (``CI`` set) it fails, as CI must run the browser test."""
    import pytest

    tools, missing = find()
    if tools is None:
        why = "the JupyterLab browser test needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test, but {why}")
        pytest.skip(why)
    return tools


def artifacts_dir(fallback: Path) -> Path:
    """``$SAFEKEYS_TEST_ARTIFACTS`` (created if need be), else ``fallback``."""
    chosen = os.environ.get("SAFEKEYS_TEST_ARTIFACTS")
    path = Path(chosen) if chosen else fallback
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()
