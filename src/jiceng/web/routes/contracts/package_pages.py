"""Service packages: list, create, edit a draft, revise, publish, retire."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from jiceng.api.deps import DbSession
from jiceng.contracts import packages
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.web.deps import WebContext, form_dict
from jiceng.web.routes.contracts.common import PACKAGE_ROWS, PackageManager, Reader, error_fields, render, router

# ---- packages -----------------------------------------------------------------------


@router.get("/contracts/packages", response_class=HTMLResponse)
def package_list(ctx: Reader, session: DbSession) -> HTMLResponse:
    return render(ctx, "packages.html", packages=packages.list_packages(session, ctx.principal))


def _package_data(form: FormData) -> dict[str, Any]:
    data = form_dict(form, multi=("target_groups",))
    data["items"] = [
        {key: data.get(f"item_{key}_{i}") for key in ("code", "name", "category", "times_per_year", "applies_to", "link_kind")}
        for i in range(PACKAGE_ROWS)
        if str(data.get(f"item_name_{i}") or "").strip()
    ]
    return data


def _package_form(
    ctx: WebContext,
    values: dict[str, Any],
    errors: list[FieldError] | None = None,
    package_id: uuid.UUID | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows = list(values.get("items") or [])
    rows += [{} for _ in range(PACKAGE_ROWS - len(rows))]
    return render(
        ctx,
        "package_form.html",
        status_code=status_code,
        values=values,
        rows=rows,
        errors=errors or [],
        error_fields=error_fields(errors or []),
        package_id=package_id,
    )


@router.get("/contracts/packages/new", response_class=HTMLResponse)
def package_new(ctx: PackageManager) -> HTMLResponse:
    return _package_form(ctx, {"kind": "personalised"})


@router.post("/contracts/packages/new")
async def package_create(ctx: PackageManager, session: DbSession) -> Response:
    data = _package_data(await ctx.form())
    try:
        with session.begin_nested():
            package = packages.create_package(session, ctx.principal, data)
    except ValidationFailed as failed:
        return _package_form(ctx, data, failed.errors, status_code=422)
    return RedirectResponse(f"/contracts/packages/{package.id}?saved=1", status_code=303)


@router.get("/contracts/packages/{package_id}", response_class=HTMLResponse)
def package_page(package_id: uuid.UUID, ctx: Reader, session: DbSession, saved: int = 0) -> HTMLResponse:
    return render(ctx, "package.html", p=packages.get_package(session, ctx.principal, package_id), saved=saved, errors=[])


@router.get("/contracts/packages/{package_id}/edit", response_class=HTMLResponse)
def package_edit(package_id: uuid.UUID, ctx: PackageManager, session: DbSession) -> HTMLResponse:
    view = packages.get_package(session, ctx.principal, package_id)
    values = view.model_dump()
    for payer in packages.PAYERS:
        values[f"fee_{payer}"] = view.fee_yuan(payer)
    return _package_form(ctx, values, package_id=package_id)


@router.post("/contracts/packages/{package_id}/edit")
async def package_update(package_id: uuid.UUID, ctx: PackageManager, session: DbSession) -> Response:
    data = _package_data(await ctx.form())
    try:
        with session.begin_nested():
            packages.update_draft(session, ctx.principal, package_id, data)
    except ValidationFailed as failed:
        return _package_form(ctx, data, failed.errors, package_id, 422)
    return RedirectResponse(f"/contracts/packages/{package_id}?saved=1", status_code=303)


@router.post("/contracts/packages/{package_id}/{action}")
async def package_action(package_id: uuid.UUID, action: str, ctx: PackageManager, session: DbSession) -> Response:
    """Revise (a new draft), publish (from a date) or retire a package revision."""
    data = form_dict(await ctx.form())
    target = package_id
    try:
        with session.begin_nested():
            if action == "revise":
                target = packages.revise_package(session, ctx.principal, package_id).id
            elif action == "publish":
                packages.publish_package(session, ctx.principal, package_id, data.get("effective_from"))
            elif action == "retire":
                packages.retire_package(session, ctx.principal, package_id, data.get("effective_from"))
            else:
                return render(ctx, "package.html", 404, p=packages.get_package(session, ctx.principal, package_id), saved=0, errors=[])
    except ValidationFailed as failed:
        return render(ctx, "package.html", 422, p=packages.get_package(session, ctx.principal, package_id), saved=0, errors=failed.errors)
    return RedirectResponse(f"/contracts/packages/{target}?saved=1", status_code=303)
