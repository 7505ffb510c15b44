"""``getenv``'s sources: the interface (``base``), one module per source
(``environment``, ``dotenv``, ``keyring``, ``team``) and the chain that asks
them in order (``chain``). See docs/architecture.md."""
