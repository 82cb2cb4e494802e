"""Where a SPARQL server's endpoints are and who akg is there: presets, variables, credentials.

The endpoint paths of each kind of server are data (``servers.toml``), chosen with
``AKG_SPARQL_PRESET``; ``AKG_SPARQL_QUERY``, ``AKG_SPARQL_UPDATE`` and ``AKG_SPARQL_STORE``
override single endpoints with full URLs. The user comes from the URL (``http://dba@host``) or
``AKG_SPARQL_USER``; the password from the URL, ``AKG_SPARQL_PASSWORD`` or ``~/.netrc``. Both
HTTP Basic and Digest are answered, whichever the server asks for.
"""

from __future__ import annotations

import netrc
import os
import re
import tomllib
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from alliance_kg.errors import StoreError

#: Environment variables: single endpoints (full URLs), the preset, the account, the union.
QUERY_ENV, UPDATE_ENV, STORE_ENV = "AKG_SPARQL_QUERY", "AKG_SPARQL_UPDATE", "AKG_SPARQL_STORE"
PRESET_ENV, USER_ENV, PASSWORD_ENV = "AKG_SPARQL_PRESET", "AKG_SPARQL_USER", "AKG_SPARQL_PASSWORD"
UNION_ENV = "AKG_SPARQL_UNION"
DEFAULT_PRESET = "oxigraph"
_PRESETS = Path(__file__).with_name("servers.toml")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Endpoints:
    """The resolved endpoints of one server and how to talk to it."""

    base: str  # the base URL without credentials, as shown in messages
    query: str
    update: str
    store: str
    #: True/False when configured, None to ask the server (see ``RemoteStore.offers_union``).
    union: bool | None
    #: Put before every query and update, on the line of the declared prefixes.
    prologue: str
    user: str | None
    password: str | None


@cache
def presets() -> dict[str, dict[str, Any]]:
    """The server presets of ``servers.toml`` by name."""
    with _PRESETS.open("rb") as file:
        return tomllib.load(file)


def resolve(url: str) -> Endpoints:
    """The endpoints and account for the server at ``url`` (see the module's description).

    Raises ``StoreError`` for a URL that is not http(s), an unknown preset, an invalid
    ``AKG_SPARQL_UNION`` or a user without a password.
    """
    parts = urllib.parse.urlsplit(url.rstrip("/"))
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise StoreError(f"{_hide_password(url)} is not a valid SPARQL server URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{_hide_password(url)} is not a SPARQL server URL (http:// or https://)")
    netloc = parts.netloc.rpartition("@")[2]
    base = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    name = os.environ.get(PRESET_ENV) or DEFAULT_PRESET
    preset = presets().get(name.lower())
    if preset is None:
        raise StoreError(
            f"{PRESET_ENV}={name} is not a known kind of server; use one of "
            + ", ".join(sorted(presets()))
        )
    user = urllib.parse.unquote(parts.username) if parts.username else None
    user = user or os.environ.get(USER_ENV) or None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    user, password = _account(parts.hostname, user, password)
    paths = {**preset, **preset.get("authenticated", {})} if user else preset
    # An empty variable counts as unset, so `AKG_SPARQL_QUERY= akg ...` restores the preset.
    return Endpoints(
        base=base,
        query=os.environ.get(QUERY_ENV) or base + paths["query"],
        update=os.environ.get(UPDATE_ENV) or base + paths["update"],
        store=os.environ.get(STORE_ENV) or base + paths["store"],
        union=_union(preset.get("union")),
        prologue=" ".join(preset.get("prologue", "").split()),
        user=user,
        password=password,
    )


def with_user(url: str, user: str) -> str:
    """``url`` with ``user`` as its user (replacing any given in it), the way ``--user`` is
    carried to every place that opens the store."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{urllib.parse.quote(user)}@{host}"))


def opener(endpoints: Endpoints) -> urllib.request.OpenerDirector:
    """A URL opener that answers the server's Basic or Digest challenge with the account."""
    if endpoints.user is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    for url in {endpoints.base, endpoints.query, endpoints.update, endpoints.store}:
        passwords.add_password(None, url, endpoints.user, endpoints.password or "")
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords),
        urllib.request.HTTPBasicAuthHandler(passwords),
    )


def _account(host: str, user: str | None, password: str | None) -> tuple[str | None, str | None]:
    """The user and password for ``host``: the given ones, else the environment, else netrc."""
    if password is None:
        password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return user, password
    entry = _netrc_entry(host)
    if entry is not None and (user is None or user == entry[0]):
        return entry[0] or user, entry[2]
    if user is not None:
        raise StoreError(
            f"no password for user {user} at {host}: set {PASSWORD_ENV} or add "
            f"`machine {host} login {user} password ...` to ~/.netrc"
        )
    return None, None


def _netrc_entry(host: str) -> tuple[str, str | None, str | None] | None:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        return netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise StoreError(f"cannot read {path}: {exc}") from exc


def _union(configured: object) -> bool | None:
    value = os.environ.get(UNION_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if value:
        raise StoreError(f"{UNION_ENV}={value} is not 1 or 0 (or true or false)")
    return configured if isinstance(configured, bool) else None


def _hide_password(url: str) -> str:
    return re.sub(r"//([^/@:]*):[^/@]*@", r"//\1:***@", url)
