"""Probes for the permission matrix: one request per endpoint, with what a permitted
caller should get. Domains add theirs in ``tests/<domain>/probes.py`` as ``PROBES``.

Path parameters are filled automatically where the name says what they are
(``{resident_id}`` gets an in-scope and an out-of-scope resident); anything else,
and every request with a body, needs an explicit probe.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tests

Fixture = dict[str, Any]  # ids prepared for one case: resident_id, household_id, …


@dataclass(frozen=True)
class Probe:
    ok: int  # status for a permitted caller (in scope, where scope applies)
    json: Callable[[Fixture], Any] | None = None  # API body
    form: Callable[[Fixture], dict[str, str]] | None = None  # web form fields (CSRF added)
    params: Callable[[Fixture], dict[str, str]] | None = None  # query string
    path_values: Callable[[Fixture], dict[str, str]] = field(default=lambda f: {})


def collect_probes() -> dict[tuple[str, str], Probe]:
    found: dict[tuple[str, str], Probe] = {}
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".probes"):
            found.update(importlib.import_module(module.name).PROBES)
    return found
