"""Sign-in, cross-checked: the same settings (environment variables, a
~/.databrickscfg in a fresh HOME, fake `databricks` CLIs on PATH) are given to
the official SDK (`Config()` with exactly that os.environ, then
`WorkspaceClient`) and to `dbsecrets auth describe --check -o json`; both must
pick the same method (the SDK's `cfg.auth_type`, dbsecrets' `auth_method`), or
both refuse, and where a request is made both must send the same
`Authorization` header and sign in as the same principal.

Loaded by e2e-sdk.py, which calls `run(check)`; every check is counted in its
`N passed, M failed`. Environment: E2E_DBSECRETS_BIN (the binary), E2E_WORK
(a scratch directory the caller removes).

Everything stays on 127.0.0.1: this module starts its own `dbsecrets emulator`
(tokens, a Basic user, an OAuth client and a federation pair, each its own
principal; any other credential gets 401), a recording proxy in front of it
(both clients talk to the proxy, which notes each request's method, path,
Authorization header and form body), and a metadata service. e2e-sdk.py
refuses any connection that is not to loopback.

Cross-checked, with what each case shows:
- pat from the environment, pat from the [DEFAULT] profile, basic from the
  profile DATABRICKS_CONFIG_PROFILE names, [__settings__] default_profile,
  DATABRICKS_TOKEN beating the selected profile's token;
- a token and a client id: both refuse ("more than one authorization method"),
  and with DATABRICKS_AUTH_TYPE=pat both use the token;
- metadata-service (the service checks X-Databricks-Metadata-Version: 1 and
  X-Databricks-Host);
- oauth-m2m, with DATABRICKS_DISCOVERY_URL (SDK 0.162 finds the token endpoint
  only through it or /.well-known/databricks-config, which the emulator does
  not serve); the tokens differ per client, so the token requests are compared;
- env-oidc and file-oidc chosen with DATABRICKS_AUTH_TYPE, exchanging the same
  ID token; file-oidc with a client id and no auth_type: both refuse;
- databricks-cli: a signed-in fake CLI (same token, same command line); a CLI
  that is not signed in, one that prints no JSON, one that fails otherwise:
  neither client signs in with it; a signed-in CLI beside a lone client id, and
  beside GOOGLE_CREDENTIALS: both use the CLI (the SDK tries it before the
  Google methods, and a client id alone configures no method).
- Known differences (docs/signing-in.md), checked as such so that a change on
  either side shows: DATABRICKS_OIDC_TOKEN with a client id and no auth_type
  (the SDK uses env-oidc; dbsecrets counts the ID token as a setting and
  refuses, as its spec says).

Not cross-checked, because the SDK side cannot run offline: azure-cli (the SDK
only tries it for an Azure host name, to which its own host-metadata and
tenant probes would connect; a loopback host with a resource id does not do),
azure-client-secret, github-oidc-azure and azure-msi (Entra ID / instance
metadata endpoints the SDK cannot redirect), google-credentials and google-id
(Google's token and IAM endpoints), github-oidc and azure-devops-oidc (they
would need fake GitHub / Azure DevOps token services; dbsecrets' own tests
cover them).
"""

import base64
import http.client
import http.server
import json
import os
import selectors
import subprocess
import threading
import time
import urllib.parse
from contextlib import contextmanager

from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

DBSECRETS = os.environ["E2E_DBSECRETS_BIN"]
WORK = os.environ["E2E_WORK"]
# Only system tools: no databricks or az of the machine may take part.
BASE_PATH = "/usr/bin:/bin"

PAT = "e2e-auth-pat-5c1d"
PROFILE_PAT = "e2e-auth-profile-pat-77a0"
BASIC_USER, BASIC_PASSWORD = "basic@example.com", "e2e-basic-password-19f3"
METADATA_TOKEN = "e2e-auth-metadata-token-4be2"
CLI_TOKEN = "e2e-auth-cli-token-0d8e"
M2M_ID, M2M_SECRET, M2M_SP = "e2e-m2m-client", "e2e-m2m-secret-a41c", "5e1f0c3a-0000-4000-8000-000000000001"
WIF_ID, WIF_SUBJECT, WIF_SP = "e2e-wif-client", "e2e-subject-jwt-3f0b", "5e1f0c3a-0000-4000-8000-000000000002"

