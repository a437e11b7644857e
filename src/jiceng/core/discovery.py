"""Find each domain's optional modules by convention, so adding a domain never means
editing a shared list (models for Alembic, API and web routers, CLI commands,
generator steps)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

import jiceng

INTERFACE_PACKAGES = {"api", "web", "cli", "core", "migrations", "synthetic"}


@lru_cache
def _domain_packages() -> tuple[str, ...]:
    return tuple(sorted(m.name for m in pkgutil.iter_modules(jiceng.__path__) if m.ispkg and m.name not in INTERFACE_PACKAGES))


def domain_packages() -> list[str]:
    return list(_domain_packages())


def import_optional(name: str) -> ModuleType | None:
    """Import ``name`` if it exists; errors inside an existing module still raise."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name == name:
            return None
        raise


def domain_modules(module: str) -> list[ModuleType]:
    """``jiceng.<domain>.<module>`` for every domain that has one (found once per process)."""
    return list(_domain_modules(module))


@lru_cache
def _domain_modules(module: str) -> tuple[ModuleType, ...]:
    found = (import_optional(f"jiceng.{domain}.{module}") for domain in domain_packages())
    return tuple(m for m in found if m is not None)


def submodules(package: ModuleType) -> list[ModuleType]:
    """Every module of an interface package (e.g. ``jiceng.api.v1``), in name order."""
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]
