"""Accounts, memberships and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache
from importlib import resources

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from planner.errors import Invalid
from planner.models import ApiToken, Membership, User
from planner.models.auth import ROLES
from planner.models.base import utcnow
from planner.services import directory
from planner.services.login_guard import hashing_slot

MIN_PASSWORD = 8
# werkzeug's current default (scrypt). Tests lower the cost; the hash records its own method.
HASH_METHOD = "scrypt"


def by_username(s: Session, username: str) -> User | None:
    return s.exec(select(User).where(User.username == username.strip().lower())).first()


def create_user(s: Session, username: str, password: str, full_name: str = "") -> User:
    username = username.strip().lower()
    if not username or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise Invalid("Nama pengguna hanya boleh huruf, angka, titik, garis bawah, dan tanda hubung.",
                      field="username")
    if by_username(s, username):
        raise Invalid(f"Nama pengguna '{username}' sudah dipakai.", field="username")
    _check_password(password, username)
    user = User(username=username, full_name=full_name.strip(), password_hash=_hash(password))
    s.add(user)
    s.flush()
    return user


MAX_PASSWORD = 200  # scrypt of a megabyte-long "password" is a cheap denial of service


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords refused at any length (planner/data/common-passwords.txt)."""
    text = resources.files("planner").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _check_password(password: str, username: str = "") -> None:
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"Kata sandi minimal {MIN_PASSWORD} karakter.", field="password")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"Kata sandi maksimal {MAX_PASSWORD} karakter.", field="password")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 3 or (len(username) >= 4 and username.lower() in lowered):
        raise Invalid("Kata sandi terlalu mudah ditebak (umum dipakai, berulang, atau memuat nama pengguna). "
                      "Pilih kalimat sandi yang lebih panjang.", field="password")


def _hash(password: str) -> str:
    with hashing_slot():
        return generate_password_hash(password, method=HASH_METHOD)


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash of the current method for unknown accounts: a wrong name costs as much as a wrong password."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def add_membership(s: Session, user: User, role: str, organization_id: int | None) -> Membership:
    if role not in ROLES:
        raise Invalid(f"Peran '{role}' tidak dikenal. Pilihan: {', '.join(ROLES)}.", field="role")
    if role != "admin" and organization_id is None:
        raise Invalid("Peran selain admin memerlukan organisasi.", field="organization_id")
    existing = s.exec(select(Membership).where(Membership.user_id == user.id, Membership.role == role,
                                               Membership.organization_id == organization_id)).first()
    if existing:
        return existing
    m = Membership(user_id=user.id, role=role, organization_id=organization_id)
    s.add(m)
    s.flush()
    return m


def authenticate(s: Session, username: str, password: str) -> User | None:
    """The user, or None; an unknown or inactive account does the same hashing work as a known one."""
    user = by_username(s, (username or "")[:200])
    stored = user.password_hash if user is not None else _dummy_hash(HASH_METHOD)
    with hashing_slot():
        ok = check_password_hash(stored, (password or "")[:MAX_PASSWORD + 1])
    if user is None or not user.is_active or not ok:
        return None
    return user


def change_password(s: Session, user: User, new_password: str) -> None:
    """A new password ends every session and API token issued before it."""
    _check_password(new_password, user.username)
    user.password_hash = _hash(new_password)
    user.auth_version += 1
    user.must_change_password = False
    s.add(user)
    s.flush()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(s: Session, user: User, hours: int) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_digest(token), auth_version=user.auth_version,
                   expires_at=utcnow() + timedelta(hours=hours))
    s.add(row)
    s.flush()
    return token, row


def signed_in(s: Session, user_id: int) -> User | None:
    """The user of a session cookie, read with the directory stamp (``directory``): the principal that
    follows is then served from memory while no organisation, membership or settings row changed."""
    row = s.exec(select(User, directory.stamp_column()).where(User.id == user_id)).first()
    directory.note(s, row[1] if row else None)
    return row[0] if row else None


def user_for_token(s: Session, token: str) -> User | None:
    row = s.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = s.get(User, row.user_id)
    if user is None or not user.is_active or user.auth_version != row.auth_version:
        return None
    return user


def revoke_token(s: Session, token: str) -> bool:
    row = s.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None:
        return False
    row.revoked_at = utcnow()
    s.add(row)
    s.flush()
    return True


def names(s: Session, user_ids: set[int | None]) -> dict[int, str]:
    """Display names of a few users in one statement (comment authors, history)."""
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    return {u.id: u.full_name or u.username for u in s.exec(select(User).where(User.id.in_(ids)))}


def set_active(s: Session, user: User, active: bool) -> None:
    """Deactivating ends the user's sessions and tokens (auth_version moves on)."""
    user.is_active = active
    user.auth_version += 1
    s.add(user)
    s.flush()


def remove_membership(s: Session, membership_id: int) -> None:
    m = s.get(Membership, membership_id)
    if m is not None:
        s.delete(m)
        s.flush()


def all_users(s: Session) -> list[tuple[User, list[Membership]]]:
    users = list(s.exec(select(User).order_by(User.username)))
    members: dict[int, list[Membership]] = {}
    for m in s.exec(select(Membership)):
        members.setdefault(m.user_id, []).append(m)
    return [(u, members.get(u.id, [])) for u in users]
