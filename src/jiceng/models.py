"""Every domain's tables, for Alembic and tests: ``jiceng.<domain>.models`` is found by convention."""

from jiceng.core import audit, history, outbox, region_config
from jiceng.core.db import Base, NodeIdentity
from jiceng.core.discovery import domain_modules
from jiceng.core.fhir import retained

DOMAIN_MODELS = domain_modules("models")

__all__ = ["DOMAIN_MODELS", "Base", "NodeIdentity", "audit", "history", "outbox", "region_config", "retained"]
