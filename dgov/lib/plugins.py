"""How apps plug in: each convention module is discovered over ``INSTALLED_APPS``.

An app of the platform (``dgov.<app>``) contributes by having the module:
- ``nav.py`` ``LINKS`` — sidebar and workbench links (``dgov.lib.nav``);
- ``permissions.py`` ``GRANTS`` — permissions of each role (``accounts.roles``);
- ``api.py`` ``router`` — routes under ``/api/v1/<app>/`` (``dgov.api.views``);
- ``demo.py`` ``load(district)`` — demo data (``load_demo``), in ``INSTALLED_APPS`` order;
- ``jobs.py`` ``JOBS`` — periodic jobs (``run_jobs``).
Adding an app edits ``INSTALLED_APPS`` and ``urls.py`` only.
"""

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def platform_apps() -> list[str]:
    """Dotted names of the platform's own apps, in ``INSTALLED_APPS`` order."""
    return [config.name for config in apps.get_app_configs() if config.name.startswith("dgov.")]


def discover(module: str) -> Iterator[tuple[str, ModuleType]]:
    """(app label, module) for every platform app that has ``dgov.<app>.<module>``."""
    for name in platform_apps():
        try:
            found = importlib.import_module(f"{name}.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"{name}.{module}":
                raise
            continue
        yield name.rsplit(".", 1)[-1], found
