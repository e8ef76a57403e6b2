"""Who is acting on a session: the rules of ``planner.permissions`` enforced inside the services.

Every service that changes data asks ``require(s, action, obj)``, so the pages, the API, the CLI and
an importer cannot bypass a rule by calling the service directly. The actor travels with the session
(``Session.info``), which keeps the services' signatures unchanged:

* the web layer installs a loader that yields the logged-in user's (or API token's) principal;
* the CLI and the seeds act as ``SYSTEM``;
* tests act as ``SYSTEM`` through the ``s`` fixture, or as a given user with ``act_as``.

A session with no actor is refused: forgetting to say who acts must never mean "anyone".
"""
from __future__ import annotations

from typing import Callable

from sqlmodel import Session

from planner.errors import Forbidden
from planner.permissions import Principal, can, require as require_principal

KEY = "planner.actor"
LOADER = "planner.actor_loader"


class System:
    """The installation itself (CLI, seeds, migrations): may do everything."""

    is_admin = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()
Actor = Principal | System


def act_as(s: Session, actor: Actor | None) -> Session:
    s.info[KEY] = actor
    return s


def on_demand(s: Session, loader: Callable[[], Actor | None]) -> Session:
    """Resolve the actor only when a service first asks (the web request knows it by then)."""
    s.info[LOADER] = loader
    return s


def actor(s: Session) -> Actor | None:
    if s.info.get(KEY) is None and LOADER in s.info:
        s.info[KEY] = s.info[LOADER]()
    return s.info.get(KEY)


def require(s: Session, action: str, obj) -> None:
    """Refuse unless the acting principal may do ``action`` to ``obj`` (404 outside its scope, 403 inside)."""
    who = actor(s)
    if who is None:
        raise Forbidden("Tidak ada pengguna yang bertindak; masuk terlebih dahulu.")
    if isinstance(who, System):
        return
    require_principal(who, action, obj)


def allowed(s: Session, action: str, obj) -> bool:
    who = actor(s)
    return isinstance(who, System) or (who is not None and can(who, action, obj))


def user_id(s: Session) -> int | None:
    who = actor(s)
    return who.user.id if isinstance(who, Principal) else None
