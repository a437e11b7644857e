"""Background services the server runs while it is up (the audit sealer; a node's sync loop).

A domain registers a factory with :func:`register`; ``create_app`` starts every service when
the server starts and stops it on shutdown. Factories decide for themselves whether they
apply (e.g. only on a node).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from jiceng.core.config import Settings
from jiceng.core.db import Database


class Service(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


Factory = Callable[[Settings, Database], "Service | None"]

_factories: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    _factories[name] = factory


def services(settings: Settings, database: Database) -> list[Service]:
    """The services that apply to this server (factories may return None)."""
    from jiceng.core.discovery import domain_modules

    domain_modules("background")  # domains register from jiceng.<domain>.background
    found = (factory(settings, database) for factory in _factories.values())
    return [service for service in found if service is not None]
