"""Principals (who is acting), password hashing, and permission checks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jiceng.core.errors import FieldError, Forbidden, ValidationFailed
from jiceng.core.permissions import ROLES, Perm, Role, ScopeKind

# argon2id with the library's RFC 9106 "low memory" profile: strong, and still
# fast enough on an old clinic PC.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


MIN_PASSWORD_LENGTH = 10


def check_password_policy(password: str, username: str = "", field_name: str = "password") -> None:
    """At least 10 characters, three character classes, not containing the username."""
    classes = sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(("too_short", f"密码至少 {MIN_PASSWORD_LENGTH} 个字符", f"at least {MIN_PASSWORD_LENGTH} characters"))
    if classes < 3:
        problems.append(
            (
                "too_simple",
                "需包含大写字母、小写字母、数字、符号中的至少三类",
                "use at least three of: upper case, lower case, digits, symbols",
            )
        )
    if username and username.lower() in password.lower():
        problems.append(("contains_username", "不能包含用户名", "must not contain the user name"))
    if problems:
        raise ValidationFailed([FieldError(field_name, code, f"密码：{zh}", f"Password: {en}") for code, zh, en in problems])


@dataclass(frozen=True)
class Principal:
    """The acting user or machine, with what it may do and to whom."""

    username: str
    role: str
    user_id: uuid.UUID | None = None
    display_name: str = ""
    institution_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    # Supervisors: the division they oversee (a code prefix, e.g. "411202").
    division_code: str | None = None
    interface: str = "web"
    client_address: str | None = None
    extra_permissions: frozenset[str] = field(default_factory=frozenset)
    # OAuth2 scopes of a machine client's token (e.g. "system/Patient.read"); None for users.
    token_scopes: frozenset[str] | None = None

    @property
    def role_def(self) -> Role:
        return ROLES[self.role]

    @property
    def scope(self) -> ScopeKind:
        return self.role_def.scope

    @property
    def permissions(self) -> frozenset[str]:
        return self.role_def.permissions | self.extra_permissions

    def can(self, permission: Perm | str) -> bool:
        return str(permission) in self.permissions

    def require(self, permission: Perm | str) -> None:
        if not self.can(permission):
            raise Forbidden(f"“{permission}”", str(permission))

    def via(self, interface: str, client_address: str | None = None) -> Principal:
        return replace(self, interface=interface, client_address=client_address)

    @classmethod
    def console_operator(cls) -> Principal:
        """The operator at the server console (CLI without ``--user``).

        Whoever runs the CLI already holds the database file or URL, so the scope
        is the whole database; every action is still audited under this name.
        """
        return cls(
            username="console",
            role="console_operator",
            display_name="控制台操作员 / Console operator",
            interface="cli",
        )
