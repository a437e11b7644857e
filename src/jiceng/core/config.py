"""One settings object for the whole application.

SQLite in the user's data directory is the default (the embedded node and the demo);
``JICENG_DATABASE_URL`` points a region server at PostgreSQL.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(user_data_dir("jiceng", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JICENG_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    # Web sessions end after this many minutes without a request.
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    api_token_hours: int = 8
    # Cookies carry the Secure flag unless the deployment serves plain HTTP on a LAN.
    cookie_secure: bool = False
    default_language: str = "zh"
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # PostgreSQL: a transaction whose only write is its audit event (a read) commits without
    # waiting for the disk unless this is set (docs/decisions/0010).
    durable_view_audit: bool = False

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'jiceng.sqlite'}"

    def secret_key(self) -> str:
        """The signing key, generated on first use and kept outside the repository."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
