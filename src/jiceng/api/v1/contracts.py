"""/api/v1/contracts: family-doctor teams, service packages, contracts, fulfilment,
population marks, the e-health card and the signing indicators."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from jiceng.api.deps import DbSession, requires
from jiceng.contracts import card, consent, documents, fulfilment, marks, packages, schemas, teams, views
from jiceng.contracts import indicators as contract_indicators
from jiceng.contracts import service as contracts
from jiceng.contracts.permissions import CARD_SCAN, INDICATORS, MANAGE_PACKAGES, MANAGE_TEAMS, MARKS, READ, WRITE
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.indicators import LEVELS, IndicatorQuery
from jiceng.core.security import Principal

router = APIRouter(prefix="/contracts", tags=["contracts 家庭医生签约服务"])

Reader = Annotated[Principal, Depends(requires(READ))]
Writer = Annotated[Principal, Depends(requires(WRITE))]
TeamManager = Annotated[Principal, Depends(requires(MANAGE_TEAMS))]
PackageManager = Annotated[Principal, Depends(requires(MANAGE_PACKAGES))]
MarkKeeper = Annotated[Principal, Depends(requires(MARKS))]
Scanner = Annotated[Principal, Depends(requires(CARD_SCAN))]
IndicatorReader = Annotated[Principal, Depends(requires(INDICATORS))]

MAX_UPLOAD = 5 * 1024 * 1024


async def _read_upload(upload: UploadFile, limit: int = MAX_UPLOAD) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed([FieldError("file", "too_large", "文件：过大", "File: too large")])
    return data


def _contract(session: DbSession, principal: Principal, contract_id: uuid.UUID) -> schemas.ContractView:
    return views.get_contract(session, principal, contract_id)


# ---- teams ----------------------------------------------------------------------


@router.get("/teams", response_model=list[schemas.TeamView])
def list_teams(session: DbSession, principal: Reader, institution_id: uuid.UUID | None = None) -> list[schemas.TeamView]:
    """Teams of the caller's institution (and its village clinics), or those the caller belongs to."""
    return teams.list_teams(session, principal, institution_id)


@router.post("/teams", response_model=schemas.TeamView, status_code=201)
def create_team(body: schemas.TeamWrite, session: DbSession, principal: TeamManager) -> schemas.TeamView:
    data = body.provided()
    data["members"] = [m.model_dump() for m in body.members]
    return teams.team_view(session, teams.create_team(session, principal, data))


@router.get("/teams/{team_id}", response_model=schemas.TeamView)
def read_team(team_id: uuid.UUID, session: DbSession, principal: Reader) -> schemas.TeamView:
    return teams.get_team(session, principal, team_id)


