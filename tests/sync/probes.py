"""Probes for the sync endpoints (see tests/matrix.py)."""

from __future__ import annotations

from tests.matrix import Probe

MISSING = "0" * 32

PROBES = {
    # The probe's machine user is not yet a node: first contact registers it.
    ("POST", "/api/v1/sync/push"): Probe(
        200, json=lambda f: {"protocol": 1, "node_id": "probe-node", "batch_id": f["fresh_code"], "records": []}
    ),
    ("POST", "/api/v1/sync/pull"): Probe(200, json=lambda f: {"protocol": 1, "node_id": "probe-node", "cursor": {"seq": 0}, "limit": 1}),
    ("POST", "/api/v1/sync/snapshot"): Probe(200, json=lambda f: {"protocol": 1, "node_id": "probe-node"}),
    ("POST", "/api/v1/sync/nodes"): Probe(201, json=lambda f: {"institution_code": "T411202100", "name": "probe"}),
    ("POST", "/api/v1/sync/nodes/{node_id}/revoke"): Probe(404, path_values=lambda f: {"node_id": "no-such-node"}),
    ("GET", "/api/v1/sync/conflicts/{conflict_id}"): Probe(404, path_values=lambda f: {"conflict_id": MISSING}),
    ("POST", "/api/v1/sync/conflicts/{conflict_id}/resolve"): Probe(
        404, json=lambda f: {"choice": "winner"}, path_values=lambda f: {"conflict_id": MISSING}
    ),
    ("POST", "/sync/run"): Probe(303, form=lambda f: {}),
    ("POST", "/sync/nodes"): Probe(200, form=lambda f: {"institution_code": "T411202100", "name": "probe"}),
    ("POST", "/sync/nodes/{node_id}/revoke"): Probe(404, form=lambda f: {}, path_values=lambda f: {"node_id": "no-such-node"}),
    ("GET", "/sync/conflicts/{conflict_id}"): Probe(404, path_values=lambda f: {"conflict_id": MISSING}),
    ("POST", "/sync/conflicts/{conflict_id}"): Probe(
        404, form=lambda f: {"choice": "winner"}, path_values=lambda f: {"conflict_id": MISSING}
    ),
}
