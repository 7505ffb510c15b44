"""What a test does in JupyterLab's page, through Selenium and JupyterLab's own application
object (``window.jupyterapp``): open a notebook, run all its cells, answer a password box,
save, and read what the page shows. Every wait polls a condition until a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional, TypeVar

T = TypeVar("T")

# The notebook panel showing ``path``, found among the main area's widgets.
FIND_PANEL = """
const path = arguments[0];
const app = window.jupyterapp;
if (!app) { return null; }
for (const w of Array.from(app.shell.widgets('main'))) {
  if (w.context && w.context.path === path && w.content && w.sessionContext) { return w; }
}
return null;
"""

PANEL_STATE = (
    "const panel = (function () {"
    + FIND_PANEL
    + """}).apply(null, arguments);
if (!panel) { return null; }
const session = panel.sessionContext.session;
const kernel = session && session.kernel ? session.kernel.status : null;
const cells = panel.content.widgets.map(c => ({
  type: c.model.type,
  count: c.model.type === 'code' ? c.model.executionCount : null,
  prompt: c.node.querySelector('.jp-InputPrompt') ?
    c.node.querySelector('.jp-InputPrompt').textContent : '',
}));
return {ready: panel.context.isReady, kernel: kernel, dirty: panel.context.model.dirty,
        cells: cells, stdin: panel.node.querySelectorAll('.jp-Stdin').length};
"""
)

ON_PANEL = "const panel = (function () {" + FIND_PANEL + "}).apply(null, arguments);\n"

RUN_ALL = (
    ON_PANEL
    + """
window.jupyterapp.shell.activateById(panel.id);
// Not awaited: with a password box among the cells it resolves only after the answer.
window.jupyterapp.commands.execute('notebook:run-all-cells').catch(() => {});
return true;
"""
)

SAVE = (
    ON_PANEL
    + """
const done = arguments[arguments.length - 1];
panel.context.save().then(() => done('saved'), e => done('failed: ' + e));
"""
)

# The kernel shut down and the panel gone, so the next notebook's run has the machine to itself.
CLOSE = (
    ON_PANEL
    + """
const done = arguments[arguments.length - 1];
if (!panel) { done('closed'); return; }
panel.sessionContext.shutdown().then(() => { panel.dispose(); done('closed'); },
                                     e => done('failed: ' + e));
"""
)

# Every text the page holds: each cell's rendered outputs (textContent, which does not depend
# on layout, and innerText, what is painted), the whole body's text, the document's HTML and
# the value of every input and text area (a typed value lives in `.value`, not in the HTML).
PAGE_TEXTS = (
    ON_PANEL
    + """
const outputs = panel.content.widgets.map(c => Array.from(
  c.node.querySelectorAll('.jp-OutputArea-output')).map(o => o.textContent).join('\\n'));
const painted = panel.content.widgets.map(c => Array.from(
  c.node.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerText).join('\\n'));
const values = Array.from(document.querySelectorAll('input, textarea')).map(e => e.value);
return {outputs: outputs, painted: painted, body: document.body.innerText,
        html: document.documentElement.outerHTML, values: values};
"""
)


@dataclass
class PageTexts:
    outputs: list[str]
    painted: list[str]
    body: str
    html: str
    values: list[str]

    def places(self) -> list[tuple[str, str]]:
        """(where, text) for every text, for a leak check."""
        found = [(f"cell {i} output text", t) for i, t in enumerate(self.outputs)]
        found += [(f"cell {i} output as painted", t) for i, t in enumerate(self.painted)]
        found += [("page text", self.body), ("page HTML", self.html)]
        found += [(f"input value {i}", v) for i, v in enumerate(self.values)]
        return found


class Timeout(AssertionError):
    pass


def wait_for(what: str, check: Callable[[], Optional[T]], timeout: float, every: float = 0.2) -> T:
    """The first truthy result of ``check()``; fails naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise Timeout(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")
        time.sleep(every)


class NotebookPage:
    """One notebook open in JupyterLab; ``path`` is relative to the server's root."""

    def __init__(self, driver: Any, path: str, timeout: float = 180.0) -> None:
        self.driver = driver
        self.path = path
        self.timeout = timeout

    def state(self) -> Optional[dict[str, Any]]:
        state: Optional[dict[str, Any]] = self.driver.execute_script(PANEL_STATE, self.path)
        return state

    def open(self, url: str) -> None:
        self.driver.get(url)
        wait_for(
            f"{self.path} open with an idle kernel",
            lambda: (s := self.state()) is not None and s["ready"] and s["kernel"] == "idle",
            self.timeout,
        )

    def run_all(self) -> None:
        assert self.driver.execute_script(RUN_ALL, self.path) is True

    def password_box(self) -> Any:
        """The stdin box's input element, once JupyterLab shows one."""
        from selenium.webdriver.common.by import By

        def find() -> Any:
            found = self.driver.find_elements(By.CSS_SELECTOR, ".jp-Stdin input")
            return found[0] if found else None

        return wait_for("JupyterLab's stdin box", find, self.timeout)

    def wait_all_run(self) -> dict[str, Any]:
        """The state once every code cell has run (an execution count, a ``[n]:`` prompt),
        no stdin box is waiting and the kernel is idle."""

        def done() -> Optional[dict[str, Any]]:
            state = self.state()
            if state is None or state["kernel"] != "idle" or state["stdin"]:
                return None
            code = [c for c in state["cells"] if c["type"] == "code"]
            if all(c["count"] is not None and "*" not in c["prompt"] for c in code):
                return state
            return None

        return wait_for(f"every cell of {self.path} to run", done, self.timeout)

    def save(self) -> None:
        result = self.driver.execute_async_script(SAVE, self.path)
        assert result == "saved", result
        wait_for(f"{self.path} saved", lambda: (s := self.state()) and not s["dirty"], self.timeout)

    def close(self) -> None:
        result = self.driver.execute_async_script(CLOSE, self.path)
        assert result == "closed", result

    def texts(self) -> PageTexts:
        got = self.driver.execute_script(PAGE_TEXTS, self.path)
        return PageTexts(**got)

    def screenshot(self, path: Any) -> None:
        assert self.driver.save_screenshot(str(path)), path
