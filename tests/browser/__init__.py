"""A real JupyterLab driven by a real headless Chromium, for tests/test_jupyterlab_browser.py.

``tools``      where Chromium, chromedriver, JupyterLab and Selenium are, or why the test
               cannot run
``lab``        a JupyterLab server on 127.0.0.1 with a token and Jupyter directories of its own
``chrome``     headless Chromium through Selenium and Debian's chromedriver, loopback only
``processes``  stopping all of it, even when the test process is killed
``page``       what a test does in JupyterLab's page: open a notebook, run it, answer a
               password box, save, read the rendered outputs

Everything is started by a fixture whose finalizer stops it, process group and all, so that a
failing test leaves no server, kernel or browser behind; every wait has a deadline.
"""
