"""Family-doctor contract pages: worklist, teams, packages, signing (a resident or a
household), the contract with its fulfilment, printing, the e-health card, indicators.

One ``router`` (``common``) that each page module adds its pages to when it is imported: the
order below is the order routes are matched in. The contract's own pages
(``/contracts/{contract_id}``) come last, or they would shadow the paths before them.
"""

from __future__ import annotations

import importlib

from jiceng.web.routes.contracts.common import router

PAGES = ("team_pages", "package_pages", "resident_pages", "contract_pages")
for _module in PAGES:
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["router"]