EMULATOR_CONFIG = {
    "principals": [
        {"name": "pat@example.com", "tokens": [PAT]},
        {"name": "profile@example.com", "tokens": [PROFILE_PAT]},
        {"name": BASIC_USER, "password": BASIC_PASSWORD},
        {"name": "metadata@example.com", "tokens": [METADATA_TOKEN]},
        {"name": "cli@example.com", "tokens": [CLI_TOKEN]},
        {"name": M2M_SP, "kind": "service_principal"},
        {"name": WIF_SP, "kind": "service_principal"},
    ],
    "oauth_clients": [{"client_id": M2M_ID, "client_secret": M2M_SECRET, "principal": M2M_SP}],
    "oidc_federation": [{"client_id": WIF_ID, "subject_token": WIF_SUBJECT, "principal": WIF_SP}],
}

SCOPES_LIST = "/api/2.0/secrets/scopes/list"
TOKEN_PATH = "/oidc/v1/token"
MANY_METHODS = "validate: more than one authorization method configured"


# ---------------------------------------------------------------------------
# The servers: the emulator, a recording proxy in front of it, a metadata service
# ---------------------------------------------------------------------------


class Emulator:
    """`dbsecrets emulator` on a free loopback port with EMULATOR_CONFIG."""

    def __init__(self, timeout=30):
        config = os.path.join(WORK, "auth-emulator.json")
        with open(config, "w") as f:
            json.dump(EMULATOR_CONFIG, f)
        self.log = open(os.path.join(WORK, "auth-emulator.log"), "wb")
        self.proc = subprocess.Popen(
            [DBSECRETS, "emulator", "--port", "0", "--config", config, "-v"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        line = b""
        deadline = time.monotonic() + timeout
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                self.stop()
                raise RuntimeError(f"the auth emulator printed no URL within {timeout}s")
            chunk = os.read(self.proc.stdout.fileno(), 256)
            if not chunk:
                self.stop()
                raise RuntimeError("the auth emulator exited before printing its URL")
            line += chunk
        self.url = line.decode().splitlines()[0].strip()
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.hostname != "127.0.0.1":
            self.stop()
            raise RuntimeError(f"the auth emulator is not on 127.0.0.1: {self.url}")
        self.address = (parsed.hostname, parsed.port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()


HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "date",
    "server",
}


class Recorded:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.authorization = headers.get("Authorization")
        self.headers = headers
        self.body = body
        self.status = None

    def form(self):
        return dict(urllib.parse.parse_qsl(self.body.decode())) if self.body else {}


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    """Forwards a request to the emulator as it came (its Host header too, so
    that the discovery document names the proxy) and records it."""

    protocol_version = "HTTP/1.1"

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        rec = Recorded(self.command, urllib.parse.urlsplit(self.path).path, self.headers, body)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        rec.status = answer.status
        self.server.record(rec)
        self.send_response(answer.status)
        for k, v in answer.getheaders():
            if k.lower() not in HOP_BY_HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.seen = []
        self._lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def record(self, rec):
        with self._lock:
            self.seen.append(rec)

    def take(self):
        """What was recorded since the last take."""
        with self._lock:
            seen, self.seen = self.seen, []
        return seen

    def stop(self):
        self.shutdown()
        self.server_close()


class Proxy(Server):
    def __init__(self, upstream):
        super().__init__(ProxyHandler)
        self.upstream = upstream


class MetadataHandler(http.server.BaseHTTPRequestHandler):
    """A local metadata service as IDE extensions run one: the SDK's
    MetadataServiceTokenSource asks `GET <url>` with the two headers below and
    reads access_token, token_type and expires_on (epoch seconds)."""

    def do_GET(self):
        srv = self.server
        version = self.headers.get("X-Databricks-Metadata-Version")
        host = self.headers.get("X-Databricks-Host")
        srv.record((self.path, version, host))
        if self.path != srv.path or version != "1" or host != srv.host:
            self.answer(400, {"error": f"path {self.path!r}, version {version!r}, host {host!r}"})
            return
        self.answer(
            200,
            {"access_token": METADATA_TOKEN, "token_type": "Bearer", "expires_on": int(time.time()) + 3600},
        )

    def answer(self, status, value):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Metadata(Server):
    def __init__(self, host):
        super().__init__(MetadataHandler)
        self.host = host
        # The URL may hold a session secret; the SDK marks it sensitive.
        self.path = "/e2e-session-8d2a/token"
        self.token_url = self.url + self.path


# ---------------------------------------------------------------------------
# Fake databricks CLIs
# ---------------------------------------------------------------------------

VERSION_JSON = '{"Version":"0.250.0","Major":0,"Minor":250,"Patch":0}'


def fake_cli(name, auth_token_body):
    """A directory with an executable `databricks` that logs its arguments to
    databricks.log, answers `version --output json` (the SDK asks it to choose
    its flags; 0.250 has --profile and not --force-refresh) and runs
    auth_token_body for anything else."""
    d = os.path.join(WORK, name)
    os.makedirs(d, exist_ok=True)
    script = os.path.join(d, "databricks")
    log = os.path.join(d, "databricks.log")
    with open(script, "w") as f:
        f.write(
            "#!/bin/sh\n"
            f"printf '%s\\n' \"$*\" >> '{log}'\n"
            f'if [ "$1" = version ]; then echo \'{VERSION_JSON}\'; exit 0; fi\n'
            f"{auth_token_body}\n"
        )
    os.chmod(script, 0o755)
    return d


def cli_calls(d):
    """The `auth token` calls the fake CLI in d has seen, and forgets them."""
    log = os.path.join(d, "databricks.log")
    try:
        with open(log) as f:
            lines = f.read().splitlines()
        os.remove(log)
    except FileNotFoundError:
        return []
    return [line for line in lines if not line.startswith("version")]


# ---------------------------------------------------------------------------
# The two clients
# ---------------------------------------------------------------------------


class Outcome:
    def __init__(self, method=None, error=None, identity=None, requests=(), code=None, raw=None):
        self.method = method
        self.error = error
        self.identity = identity
        self.requests = list(requests)
        self.code = code
        self.raw = raw

    def __repr__(self):
        return f"method={self.method!r} error={self.error!r} identity={self.identity!r} exit={self.code!r}"

    def scopes_call(self):
        calls = [r for r in self.requests if r.path == SCOPES_LIST]
        assert calls, f"no request to {SCOPES_LIST}; requests: {[(r.method, r.path) for r in self.requests]}"
        return calls[0]

    def token_calls(self):
        return [r for r in self.requests if r.path == TOKEN_PATH]

    def api_calls(self):
        """Requests to the workspace's API (not the SDK's host-metadata probe
        or OAuth discovery)."""
        return [r for r in self.requests if r.path.startswith("/api/")]


@contextmanager
def environ(env):
    """os.environ is exactly env inside the block."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def sdk(env, proxy, call=True):
    """The SDK's resolution of env: Config(), then (call=True) the scopes list
    and who it signs in as (SCIM Me), through the proxy."""
    proxy.take()
    with environ(env):
        try:
            cfg = Config()
        except ValueError as e:
            return Outcome(error=str(e), requests=proxy.take())
        out = Outcome(method=cfg.auth_type)
        if call:
            w = WorkspaceClient(config=cfg)
            list(w.secrets.list_scopes())
            out.identity = w.current_user.me().user_name
    out.requests = proxy.take()
    return out


def dbsecrets(env, proxy, call=True):
    """dbsecrets' resolution of env: `auth describe -o json`, with --check
    (which lists scopes and asks SCIM Me) when call=True."""
    proxy.take()
    args = [DBSECRETS, "auth", "describe", "-o", "json"] + (["--check"] if call else [])
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    try:
        d = json.loads(r.stdout)
    except ValueError:
        raise AssertionError(f"auth describe printed no JSON (exit {r.returncode}): {r.stderr.strip()}") from None
    check = d.get("check") or {}
    return Outcome(
        method=d.get("auth_method"),
        error=d.get("auth_error") or (None if check.get("ok", True) else check.get("detail")),
        identity=check.get("identity"),
        requests=proxy.take(),
        code=r.returncode,
        raw=d,
    )


def method_note(out, name):
    """dbsecrets' note on one method of the chain (auth describe's `methods`)."""
    for m in out.raw.get("methods", []):
        if m["name"] == name:
            return m
    raise AssertionError(f"auth describe lists no method {name}")


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def run(check):
    emulator = Emulator()
    proxy = Proxy(emulator.address)
    metadata = Metadata(proxy.url)
    try:
        _checks(check, proxy, metadata)
    finally:
        metadata.stop()
        proxy.stop()
        emulator.stop()


def _checks(check, proxy, metadata):
    host = proxy.url
    homes = [0]

    def settings(files=None, path=(), **variables):
        """An environment with a fresh HOME (holding files, e.g.
        {".databrickscfg": "..."}), PATH = path + the system's, and variables."""
        homes[0] += 1
        home = os.path.join(WORK, f"home-{homes[0]}")
        os.makedirs(home)
        for name, text in (files or {}).items():
            with open(os.path.join(home, name), "w") as f:
                f.write(text)
        env = {
            "HOME": home,
            "PATH": ":".join([*path, BASE_PATH]),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        env.update(variables)
        return env

    def both(env, call=True):
        return sdk(env, proxy, call), dbsecrets(env, proxy, call)

    def same_method(s, d, want):
        assert s.method == want and d.method == want, f"want {want}; SDK: {s}; dbsecrets: {d}"

    def same_call(s, d, authorization=None, identity=None):
        """Both listed scopes with the same Authorization header, accepted,
        and signed in as the same principal."""
        a, b = s.scopes_call(), d.scopes_call()
        assert a.status == 200 and b.status == 200, f"status SDK {a.status}, dbsecrets {b.status}"
        assert a.authorization == b.authorization, (
            f"Authorization: SDK {a.authorization!r}, dbsecrets {b.authorization!r}"
        )
        if authorization is not None:
            assert a.authorization == authorization, f"Authorization {a.authorization!r}, not {authorization!r}"
        assert s.identity == d.identity, f"signed in as: SDK {s.identity!r}, dbsecrets {d.identity!r}"
        if identity is not None:
            assert s.identity == identity, f"signed in as {s.identity!r}, not {identity!r}"
        assert d.code == 0, f"dbsecrets exited {d.code}: {d.error}"

    def both_refuse(s, d, sdk_says, dbsecrets_says):
        assert s.method is None and s.error and sdk_says in s.error, f"SDK: {s}"
        assert d.method is None and d.error and d.error.startswith(dbsecrets_says), f"dbsecrets: {d}"
        assert d.code == 2, f"dbsecrets exited {d.code}"
        assert not s.api_calls() and not d.api_calls(), "an API request was sent"

    bearer = lambda token: f"Bearer {token}"  # noqa: E731

    # --- personal access tokens, basic, profiles --------------------------

    @check("sign-in: DATABRICKS_HOST and DATABRICKS_TOKEN: both pat, same Authorization")
    def _():
        s, d = both(settings(DATABRICKS_HOST=host, DATABRICKS_TOKEN=PAT))
        same_method(s, d, "pat")
        same_call(s, d, bearer(PAT), "pat@example.com")

    @check("sign-in: the [DEFAULT] profile's host and token: both pat")
    def _():
        cfg = f"[DEFAULT]\nhost = {host}\ntoken = {PROFILE_PAT}\n"
        s, d = both(settings({".databrickscfg": cfg}))
        same_method(s, d, "pat")
        same_call(s, d, bearer(PROFILE_PAT), "profile@example.com")

    @check("sign-in: DATABRICKS_CONFIG_PROFILE picks a profile with username and password: both basic")
    def _():
        cfg = (
            f"[DEFAULT]\nhost = {host}\ntoken = {PROFILE_PAT}\n\n"
            f"[basic]\nhost = {host}\nusername = {BASIC_USER}\npassword = {BASIC_PASSWORD}\n"
        )
        s, d = both(settings({".databrickscfg": cfg}, DATABRICKS_CONFIG_PROFILE="basic"))
        same_method(s, d, "basic")
        encoded = base64.b64encode(f"{BASIC_USER}:{BASIC_PASSWORD}".encode()).decode()
        same_call(s, d, f"Basic {encoded}", BASIC_USER)

    @check("sign-in: [__settings__] default_profile picks the profile: both pat with its token")
    def _():
        cfg = (
            f"[DEFAULT]\nhost = {host}\ntoken = not-a-known-token\n\n"
            f"[dev]\nhost = {host}\ntoken = {PROFILE_PAT}\n\n"
            "[__settings__]\ndefault_profile = dev\n"
        )
        s, d = both(settings({".databrickscfg": cfg}))
        same_method(s, d, "pat")
        same_call(s, d, bearer(PROFILE_PAT))

    @check("sign-in: DATABRICKS_TOKEN beats the token of the profile DATABRICKS_CONFIG_PROFILE names")
    def _():
        cfg = f"[dev]\nhost = {host}\ntoken = {PROFILE_PAT}\n"
        s, d = both(settings({".databrickscfg": cfg}, DATABRICKS_CONFIG_PROFILE="dev", DATABRICKS_TOKEN=PAT))
        same_method(s, d, "pat")
        same_call(s, d, bearer(PAT), "pat@example.com")

    @check("sign-in: a token and a client id: both refuse (more than one authorization method: oauth and pat)")
    def _():
        s, d = both(settings(DATABRICKS_HOST=host, DATABRICKS_TOKEN=PAT, DATABRICKS_CLIENT_ID=M2M_ID))
        both_refuse(s, d, f"{MANY_METHODS}: oauth and pat", f"{MANY_METHODS}: oauth and pat")

    @check("sign-in: a token and a client id with DATABRICKS_AUTH_TYPE=pat: both pat")
    def _():
        s, d = both(
            settings(
                DATABRICKS_HOST=host, DATABRICKS_TOKEN=PAT, DATABRICKS_CLIENT_ID=M2M_ID, DATABRICKS_AUTH_TYPE="pat"
            )
        )
        same_method(s, d, "pat")
        same_call(s, d, bearer(PAT))

    # --- metadata service ---------------------------------------------------

    @check("sign-in: DATABRICKS_METADATA_SERVICE_URL: both metadata-service, with its token and headers")
    def _():
        metadata.take()
        s, d = both(settings(DATABRICKS_HOST=host, DATABRICKS_METADATA_SERVICE_URL=metadata.token_url))
        same_method(s, d, "metadata-service")
        same_call(s, d, bearer(METADATA_TOKEN), "metadata@example.com")
        asked = metadata.take()
        assert asked and all(a == (metadata.path, "1", host) for a in asked), asked

    # --- OAuth: service principal, workload identity federation ------------

    discovery = f"{host}/oidc/.well-known/oauth-authorization-server"

    @check("sign-in: client id and secret (DATABRICKS_DISCOVERY_URL): both oauth-m2m, same token request")
    def _():
        s, d = both(
            settings(
                DATABRICKS_HOST=host,
                DATABRICKS_CLIENT_ID=M2M_ID,
                DATABRICKS_CLIENT_SECRET=M2M_SECRET,
                DATABRICKS_DISCOVERY_URL=discovery,
            )
        )
        same_method(s, d, "oauth-m2m")
        (a,), (b,) = s.token_calls(), d.token_calls()
        basic = "Basic " + base64.b64encode(f"{M2M_ID}:{M2M_SECRET}".encode()).decode()
        assert a.authorization == b.authorization == basic, (a.authorization, b.authorization)
        fields = ("grant_type", "scope")
        assert [a.form().get(k) for k in fields] == [b.form().get(k) for k in fields] == [
            "client_credentials",
            "all-apis",
        ], (a.form(), b.form())
        # Each got its own token from the emulator: compare how it was sent.
        x, y = s.scopes_call(), d.scopes_call()
        assert x.authorization.startswith("Bearer emu-oauth-") and y.authorization.startswith("Bearer emu-oauth-")
        assert x.status == y.status == 200
        assert s.identity == d.identity == M2M_SP, (s.identity, d.identity)

    def same_exchange(s, d):
        (a,), (b,) = s.token_calls(), d.token_calls()
        fields = ("grant_type", "subject_token", "subject_token_type", "client_id", "scope")
        fa, fb = [a.form().get(k) for k in fields], [b.form().get(k) for k in fields]
        assert fa == fb, f"token exchange: SDK {fa}, dbsecrets {fb}"
        assert fa[1] == WIF_SUBJECT and fa[3] == WIF_ID, fa
        assert a.authorization is None and b.authorization is None, (a.authorization, b.authorization)
        assert s.identity == d.identity == WIF_SP, (s.identity, d.identity)
        assert s.scopes_call().status == d.scopes_call().status == 200

    @check("sign-in: DATABRICKS_AUTH_TYPE=env-oidc with DATABRICKS_OIDC_TOKEN: both exchange the same ID token")
    def _():
        s, d = both(
            settings(
                DATABRICKS_HOST=host,
                DATABRICKS_AUTH_TYPE="env-oidc",
                DATABRICKS_CLIENT_ID=WIF_ID,
                DATABRICKS_OIDC_TOKEN=WIF_SUBJECT,
                DATABRICKS_DISCOVERY_URL=discovery,
            )
        )
        same_method(s, d, "env-oidc")
        same_exchange(s, d)

    id_token_file = os.path.join(WORK, "id-token")
    with open(id_token_file, "w") as f:
        f.write(WIF_SUBJECT)

    @check("sign-in: DATABRICKS_AUTH_TYPE=file-oidc and a token file: both exchange the file's token")
    def _():
        s, d = both(
            settings(
                DATABRICKS_HOST=host,
                DATABRICKS_AUTH_TYPE="file-oidc",
                DATABRICKS_CLIENT_ID=WIF_ID,
                DATABRICKS_OIDC_TOKEN_FILEPATH=id_token_file,
                DATABRICKS_DISCOVERY_URL=discovery,
            )
        )
        same_method(s, d, "file-oidc")
        same_exchange(s, d)

    @check("sign-in: DATABRICKS_OIDC_TOKEN_FILEPATH and a client id, no auth_type: both refuse (more than one method)")
    def _():
        s, d = both(
            settings(
                DATABRICKS_HOST=host,
                DATABRICKS_CLIENT_ID=WIF_ID,
                DATABRICKS_OIDC_TOKEN_FILEPATH=id_token_file,
                DATABRICKS_DISCOVERY_URL=discovery,
            )
        )
        # The SDK names the group file-oidc, dbsecrets (its spec) oidc.
        both_refuse(s, d, f"{MANY_METHODS}: file-oidc and oauth", f"{MANY_METHODS}: oauth and oidc")

    @check("sign-in: known difference: DATABRICKS_OIDC_TOKEN and a client id: SDK env-oidc, dbsecrets refuses")
    def _():
        s, d = both(
            settings(
                DATABRICKS_HOST=host,
                DATABRICKS_CLIENT_ID=WIF_ID,
                DATABRICKS_OIDC_TOKEN=WIF_SUBJECT,
                DATABRICKS_DISCOVERY_URL=discovery,
            )
        )
        # The SDK reads the ID token only inside env-oidc, so it does not count
        # it as a setting; dbsecrets does (docs/signing-in.md), and says so.
        assert s.method == "env-oidc" and s.identity == WIF_SP, f"SDK: {s}"
        assert d.method is None and d.error == f"{MANY_METHODS}: oauth and oidc" and d.code == 2, f"dbsecrets: {d}"
        assert not d.api_calls()

    # --- the databricks CLI -------------------------------------------------

    expiry = time.strftime("%Y-%m-%dT%H:%M:%S.123456789+00:00", time.gmtime(time.time() + 3600))
    signed_in = fake_cli(
        "cli-signed-in",
        "cat <<'JSON'\n"
        f'{{"access_token": "{CLI_TOKEN}", "token_type": "Bearer", "expiry": "{expiry}"}}\n'
        "JSON",
    )
    signed_out = fake_cli(
        "cli-signed-out",
        'echo "Error: cache: databricks OAuth is not configured for this host. '
        'Try logging in again with \\`databricks auth login --host $4\\` before retrying." >&2\nexit 1',
    )
    no_json = fake_cli("cli-no-json", "echo 'Databricks CLI v0.250.0'\nexit 0")
    broken = fake_cli("cli-broken", "echo 'Error: token refresh: invalid_grant: refresh token expired' >&2\nexit 1")

    @check("sign-in: a signed-in databricks CLI on PATH and only a host: both databricks-cli, same token and command")
    def _():
        s, d = both(settings(path=[signed_in], DATABRICKS_HOST=host), call=False)
        same_method(s, d, "databricks-cli")
        cli_calls(signed_in)
        s, d = both(settings(path=[signed_in], DATABRICKS_HOST=host))
        same_method(s, d, "databricks-cli")
        same_call(s, d, bearer(CLI_TOKEN), "cli@example.com")
        calls = cli_calls(signed_in)
        want = f"auth token --host {host}"
        assert calls and set(calls) == {want}, calls

    def no_cli_method(s, d, cli_dir, sdk_says):
        assert s.method is None and sdk_says in (s.error or ""), f"SDK: {s}"
        assert d.method is None and d.code == 2, f"dbsecrets: {d}"
        assert d.error.startswith("no credentials configured for"), d.error
        note = method_note(d, "databricks-cli")
        # Skipped, and why: the command, with its exit code or what it printed.
        assert not note["usable"] and f"databricks auth token --host {host}" in note["note"], note
        assert cli_calls(cli_dir), "the CLI was not run"
        assert not s.api_calls() and not d.api_calls(), "an API request was sent"

    @check("sign-in: a databricks CLI that is not signed in: neither uses it (no credentials)")
    def _():
        s, d = both(settings(path=[signed_out], DATABRICKS_HOST=host), call=False)
        no_cli_method(s, d, signed_out, "cannot configure default credentials")

    @check("sign-in: a databricks CLI that prints no token JSON: neither uses it (no credentials)")
    def _():
        s, d = both(settings(path=[no_json], DATABRICKS_HOST=host), call=False)
        no_cli_method(s, d, no_json, "cannot configure default credentials")

    @check("sign-in: a databricks CLI that fails otherwise: neither signs in (the SDK's error names the CLI)")
    def _():
        s, d = both(settings(path=[broken], DATABRICKS_HOST=host), call=False)
        no_cli_method(s, d, broken, "databricks-cli: cannot get access token")

    @check("sign-in: a signed-in databricks CLI and a lone client id: both databricks-cli")
    def _():
        s, d = both(
            settings(
                path=[signed_in], DATABRICKS_HOST=host, DATABRICKS_CLIENT_ID=M2M_ID, DATABRICKS_DISCOVERY_URL=discovery
            )
        )
        same_method(s, d, "databricks-cli")
        same_call(s, d, bearer(CLI_TOKEN), "cli@example.com")
        cli_calls(signed_in)

    @check("sign-in: a signed-in databricks CLI and GOOGLE_CREDENTIALS: both databricks-cli (tried before Google)")
    def _():
        key = json.dumps({"type": "service_account", "client_email": "sa@p.iam.gserviceaccount.com"})
        s, d = both(settings(path=[signed_in], DATABRICKS_HOST=host, GOOGLE_CREDENTIALS=key))
        same_method(s, d, "databricks-cli")
        same_call(s, d, bearer(CLI_TOKEN), "cli@example.com")
        cli_calls(signed_in)
