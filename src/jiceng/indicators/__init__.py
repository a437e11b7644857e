"""Supervision dashboards: the indicator catalogue, the materialized per-person state it is
computed from, drill-down, exports and the reconciliation against the source tables."""