@router.get("/teams/{team_id}/contracts", response_model=list[schemas.ContractSummary])
def team_contracts(
    team_id: uuid.UUID,
    session: DbSession,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[schemas.ContractSummary]:
    """The team's live contracts (residents in the caller's scope)."""
    return views.team_panel(session, principal, team_id, limit=limit, offset=offset)


@router.post("/teams/{team_id}/members", response_model=schemas.TeamView)
def add_member(team_id: uuid.UUID, body: schemas.TeamMemberIn, session: DbSession, principal: TeamManager) -> schemas.TeamView:
    teams.add_member(session, principal, team_id, body.staff_id, body.role)
    return teams.get_team(session, principal, team_id)


@router.delete("/teams/{team_id}/members/{staff_id}", status_code=204)
def remove_member(team_id: uuid.UUID, staff_id: uuid.UUID, session: DbSession, principal: TeamManager) -> Response:
    teams.remove_member(session, principal, team_id, staff_id)
    return Response(status_code=204)


# ---- packages ---------------------------------------------------------------------


@router.get("/packages", response_model=list[schemas.PackageView])
def list_packages(session: DbSession, principal: Reader, county: str | None = None, status: str | None = None) -> list[schemas.PackageView]:
    return packages.list_packages(session, principal, county, status)


@router.post("/packages", response_model=schemas.PackageView, status_code=201)
def create_package(body: schemas.PackageWrite, session: DbSession, principal: PackageManager) -> schemas.PackageView:
    """A new package as draft revision 1. Fees are in yuan; the three payers add up to the total."""
    data = body.provided()
    data["items"] = [i.model_dump() for i in body.items]
    package = packages.create_package(session, principal, data)
    return packages.views(session, [package])[0]


@router.get("/packages/{package_id}", response_model=schemas.PackageView)
def read_package(package_id: uuid.UUID, session: DbSession, principal: Reader) -> schemas.PackageView:
    return packages.get_package(session, principal, package_id)


@router.put("/packages/{package_id}", response_model=schemas.PackageView)
def update_package(package_id: uuid.UUID, body: schemas.PackageWrite, session: DbSession, principal: PackageManager) -> schemas.PackageView:
    """Change a draft (a published revision never changes)."""
    data = body.provided()
    data["items"] = [i.model_dump() for i in body.items]
    return packages.views(session, [packages.update_draft(session, principal, package_id, data)])[0]


@router.post("/packages/{package_id}/revise", response_model=schemas.PackageView, status_code=201)
def revise_package(package_id: uuid.UUID, session: DbSession, principal: PackageManager) -> schemas.PackageView:
    return packages.views(session, [packages.revise_package(session, principal, package_id)])[0]


@router.post("/packages/{package_id}/publish", response_model=schemas.PackageView)
def publish_package(
    package_id: uuid.UUID, body: schemas.PublishWrite, session: DbSession, principal: PackageManager
) -> schemas.PackageView:
    return packages.views(session, [packages.publish_package(session, principal, package_id, body.effective_from)])[0]


@router.post("/packages/{package_id}/retire", response_model=schemas.PackageView)
def retire_package(package_id: uuid.UUID, body: schemas.PublishWrite, session: DbSession, principal: PackageManager) -> schemas.PackageView:
    return packages.views(session, [packages.retire_package(session, principal, package_id, body.effective_from)])[0]


# ---- consent, signing ------------------------------------------------------------------


@router.post("/consents", status_code=201)
async def upload_consent(
    session: DbSession,
    principal: Writer,
    file: Annotated[UploadFile, File(description="PNG/JPEG signature, or PNG/JPEG/PDF scan")],
    kind: Annotated[str, Form()] = "signature",
) -> dict[str, Any]:
    """Upload the consent first; pass its id as ``consent_id`` when signing."""
    stored = consent.store_consent(session, principal, kind, await _read_upload(file), file.filename or "")
    return {"id": str(stored.id), "kind": stored.kind, "content_type": stored.content_type, "size": stored.size, "sha256": stored.sha256}


@router.post("", response_model=schemas.ContractView, status_code=201)
def sign(body: schemas.SignWrite, session: DbSession, principal: Writer, response: Response) -> schemas.ContractView:
    """Sign one resident with a team for a year (basic package + chosen personalised packages)."""
    contract = contracts.sign_contract(session, principal, body.resident_id, body.provided())
    response.headers["Location"] = f"/api/v1/contracts/{contract.id}"
    return _contract(session, principal, contract.id)


@router.post("/households/{household_id}", response_model=list[schemas.ContractSummary], status_code=201)
def sign_household(
    household_id: uuid.UUID, body: schemas.HouseholdSignWrite, session: DbSession, principal: Writer
) -> list[schemas.ContractSummary]:
    """Sign a household's members together (all active members unless ``member_ids`` is given)."""
    signed = contracts.sign_household(session, principal, household_id, body.provided())
    return views.sign_group(session, principal, signed[0].sign_group_id) if signed and signed[0].sign_group_id else []


# ---- residents, cards, marks ---------------------------------------------------------------


@router.get("/residents/{resident_id}", response_model=schemas.ResidentContractStatus)
def resident_status(resident_id: uuid.UUID, session: DbSession, principal: Reader) -> schemas.ResidentContractStatus:
    """Key populations (derived), the current contract and the contract history."""
    return views.resident_status(session, principal, resident_id)


@router.get("/residents/{resident_id}/card")
def resident_card(resident_id: uuid.UUID, request: Request, session: DbSession, principal: Reader) -> dict[str, Any]:
    """The e-health card: the URL its QR code encodes (a signed, expiring token)."""
    issued, url = card.card_for_view(session, principal, resident_id, str(request.base_url))
    return {"url": url, "expires_at": issued.expires_at.isoformat(), "qr_svg": f"/contracts/residents/{resident_id}/card.svg"}


@router.post("/residents/{resident_id}/card/revoke")
def revoke_card(resident_id: uuid.UUID, session: DbSession, principal: Writer) -> dict[str, int]:
    """A lost card: it stops working; the next card shown is new."""
    return {"revoked": card.revoke_card(session, principal, resident_id)}


@router.post("/card/scan")
def scan(body: schemas.CardScan, session: DbSession, principal: Scanner) -> JSONResponse:
    """Verify a scanned card token; on success the caller may open the record for a few hours."""
    token = body.token.rsplit(card.CARD_PATH, 1)[-1]
    outcome = card.scan_card(session, principal, token)
    content = {"ok": outcome.ok, "reason": outcome.reason, "message_zh": outcome.message_zh, "message_en": outcome.message_en}
    if outcome.ok:
        content |= {
            "resident_id": str(outcome.resident_id),
            "access_until": outcome.access_until.isoformat() if outcome.access_until else None,
        }
    return JSONResponse(content, status_code=200 if outcome.ok else 403)


@router.post("/marks", response_model=schemas.MarkView, status_code=201)
def add_mark(body: schemas.MarkWrite, session: DbSession, principal: MarkKeeper) -> schemas.MarkView:
    """Record that a resident is on another authority's list (pregnancy, 脱贫人口, 计生特殊家庭)."""
    return schemas.MarkView.model_validate(marks.add_mark(session, principal, body.provided()))


@router.post("/marks/import")
async def import_marks(
    session: DbSession,
    principal: MarkKeeper,
    file: Annotated[UploadFile, File(description=".xlsx or .csv with 身份证号, 姓名, 人群, 来源单位, 名单/文件, 有效期起, 有效期止")],
    source: Annotated[str, Form()] = "",
    list_name: Annotated[str, Form()] = "",
) -> dict[str, Any]:
    report = marks.import_marks(
        session, principal, file.filename or "", await _read_upload(file), {"source": source, "list_name": list_name}
    )
    return {
        "rows": report.rows,
        "imported": report.imported,
        "rejected": [{"row": n, "errors": [e.as_dict() for e in errs]} for n, errs in report.rejected],
    }


@router.post("/marks/{mark_id}/end", response_model=schemas.MarkView)
def end_mark(mark_id: uuid.UUID, body: schemas.TerminateWrite, session: DbSession, principal: MarkKeeper) -> schemas.MarkView:
    return schemas.MarkView.model_validate(marks.end_mark(session, principal, mark_id, body.terminated_on))


# ---- worklist, indicators ---------------------------------------------------------------


@router.get("/worklist", response_model=schemas.Worklist)
def worklist(session: DbSession, principal: Reader) -> schemas.Worklist:
    """Overdue package items and contracts expiring within 30 days, for the caller's teams."""
    return fulfilment.worklist(session, principal)


@router.get("/indicators")
def indicators(
    session: DbSession,
    principal: IndicatorReader,
    period_start: date | None = None,
    period_end: date | None = None,
    level: str = "county",
    division: str | None = None,
) -> dict[str, Any]:
    """签约率, 重点人群签约服务覆盖率 (overall and per group) and 续约率, per division at ``level``."""
    today = local_today()
    if level not in LEVELS:
        raise ValidationFailed(
            [
                FieldError(
                    "level",
                    "unknown_code",
                    "汇总级别：应为 city/county/township/village",
                    "Level: must be city, county, township or village",
                )
            ]
        )
    query = IndicatorQuery(period_start or date(today.year, 1, 1), period_end or today, level, division or principal.division_code)
    return {
        "period_start": query.period_start.isoformat(),
        "period_end": query.period_end.isoformat(),
        "level": level,
        "indicators": [
            {
                "code": d.code,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "values": [
                    {"division_code": v.division_code, "numerator": v.numerator, "denominator": v.denominator, "rate": v.rate}
                    for v in d.compute(session, query)
                ],
            }
            for d in contract_indicators.ALL
        ],
    }


# ---- one contract (declared last: "/{contract_id}" would shadow the paths above) ---------


@router.get("/{contract_id}", response_model=schemas.ContractView)
def read(contract_id: uuid.UUID, session: DbSession, principal: Reader) -> schemas.ContractView:
    return _contract(session, principal, contract_id)


@router.post("/{contract_id}/renew", response_model=schemas.ContractView, status_code=201)
def renew(contract_id: uuid.UUID, body: schemas.RenewWrite, session: DbSession, principal: Writer) -> schemas.ContractView:
    return _contract(session, principal, contracts.renew_contract(session, principal, contract_id, body.provided()).id)


@router.post("/{contract_id}/change-team", response_model=schemas.ContractView, status_code=201)
def change_team(contract_id: uuid.UUID, body: schemas.ChangeTeamWrite, session: DbSession, principal: Writer) -> schemas.ContractView:
    return _contract(session, principal, contracts.change_team(session, principal, contract_id, body.provided()).id)


@router.post("/{contract_id}/terminate", response_model=schemas.ContractView)
def terminate(contract_id: uuid.UUID, body: schemas.TerminateWrite, session: DbSession, principal: Writer) -> schemas.ContractView:
    return _contract(session, principal, contracts.terminate_contract(session, principal, contract_id, body.provided()).id)


@router.post("/{contract_id}/deliveries", response_model=schemas.DeliveryView, status_code=201)
def deliver(contract_id: uuid.UUID, body: schemas.DeliveryWrite, session: DbSession, principal: Writer) -> schemas.DeliveryView:
    return schemas.DeliveryView.model_validate(fulfilment.record_delivery(session, principal, contract_id, body.provided()))


@router.post("/{contract_id}/deliveries/{delivery_id}/void", response_model=schemas.DeliveryView)
def void_delivery(contract_id: uuid.UUID, delivery_id: uuid.UUID, session: DbSession, principal: Writer) -> schemas.DeliveryView:
    return schemas.DeliveryView.model_validate(fulfilment.void_delivery(session, principal, delivery_id))


@router.post("/{contract_id}/link-evidence")
def link_evidence(contract_id: uuid.UUID, session: DbSession, principal: Writer) -> dict[str, int]:
    """Record deliveries shown by other domains' records (follow-ups, health checks)."""
    return {"added": fulfilment.link_evidence(session, principal, contract_id)}


@router.get("/{contract_id}/document.pdf", response_class=Response)
def document(contract_id: uuid.UUID, request: Request, session: DbSession, principal: Reader) -> Response:
    """The printable contract (Chinese PDF) with the e-health card QR codes."""
    name, pdf = documents.contract_document(session, principal, contract_id, str(request.base_url))
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/{contract_id}/consent", response_class=Response)
def consent_file(contract_id: uuid.UUID, session: DbSession, principal: Reader) -> Response:
    stored = views.consent_file(session, principal, contract_id)
    return Response(
        stored.data, media_type=stored.content_type, headers={"Content-Disposition": f'attachment; filename="{stored.filename}"'}
    )
