"""The python-dotenv API (``api``) and what it rests on: finding the file
(``find``), reading it (``reading``), what a load set and may update on a
reload (``reload``), what it read for ``getenv`` (``loaded``) and the checks
on the file itself (``hygiene``). See docs/architecture.md."""
