"""The IPython extension: loading it (``load``), what it installs in a kernel
(``extension``), the scrubbers on every way output leaves (``output``), the
input guard on every cell's source (``guard``) and the magics (``magics``).
See docs/architecture.md."""
