"""The contract between the FHIR router and each domain's ``fhir.py``.

A domain subclasses :class:`ResourceHandler` for each resource type it maps and calls
:func:`register`. The router, the CapabilityStatement and Bundle processing only ever
talk to handlers, so a new domain adds FHIR support without touching them. A domain whose
records map to a type another domain already handles adds a :class:`Contributor` instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.clock import to_datetime
from jiceng.core.fhir.outcome import FhirError, invalid, not_supported, refused
from jiceng.core.fhir.search import SearchRequest
from jiceng.core.security import Principal

FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


@dataclass
class SearchPage:
    resources: list[dict[str, Any]]
    next_position: dict[str, Any] | None = None


@dataclass
class SearchParam:
    type: str  # string | token | date | reference | quantity | number | uri
    description: str
    target: str | None = None  # for references: the resource type


@dataclass
class Include:
    """``_include=Type:param``: the references a page of results points at."""

    target: str
    references: Callable[[dict[str, Any]], list[str]]  # resource → ["Organization/123", …]


@dataclass
class ResourceHandler:
    resource_type: ClassVar[str] = ""
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    search_params: ClassVar[dict[str, SearchParam]] = {}
    conditional_create: ClassVar[bool] = False
    conditional_update: ClassVar[bool] = False
    # "retain": elements we do not map are kept verbatim and returned on read;
    # "refuse": a resource carrying them is refused with an OperationOutcome naming them.
    unmapped: ClassVar[str] = "refuse"
    mapped_elements: ClassVar[frozenset[str]] = frozenset()
    documentation: ClassVar[str] = ""
    includes: dict[str, Include] = field(default_factory=dict)

    # Each returns resources as plain dicts (serialized with orjson by the router).
    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        raise not_supported(f"{self.resource_type} 不支持读取", f"read is not supported for {self.resource_type}")

    def vread(self, session: Session, principal: Principal, resource_id: str, version: str) -> dict[str, Any]:
        raise not_supported(f"{self.resource_type} 不支持版本读取", f"vread is not supported for {self.resource_type}")

    def history(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        raise not_supported(f"{self.resource_type} 不支持历史", f"history is not supported for {self.resource_type}")

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        raise not_supported(f"{self.resource_type} 不支持检索", f"search is not supported for {self.resource_type}")

    def create(self, session: Session, principal: Principal, resource: dict[str, Any]) -> dict[str, Any]:
        raise not_supported(f"{self.resource_type} 不支持创建", f"create is not supported for {self.resource_type}")

    def update(
        self, session: Session, principal: Principal, resource_id: str, resource: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        raise not_supported(f"{self.resource_type} 不支持更新", f"update is not supported for {self.resource_type}")

    def delete(self, session: Session, principal: Principal, resource_id: str) -> None:
        raise not_supported(f"{self.resource_type} 不支持删除", f"delete is not supported for {self.resource_type}")

    def prepare(self, session: Session, principal: Principal, incoming: list[dict[str, Any]]) -> None:
        """Before a Bundle's entries of this type are processed: prefetch what they share."""

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        """For Patient/$everything: this type's resources about one patient."""
        return []

    def check_elements(self, resource: dict[str, Any]) -> dict[str, Any]:
        """Unmapped top-level elements: returned to retain, or refused (rule 4 of spec fhir.md)."""
        if resource.get("resourceType") != self.resource_type:
            raise invalid(f"resourceType 应为 {self.resource_type}", f"resourceType must be {self.resource_type}", "resourceType")
        unknown = {k: v for k, v in resource.items() if k not in self.mapped_elements and k not in ("resourceType", "id", "meta", "text")}
        if unknown and self.unmapped == "refuse":
            raise refused(", ".join(f"{self.resource_type}.{k}" for k in sorted(unknown)))
        return unknown


_handlers: dict[str, ResourceHandler] = {}


def register(handler: ResourceHandler) -> ResourceHandler:
    """Register the one handler of a resource type; other domains contribute to it instead.

    The handler is made to serve its type's contributors (:func:`_serve_contributors`), so a
    domain that contributes never has to edit the owner."""
    existing = _handlers.get(handler.resource_type)
    if existing is not None and type(existing) is not type(handler):
        raise ValueError(f"{handler.resource_type} is already handled by {type(existing).__name__}; add a Contributor instead")
    _serve_contributors(handler)
    _handlers[handler.resource_type] = handler
    _document(handler)
    return handler


def handlers() -> dict[str, ResourceHandler]:
    """Every registered handler, after loading the domains' ``fhir`` modules."""
    from jiceng.core.discovery import domain_modules

    domain_modules("fhir")
    return dict(sorted(_handlers.items()))


def handler(resource_type: str) -> ResourceHandler:
    found = handlers().get(resource_type)
    if found is None:
        raise FhirError(404, f"不支持的资源类型：{resource_type}", f"Unsupported resource type: {resource_type}", code="not-supported")
    return found


class Contributor:
    """More resources of a type whose handler another domain registered (read-only over FHIR).

    One handler serves each resource type: the results domain's handler serves Observation.
    A domain whose own records also map to that type (the health check's measurements) adds
    a contributor with :func:`contribute` instead of a second handler. The handler asks its
    contributors to read the ids they recognise (:func:`contributed_read`), merges their
    matches into its search pages (:func:`merged_search`, keyset by id in string order) and
    adds theirs to ``Patient/$everything`` (:func:`contributed_everything`).
    """

    resource_type: ClassVar[str] = ""
    # Appended to the owner's documentation in the CapabilityStatement.
    documentation: ClassVar[str] = ""

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any] | None:
        """The resource, or None when ``resource_id`` is not one of this contributor's ids
        (recognise them cheaply, e.g. by their form). One of its own ids that is absent or
        out of scope raises as a handler's read does (404)."""
        return None

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> list[dict[str, Any]]:
        """Matches in id order (plain string order), only ids after ``request.after["id"]``
        when paging, at most ``request.count + 1``. A parameter it cannot evaluate matches nothing."""
        return []

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        """For Patient/$everything: this contributor's resources about one patient."""
        return []


