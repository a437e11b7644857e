"""Turning posted HTML forms into the dicts services take (and back, for re-display)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from jiceng.residents import codes

RESIDENT_MULTI = ("payment_methods", "drug_allergies", "exposures", "disabilities")
DISEASE_ROWS = 6
EVENT_ROWS = 2
EVENT_FIELDS = ("surgeries", "injuries", "transfusions")


def resident_data(form: FormData) -> dict[str, Any]:
    """The resident form as a ResidentWrite-shaped dict."""
    data: dict[str, Any] = {}
    for key, value in form.items():
        if key == "csrf_token" or key == "version" or not isinstance(value, str):
            continue
        if key.startswith(("disease_", "event_", "family_")) or key in RESIDENT_MULTI:
            continue
        data[key] = value
    for key in RESIDENT_MULTI:
        data[key] = [str(v) for v in form.getlist(key)]
    data["paper_record"] = "paper_record" in form
    data["past_diseases"] = [
        {
            "code": form.get(f"disease_code_{i}"),
            "diagnosed_on": form.get(f"disease_date_{i}", ""),
            "name": form.get(f"disease_name_{i}", ""),
        }
        for i in range(DISEASE_ROWS)
        if form.get(f"disease_code_{i}")
    ]
    for field in EVENT_FIELDS:
        data[field] = [
            {"name": form.get(f"event_{field}_name_{i}", ""), "date": form.get(f"event_{field}_date_{i}", "")}
            for i in range(EVENT_ROWS)
            if str(form.get(f"event_{field}_name_{i}", "")).strip()
        ]
    data["family_history"] = {rel: [str(v) for v in form.getlist(f"family_{rel}")] for rel in codes.FAMILY_RELATIVE}
    return data


def padded(rows: list[dict[str, Any]] | None, count: int) -> list[dict[str, Any]]:
    """Rows for a fixed-size form table: the given ones, then empty ones."""
    rows = list(rows or [])
    return rows + [{} for _ in range(max(count - len(rows), 0))]
