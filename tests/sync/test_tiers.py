"""Multi-tier: village node -> township node -> region; each tier keeps its own outbox
and forwards in both directions."""

from __future__ import annotations

from pathlib import Path

from jiceng.core.db import Database
from jiceng.residents.models import Resident
from jiceng.sync import service as sync
from tests.factories import VILLAGE_A, VILLAGE_B, add_resident, build_region, id_number
from tests.sync.harness import CONSOLE, add_node, rows, serve


def test_village_to_township_to_region_and_back(database: Database, tmp_path: Path) -> None:
    region_map = build_region(database)
    region = serve(database, tmp_path / "region")
    township = add_node(region, "T411202100", tmp_path / "township")
    township_server = serve(township.db, tmp_path / "township-serve")
    village = add_node(township_server, "V411202100201", tmp_path / "village")
    try:
        with village.db.unit_of_work() as s:
            created = add_resident(
                s, region_map.principal("doctor_a"), name="孙八", id_number=id_number("19700707", "081"), village_code=VILLAGE_A
            )
            resident_id = created.id
        village.sync()
        assert rows(database, Resident, id=resident_id) == []  # not yet: the township forwards it
        township.sync()
        assert rows(database, Resident, id=resident_id)[0].name == "孙八"

        with database.unit_of_work() as s:
            s.get(Resident, resident_id).phone = "13500000000"  # type: ignore[union-attr]
            add_resident(s, CONSOLE, name="周九", id_number=id_number("19710707", "091"), village_code=VILLAGE_B)
        township.sync()
        village.sync()
        assert rows(village.db, Resident, id=resident_id)[0].phone == "13500000000"
        assert {r.name for r in rows(township.db, Resident)} >= {"孙八", "周九"}
        assert "周九" not in {r.name for r in rows(village.db, Resident)}  # village B is not the clinic's

        with database.unit_of_work() as s:
            overview = {row.node_id: row for row in sync.nodes_overview(s, CONSOLE)}
        assert set(overview) == {township.db.node_id, village.db.node_id}
        assert overview[village.db.node_id].parent_node_id == township.db.node_id
        assert not overview[village.db.node_id].silent
    finally:
        village.db.dispose()
        township_server.close()
        township.db.dispose()
        region.close()
