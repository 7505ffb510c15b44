"""Finding leaked keys in files and notebooks: the Python face of the Rust
scanner (``api``) and the pre-commit view of what git will commit
(``staged``). Named ``scanner`` so as not to shadow ``safekeys.scan``, the
function. See docs/architecture.md."""
