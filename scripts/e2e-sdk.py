"""The official Databricks SDK for Python against `dbsecrets emulator`: Unity
Catalog secrets and grants, driven as a user of the SDK would, to check that
the emulator serves what an independent client expects (run by e2e-sdk.sh).

Environment: E2E_HOST (the emulator's URL), E2E_ADMIN_TOKEN (a metastore
admin, who owns the schema main.sdk_app), E2E_USER_TOKEN (user@example.com,
no privileges at first). The emulator runs with --uc-page-size 2, so every
listing of more than two items takes several pages.

Then the sign-in cross-check of e2e-sdk-auth.py (the SDK's resolution of the
same settings next to dbsecrets'), which needs E2E_DBSECRETS_BIN (the binary)
and E2E_WORK (a scratch directory) and starts its own emulator.

Prints one `ok - ...` / `not ok - ...` line per check, then `N passed, M failed`
for both parts; exits 1 when anything failed. Connections to anything but
loopback are refused in this process.

What the SDK 0.162 cannot say, and what this script does about it:
- `w.grants.*` take the securable type as a plain `str`, so "catalog",
  "schema" and "secret" are passed as they are.
- `PermissionsChange.add/remove` are typed `List[Privilege]` and serialized as
  `[v.value for v in ...]`; the `Privilege` enum has USE_CATALOG, USE_SCHEMA,
  MANAGE, BROWSE but none of the secret privileges (READ_SECRET,
  CREATE_SECRET, WRITE_SECRET, REFERENCE_SECRET). Those are passed as `Raw`
  strings, which carry the `.value` the SDK reads.
- `Secret` requires name, catalog_name, schema_name and value as arguments,
  also for an update's body: `changes()` passes the path's names and
  `value=None` unless a value is meant (None fields are not sent), and one
  check sends a value the mask does not name, as a user filling every
  required field would.
- When parsing grants, the SDK silently drops privilege strings its enum lacks
  (`_repeated_enum`, and `EffectivePrivilege.privilege` becomes None). So the
  checks compare what the SDK shows (known privileges only) and, for the
  secret privileges, read the same endpoint raw through `w.api_client.do`.
"""

import importlib.util
import logging
import os
import socket
import sys
import traceback

from databricks.sdk import WorkspaceClient
from databricks.sdk.common.types.fieldmask import FieldMask
from databricks.sdk.errors import (
    InvalidParameterValue,
    NotFound,
    PermissionDenied,
    ResourceAlreadyExists,
)
from databricks.sdk.service.catalog import PermissionsChange, Privilege, Secret
from google.protobuf.timestamp_pb2 import Timestamp

# Nothing in this run may leave the machine: the SDK probes hosts on its own
# (/.well-known/databricks-config, Azure tenants), so every name lookup and
# connection that is not to loopback is refused here, before any is made.
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect


def _loopback_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in _LOOPBACK:
        raise OSError(f"e2e-sdk: refusing to look up {name!r}: only loopback is allowed")
    return _getaddrinfo(host, *args, **kwargs)


