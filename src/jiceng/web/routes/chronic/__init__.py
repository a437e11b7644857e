"""Chronic-disease pages: the worklist (a village doctor's home panel), the patient's
record with its BP/glucose chart, enrolment, the follow-up form with live computed
fields, amendments, screening, referrals, long prescriptions and indicators.

One ``router`` (``common``) that each page module adds its pages to when it is imported, in
the order below (the order routes are matched in).
"""

from __future__ import annotations

import importlib

from jiceng.web.routes.chronic.common import router

PAGES = ("patient_pages", "visit_pages", "order_pages")
for _module in PAGES:
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["router"]
