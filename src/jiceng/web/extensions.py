"""Where later domains plug into the shared web layout: navigation links and home panels.

A domain's web routes module calls :func:`add_nav` / :func:`add_home_panel` at import;
the base template shows only the entries the signed-in user's permissions allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiceng.core.security import Principal


@dataclass(frozen=True)
class NavItem:
    label: str  # a key in web.i18n.MESSAGES
    href: str
    permission: str
    order: int = 50


@dataclass(frozen=True)
class HomePanel:
    template: str
    permission: str
    order: int = 50


_nav: list[NavItem] = []
_panels: list[HomePanel] = []
_resident_panels: list[HomePanel] = []


def add_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)
        _nav.sort(key=lambda i: i.order)


def add_home_panel(panel: HomePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def nav_for(principal: Principal | None) -> list[NavItem]:
    return [i for i in _nav if principal and principal.can(i.permission)]


def panels_for(principal: Principal | None) -> list[str]:
    return [p.template for p in _panels if principal and principal.can(p.permission)]


def add_resident_panel(panel: HomePanel) -> None:
    """A section on the resident record page (the template gets ``r``, the resident)."""
    if panel not in _resident_panels:
        _resident_panels.append(panel)
        _resident_panels.sort(key=lambda p: p.order)


def resident_panels_for(principal: Principal | None) -> list[str]:
    return [p.template for p in _resident_panels if principal and principal.can(p.permission)]
