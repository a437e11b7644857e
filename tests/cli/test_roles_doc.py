from pathlib import Path

from jiceng.cli.users import roles_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_roles_doc_matches_the_role_table() -> None:
    """docs/roles.md is generated with `jiceng roles --markdown`; regenerate it when roles change."""
    text = DOC.read_text(encoding="utf-8")
    assert roles_markdown() in text
