"""Offline clinic nodes and store-and-forward sync (issue 4, spec ``sync.md``).

Every table that mixes in :class:`jiceng.core.outbox.SyncMixin` takes part, found from the
SQLAlchemy metadata; no domain writes sync code. See ``docs/sync.md`` (how it works, the
checklist for a new domain) and ``docs/sync-protocol.md`` (the wire protocol).
"""
