"""Clients of the places keys live outside ``.env`` files: the OS keyring
(``keyring``) and the team store, OpenBao or HashiCorp Vault (``team``).
See docs/architecture.md."""
