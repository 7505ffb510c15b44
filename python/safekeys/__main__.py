"""``python -m safekeys``: the ``safekeys`` command."""

from .cli import main

raise SystemExit(main())
