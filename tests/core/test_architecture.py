"""The layering rules of docs/architecture.md, checked by reading imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from jiceng.core.discovery import INTERFACE_PACKAGES, domain_packages

SRC = Path(__file__).resolve().parents[2] / "src" / "jiceng"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def _files(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def test_domains_never_import_fastapi_or_interfaces() -> None:
    offenders = []
    for domain in domain_packages():
        for path in _files(domain):
            for name in _imports(path):
                if name.split(".")[0] in ("fastapi", "starlette") or name.startswith(("jiceng.api", "jiceng.web", "jiceng.cli")):
                    offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_domains_use_other_domains_through_their_service_only() -> None:
    offenders = []
    for domain in domain_packages():
        for path in _files(domain):
            for name in _imports(path):
                parts = name.split(".")
                if (
                    len(parts) >= 3
                    and parts[0] == "jiceng"
                    and parts[1] in domain_packages()
                    and parts[1] != domain
                    and parts[2] in ("repository", "models")
                ):
                    offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_interfaces_do_not_touch_repositories_or_tables() -> None:
    offenders = []
    for package in ("api", "web", "cli"):
        for path in _files(package):
            for name in _imports(path):
                parts = name.split(".")
                if len(parts) >= 3 and parts[1] in domain_packages() and parts[2] in ("repository", "models"):
                    offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_core_imports_no_domain() -> None:
    offenders = []
    for path in _files("core"):
        for name in _imports(path):
            parts = name.split(".")
            if (
                len(parts) >= 2
                and parts[0] == "jiceng"
                and parts[1] not in INTERFACE_PACKAGES | {"core", "models"}
                and parts[1] in domain_packages()
            ):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_no_reaching_through_a_service_to_a_repository() -> None:
    """``registry.repository.x`` via an imported service module is the same violation."""
    offenders = []
    for path in SRC.rglob("*.py"):
        owner = path.relative_to(SRC).parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("repository", "models")
                and isinstance(node.value, ast.Name)
                and node.value.id != owner
                and node.value.id in domain_packages()
            ):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert offenders == []


def test_driver_cursors_come_only_from_core_durability() -> None:
    """A driver cursor bypasses the engine's events, which decide whether a commit may skip
    waiting for the disk (ADR 0010): ``core.durability.raw_cursor`` marks its transaction."""
    pattern = re.compile(r"\.connection\.cursor\(")
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "core" / "durability.py" and pattern.search(path.read_text())
    ]
    assert offenders == []