_contributors: dict[str, list[Contributor]] = {}


def contribute(contributor: Contributor) -> Contributor:
    kept = [c for c in _contributors.get(contributor.resource_type, []) if type(c) is not type(contributor)]
    _contributors[contributor.resource_type] = [*kept, contributor]
    owner = _handlers.get(contributor.resource_type)
    if owner is not None:
        _document(owner)
    return contributor


def _document(handler: ResourceHandler) -> None:
    """The owner's documentation followed by its contributors' (for the CapabilityStatement)."""
    extra = [c.documentation for c in _contributors.get(handler.resource_type, []) if c.documentation]
    vars(handler)["documentation"] = " ".join([type(handler).documentation, *extra]).strip()  # shadows the ClassVar


# The resource types whose contributors the running search / $everything has consulted, so
# that an owner which merges its contributors itself is not merged a second time.
_consulted: ContextVar[set[str] | None] = ContextVar("fhir_contributors_consulted", default=None)


def _note_consulted(resource_type: str) -> None:
    seen = _consulted.get()
    if seen is not None:
        seen.add(resource_type)


def _serve_contributors(handler: ResourceHandler) -> None:
    """Make ``handler`` serve its type's contributors, whether or not its own code asks them.

    Owners written before a contributor existed (Condition, in the residents domain) only
    know their own records. The handler's ``read`` asks the contributors first (they
    recognise their ids by form, cheaply); ``search`` and ``everything`` merge the
    contributors' resources unless the owner already did (it called :func:`merged_search`
    or :func:`contributed_everything`, which note it)."""
    if "search" in vars(handler):
        return  # already serving them (registered twice)
    resource_type = handler.resource_type
    own_read, own_search, own_everything = handler.read, handler.search, handler.everything

    def read(session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        found = contributed_read(session, principal, resource_type, resource_id)
        return found if found is not None else own_read(session, principal, resource_id)

    def search(session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        token = _consulted.set(set())
        try:
            page = own_search(session, principal, request)
            merged = resource_type in (_consulted.get() or set())
        finally:
            _consulted.reset(token)
        return page if merged else merged_search(session, principal, resource_type, request, page)

    def everything(session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        token = _consulted.set(set())
        try:
            found = own_everything(session, principal, resource_id)
            merged = resource_type in (_consulted.get() or set())
        finally:
            _consulted.reset(token)
        return found if merged else found + contributed_everything(session, principal, resource_type, resource_id)

    vars(handler).update(read=read, search=search, everything=everything)


def contributors(resource_type: str) -> list[Contributor]:
    handlers()  # the domains' fhir modules register their contributors when loaded
    return list(_contributors.get(resource_type, []))


def contributed_read(session: Session, principal: Principal, resource_type: str, resource_id: str) -> dict[str, Any] | None:
    for contributor in contributors(resource_type):
        found = contributor.read(session, principal, resource_id)
        if found is not None:
            return found
    return None


def merged_search(session: Session, principal: Principal, resource_type: str, request: SearchRequest, page: SearchPage) -> SearchPage:
    """The handler's own page (ordered by id, ``next_position`` set when it has more) merged
    with its contributors' matches: one page ordered by id, paged by the last id shown.
    Owner resources at or before the page position are dropped (an owner that does not
    page returns all its matches on every page)."""
    _note_consulted(resource_type)
    extra = [r for c in contributors(resource_type) for r in c.search(session, principal, request)]
    if not extra:
        return page
    position = after_id(request)
    own = [r for r in page.resources if position is None or str(r["id"]) > position]
    found = sorted([*own, *extra], key=lambda r: str(r["id"]))
    more = page.next_position is not None or len(found) > request.count
    found = found[: request.count]
    return SearchPage(found, {"id": str(found[-1]["id"])} if more and found else None)


def contributed_everything(session: Session, principal: Principal, resource_type: str, resource_id: str) -> list[dict[str, Any]]:
    _note_consulted(resource_type)
    return [r for c in contributors(resource_type) for r in c.everything(session, principal, resource_id)]


def after_id(request: SearchRequest) -> str | None:
    """The id a keyset page starts after (from the page token), or None on the first page."""
    if not request.after:
        return None
    value = request.after.get("id")
    if not isinstance(value, str) or not FHIR_ID.fullmatch(value):
        raise invalid("分页标记无效", "Invalid page token", "_page")
    return value


def check_id(resource_id: str) -> str:
    if not FHIR_ID.fullmatch(resource_id):
        raise invalid(f"资源 id 格式无效：{resource_id}", f"Invalid resource id: {resource_id}", "id")
    return resource_id


def meta(version: int, hlc: int) -> dict[str, str]:
    return {"versionId": str(version), "lastUpdated": to_datetime(hlc).isoformat().replace("+00:00", "Z")}


def require_scope(principal: Principal, resource_type: str, access: str) -> None:
    """SMART Backend Services scopes (``system/Patient.read``) for machine clients' tokens."""
    scopes = principal.token_scopes
    if scopes is None:
        return
    wanted = {f"system/{resource_type}.{access}", f"system/*.{access}", f"system/{resource_type}.*", "system/*.*"}
    if not scopes & wanted:
        raise FhirError(
            403,
            f"访问令牌缺少范围 system/{resource_type}.{access}",
            f"The token lacks scope system/{resource_type}.{access}",
            code="forbidden",
        )