def _loopback_connect(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
        raise OSError(f"e2e-sdk: refusing to connect to {address[0]!r}: only loopback is allowed")
    return _connect(sock, address)


socket.getaddrinfo = _loopback_getaddrinfo
socket.socket.connect = _loopback_connect

# The SDK warns (on stderr) that the emulator has no /.well-known/databricks-config;
# that probe is optional, and its 404 is the documented answer.
logging.getLogger("databricks.sdk").setLevel(logging.ERROR)

HOST = os.environ["E2E_HOST"]
ADMIN_TOKEN = os.environ["E2E_ADMIN_TOKEN"]
USER_TOKEN = os.environ["E2E_USER_TOKEN"]
USER = "user@example.com"
SCHEMA = "main.sdk_app"


class Raw(str):
    """A privilege the SDK's `Privilege` enum lacks, with the `.value` the
    SDK serializes."""

    @property
    def value(self):
        return str(self)


def client(token, **extra):
    return WorkspaceClient(host=HOST, token=token, auth_type="pat", **extra)


def changes(value=None, **fields):
    """An update's body for main.sdk_app.vendor_key: the required names of
    the path, and only the fields given."""
    return Secret(name="vendor_key", catalog_name="main", schema_name="sdk_app", value=value, **fields)


def timestamp(text):
    t = Timestamp()
    t.FromJsonString(text)
    return t


admin = client(ADMIN_TOKEN)
user = client(USER_TOKEN)

# Count the HTTP calls (and their query) the SDK makes, to see paging happen.
calls = []
_do = admin.api_client.do


def counting_do(method, path=None, **kwargs):
    calls.append((method, path, dict(kwargs.get("query") or {})))
    return _do(method, path, **kwargs)


admin.api_client.do = counting_do

PASSED = 0
FAILED = 0


def check(description):
    """Runs the decorated function as one check: it passes when it raises
    nothing."""

    def run(fn):
        global PASSED, FAILED
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - every failure is reported
            FAILED += 1
            print(f"not ok - {description}")
            reason = str(e) or type(e).__name__
            for line in reason.splitlines() or [reason]:
                print(f"#   {line}")
            for line in traceback.format_exc().splitlines()[-6:]:
                print(f"#   {line}")
        else:
            PASSED += 1
            print(f"ok - {description}")
        return fn

    return run


def expect_error(kind, fn, contains=None):
    try:
        fn()
    except kind as e:
        if contains and contains not in str(e):
            raise AssertionError(f"{type(e).__name__} without {contains!r}: {e}") from e
        return e
    except Exception as e:
        raise AssertionError(f"expected {kind.__name__}, got {type(e).__name__}: {e}") from e
    raise AssertionError(f"expected {kind.__name__}, but the call succeeded")


def raw_grants(endpoint, securable_type, full_name):
    """The grants as the emulator sent them, before the SDK's enum drops any."""
    answer = admin.api_client.do("GET", f"/api/2.1/unity-catalog/{endpoint}/{securable_type}/{full_name}")
    return answer.get("privilege_assignments", [])


# ---------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------


@check("create_secret with a flat Secret answers it, names folded to lower case, no value")
def _():
    s = admin.secrets_uc.create_secret(
        Secret(
            catalog_name="main",
            schema_name="SDK_App",
            name="Vendor_Key",
            value="s3cr3t-1",
            comment="Vendor X",
            expire_time=timestamp("2027-01-01T01:00:00+01:00"),
        )
    )
    assert s.full_name == "main.sdk_app.vendor_key", s.full_name
    assert (s.catalog_name, s.schema_name, s.name) == ("main", "sdk_app", "vendor_key")
    assert s.effective_value is None and s.value is None, "the value came back"
    assert s.effective_owner == "admin@example.com", s.effective_owner
    assert s.comment == "Vendor X", s.comment
    assert s.expire_time.ToJsonString() == "2027-01-01T00:00:00Z", s.expire_time.ToJsonString()
    assert s.create_time is not None and s.create_time == s.update_time
    assert s.metastore_id, "no metastore_id"


@check("get_secret without include_value has no value; with include_value=True, effective_value")
def _():
    s = admin.secrets_uc.get_secret("main.sdk_app.vendor_key")
    assert s.effective_value is None, "value without include_value"
    s = admin.secrets_uc.get_secret("main.sdk_app.vendor_key", include_value=True)
    assert s.effective_value == "s3cr3t-1", s.effective_value
    assert calls[-1][2] == {"include_value": True}, calls[-1]


@check("names with -, @, + and non-ASCII go through the SDK's path unescaped and come back")
def _():
    for name in ["api-key@corp+1", "grüße"]:
        admin.secrets_uc.create_secret(Secret(catalog_name="main", schema_name="sdk_app", name=name, value="v"))
        got = admin.secrets_uc.get_secret(f"main.sdk_app.{name}", include_value=True)
        assert got.name == name and got.effective_value == "v", got


@check("a second create_secret of the same name raises ResourceAlreadyExists (409)")
def _():
    e = expect_error(
        ResourceAlreadyExists,
        lambda: admin.secrets_uc.create_secret(
            Secret(catalog_name="main", schema_name="sdk_app", name="VENDOR_KEY", value="x")
        ),
        "Secret 'main.sdk_app.vendor_key' already exists.",
    )
    assert e.error_code == "RESOURCE_ALREADY_EXISTS", e.error_code


@check("get_secret of a missing secret raises NotFound (404) naming it")
def _():
    expect_error(
        NotFound,
        lambda: admin.secrets_uc.get_secret("main.sdk_app.nope"),
        "Secret 'main.sdk_app.nope' does not exist.",
    )
    expect_error(NotFound, lambda: admin.secrets_uc.get_secret("main.nope.k"), "Schema 'main.nope' does not exist.")


@check("bad input raises InvalidParameterValue (400): empty value, bad name, only one of catalog/schema")
def _():
    expect_error(
        InvalidParameterValue,
        lambda: admin.secrets_uc.create_secret(Secret(catalog_name="main", schema_name="sdk_app", name="e", value="")),
    )
    expect_error(
        InvalidParameterValue,
        lambda: admin.secrets_uc.create_secret(
            Secret(catalog_name="main", schema_name="sdk_app", name="a b", value="v")
        ),
    )
    expect_error(InvalidParameterValue, lambda: list(admin.secrets_uc.list_secrets(catalog_name="main")))


@check("list_secrets of the schema follows every page (page size 2) in full-name order, without values")
def _():
    for i in range(4):
        admin.secrets_uc.create_secret(
            Secret(catalog_name="main", schema_name="sdk_app", name=f"page-{i}", value=f"v{i}")
        )
    before = len(calls)
    got = list(admin.secrets_uc.list_secrets(catalog_name="main", schema_name="sdk_app"))
    names = [s.full_name for s in got]
    expected = sorted(
        f"main.sdk_app.{n}" for n in ["vendor_key", "api-key@corp+1", "grüße", "page-0", "page-1", "page-2", "page-3"]
    )
    assert names == expected, names
    assert all(s.effective_value is None for s in got), "a listing carried a value"
    pages = calls[before:]
    assert len(pages) == 4, f"{len(pages)} requests for 7 secrets in pages of 2"
    assert "page_token" not in pages[0][2] and all("page_token" in p[2] for p in pages[1:]), pages


@check("list_secrets with neither catalog nor schema lists the metastore; page_size=1 takes one per page")
def _():
    before = len(calls)
    got = list(admin.secrets_uc.list_secrets(page_size=1))
    assert len(got) == 7, len(got)
    assert len(calls) - before == 7, f"{len(calls) - before} pages"


@check("update_secret with update_mask=value,comment changes exactly those")
def _():
    s = admin.secrets_uc.update_secret(
        "main.sdk_app.vendor_key",
        changes(value="s3cr3t-2", comment="rotated", owner="ignored-not-in-mask"),
        FieldMask(["value", "comment"]),
    )
    assert calls[-1][2] == {"update_mask": "value,comment"}, calls[-1]
    assert s.comment == "rotated" and s.effective_owner == "admin@example.com", s
    assert s.expire_time.ToJsonString() == "2027-01-01T00:00:00Z", "expiry kept"
    assert s.effective_value is None, "update answered the value"
    got = admin.secrets_uc.get_secret("main.sdk_app.vendor_key", include_value=True)
    assert got.effective_value == "s3cr3t-2", got.effective_value


@check("update_secret naming expire_time without one clears it; '*' updates what is set")
def _():
    s = admin.secrets_uc.update_secret("main.sdk_app.vendor_key", changes(), FieldMask(["expire_time"]))
    assert s.expire_time is None, s.expire_time
    s = admin.secrets_uc.update_secret(
        "main.sdk_app.vendor_key",
        changes(comment="star", expire_time=timestamp("2028-02-03T04:05:06.789Z")),
        FieldMask(["*"]),
    )
    assert s.comment == "star" and s.expire_time.ToJsonString() == "2028-02-03T04:05:06.789Z", s
    assert admin.secrets_uc.get_secret("main.sdk_app.vendor_key", include_value=True).effective_value == "s3cr3t-2"


@check("update_secret with every required field set but update_mask=comment changes only the comment")
def _():
    s = admin.secrets_uc.update_secret(
        "main.sdk_app.vendor_key", changes(value="not-in-mask", comment="only this"), FieldMask(["comment"])
    )
    assert s.comment == "only this", s.comment
    assert admin.secrets_uc.get_secret("main.sdk_app.vendor_key", include_value=True).effective_value == "s3cr3t-2"


@check("update_secret with a masked value left out raises InvalidParameterValue")
def _():
    expect_error(
        InvalidParameterValue,
        lambda: admin.secrets_uc.update_secret("main.sdk_app.vendor_key", changes(comment="c"), FieldMask(["value"])),
        "update_mask names 'value'",
    )


@check("a workspace id (X-Databricks-Workspace-Id) is accepted")
def _():
    w = client(ADMIN_TOKEN, workspace_id="1234567890")
    assert w.secrets_uc.get_secret("main.sdk_app.page-0").full_name == "main.sdk_app.page-0"


# ---------------------------------------------------------------------------
# Grants, and what a second, non-admin principal may do
# ---------------------------------------------------------------------------


@check("a principal with no privileges gets PermissionDenied (403) and sees no secrets")
def _():
    expect_error(PermissionDenied, lambda: user.secrets_uc.get_secret("main.sdk_app.vendor_key"), "USE CATALOG")
    expect_error(
        PermissionDenied,
        lambda: user.secrets_uc.create_secret(Secret(catalog_name="main", schema_name="sdk_app", name="u", value="v")),
    )
    assert list(user.secrets_uc.list_secrets()) == [], "the metastore listing is filtered"


@check("grants.update on catalog and schema (raw READ_SECRET next to enum privileges)")
def _():
    r = admin.grants.update(
        "catalog", "main", changes=[PermissionsChange(principal=USER, add=[Privilege.USE_CATALOG])]
    )
    assert [(a.principal, a.privileges) for a in r.privilege_assignments] == [(USER, [Privilege.USE_CATALOG])], r
    r = admin.grants.update(
        "schema",
        SCHEMA,
        changes=[PermissionsChange(principal=USER, add=[Privilege.USE_SCHEMA, Raw("READ_SECRET")])],
    )
    # The SDK drops READ_SECRET from what it parses; the emulator sent it.
    assert [(a.principal, a.privileges) for a in r.privilege_assignments] == [(USER, [Privilege.USE_SCHEMA])], r
    assert raw_grants("permissions", "schema", SCHEMA) == [
        {"principal": USER, "privileges": ["READ_SECRET", "USE_SCHEMA"]}
    ]


@check("with USE_CATALOG, USE_SCHEMA and READ_SECRET on the schema, the user reads a value")
def _():
    s = user.secrets_uc.get_secret("main.sdk_app.page-1", include_value=True)
    assert s.effective_value == "v1", s.effective_value
    assert len(list(user.secrets_uc.list_secrets(catalog_name="main", schema_name="sdk_app"))) == 7


@check("grants.get on a secret (type 'secret'), and get_effective with inherited_from_*")
def _():
    r = admin.grants.update(
        "secret",
        "main.sdk_app.vendor_key",
        changes=[PermissionsChange(principal="account users", add=[Privilege.MANAGE])],
    )
    assert [(a.principal, a.privileges) for a in r.privilege_assignments] == [("account users", [Privilege.MANAGE])]
    got = admin.grants.get("secret", "main.sdk_app.vendor_key")
    assert [(a.principal, a.privileges) for a in got.privilege_assignments] == [("account users", [Privilege.MANAGE])]
    eff = admin.grants.get_effective("secret", "main.sdk_app.vendor_key", principal=USER)
    (assignment,) = eff.privilege_assignments
    seen = [
        (p.privilege, p.inherited_from_type.value if p.inherited_from_type else None, p.inherited_from_name)
        for p in assignment.privileges
    ]
    # READ_SECRET is unknown to the SDK's enum: it reads it as None.
    assert seen == [
        (None, "SCHEMA", SCHEMA),
        (Privilege.USE_CATALOG, "CATALOG", "main"),
        (Privilege.USE_SCHEMA, "SCHEMA", SCHEMA),
    ], seen
    raw = admin.api_client.do(
        "GET", "/api/2.1/unity-catalog/effective-permissions/secret/main.sdk_app.vendor_key", query={"principal": USER}
    )
    assert raw["privilege_assignments"][0]["privileges"][0] == {
        "privilege": "READ_SECRET",
        "inherited_from_type": "SCHEMA",
        "inherited_from_name": SCHEMA,
    }, raw


@check("grants.list and grants.list_effective follow every page")
def _():
    for p in ["p1", "p2", "p3"]:
        admin.grants.update("catalog", "main", changes=[PermissionsChange(principal=p, add=[Privilege.BROWSE])])
    before = len(calls)
    listed = list(admin.grants.list("catalog", "main"))
    assert [a.principal for a in listed] == ["p1", "p2", "p3", USER], [a.principal for a in listed]
    assert len(calls) - before == 2, f"{len(calls) - before} pages"
    effective = list(admin.grants.list_effective("secret", "main.sdk_app.vendor_key"))
    assert [a.principal for a in effective] == ["account users", "p1", "p2", "p3", USER], effective


@check("MANAGE without READ_SECRET: metadata and grants yes, the value no (PermissionDenied)")
def _():
    admin.grants.update(
        "schema", SCHEMA, changes=[PermissionsChange(principal=USER, remove=[Raw("READ_SECRET")])]
    )
    admin.grants.update(
        "secret", "main.sdk_app.page-2", changes=[PermissionsChange(principal=USER, add=[Privilege.MANAGE])]
    )
    assert user.secrets_uc.get_secret("main.sdk_app.page-2").effective_value is None
    expect_error(
        PermissionDenied,
        lambda: user.secrets_uc.get_secret("main.sdk_app.page-2", include_value=True),
        "READ SECRET",
    )
    assert user.grants.get("secret", "main.sdk_app.page-2").privilege_assignments[0].principal == USER
    # The revoke took the schema-wide read away.
    expect_error(PermissionDenied, lambda: user.secrets_uc.get_secret("main.sdk_app.page-1", include_value=True))
    assert [s.name for s in user.secrets_uc.list_secrets()] == ["page-2"]


@check("CREATE_SECRET on the schema lets the user create; the creator owns, reads and deletes it")
def _():
    admin.grants.update(
        "schema", SCHEMA, changes=[PermissionsChange(principal=USER, add=[Raw("CREATE_SECRET")])]
    )
    s = user.secrets_uc.create_secret(Secret(catalog_name="main", schema_name="sdk_app", name="users", value="u"))
    assert s.effective_owner == USER, s.effective_owner
    assert user.secrets_uc.get_secret("main.sdk_app.users", include_value=True).effective_value == "u"
    user.secrets_uc.delete_secret("main.sdk_app.users")
    expect_error(PermissionDenied, lambda: user.secrets_uc.delete_secret("main.sdk_app.vendor_key"))


@check("delete_secret removes it; a second delete raises NotFound")
def _():
    admin.secrets_uc.delete_secret("main.sdk_app.vendor_key")
    expect_error(NotFound, lambda: admin.secrets_uc.get_secret("main.sdk_app.vendor_key"))
    expect_error(NotFound, lambda: admin.secrets_uc.delete_secret("main.sdk_app.vendor_key"))
    expect_error(NotFound, lambda: admin.grants.get("secret", "main.sdk_app.vendor_key"))


# ---------------------------------------------------------------------------
# Sign-in: the SDK's resolution of the same settings next to dbsecrets'
# (scripts/e2e-sdk-auth.py, with its own emulator), counted here
# ---------------------------------------------------------------------------

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e-sdk-auth.py")
_spec = importlib.util.spec_from_file_location("e2e_sdk_auth", _path)
_auth = importlib.util.module_from_spec(_spec)
try:
    _spec.loader.exec_module(_auth)
    _auth.run(check)
except Exception:  # noqa: BLE001 - a set-up failure is one failed check
    FAILED += 1
    print("not ok - sign-in cross-check: set-up")
    for line in traceback.format_exc().splitlines()[-8:]:
        print(f"#   {line}")

print(f"{PASSED} passed, {FAILED} failed")
sys.exit(1 if FAILED else 0)
