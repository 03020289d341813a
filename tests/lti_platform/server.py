"""A small LTI 1.3 platform (an agency's LMS, as far as the tool can tell) for the LTI tests: the
standard library's HTTP server and joserfc, run by the venv's python in its own process
(harness.py starts it). It has its own RSA key and JWKS, and does what a real platform does:

- GET  /launch?hint=H     starts the OIDC third-party login at the tool (a redirect to its login URL)
- GET  /auth              the OIDC authentication endpoint: checks the tool's request (client id,
                          redirect URI, nonce...) and answers with a form that posts the signed
                          id_token to the tool's launch URL at once (JavaScript; a button without)
- GET  /jwks.json         its public keys
- POST /token             client credentials with a JWT assertion, verified against the tool's
                          keys (fetched from the tool's /lti/jwks.json)
- GET  /lineitems?resource_link_id=&tag=   the context's line items (a lineitemcontainer)
- POST /lineitems         creates a line item (application/vnd.ims.lis.v2.lineitem+json)
- GET  /lineitems/N       reads one back
- POST /lineitems/N/scores   records a score (bearer token, its scope and content type checked)
- GET  /memberships       the course's roster (NRPS 2.0 membershipcontainer), two members a page,
                          the next page in a Link header: a teacher, someone who never launched,
                          and everyone a launch was set up for
- POST /deep-link-return  verifies the tool's LtiDeepLinkingResponse and records its content items

and, for the tests only: POST /test/launches (a launch's settings: user, course, deep linking, and
deliberate faults such as a wrong audience or a foreign signing key; answers its hint), GET
/test/scores, /test/lineitems and /test/deep-links (what was received), POST /test/faults (scores
refused for now). A launch with "without_lineitem" offers the line items service only, as a
platform does for a link made by hand.

Usage: python server.py PORT PUBLIC_BASE_URL   (PUBLIC_BASE_URL is its issuer, e.g. http://localhost:PORT)
"""

import html
import json
import secrets
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
MEMBERSHIPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
GRANTED_SCOPES = {SCORE_SCOPE, LINEITEM_SCOPE, LINEITEM_READ_SCOPE, MEMBERSHIPS_SCOPE}
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
# People in the course who are not launched by any test: its teacher and a learner who never came.
COURSE_PEOPLE = [
    {
        "user_id": "teacher-1",
        "name": "Terry Teacher",
        "email": "terry@agency.example",
        "roles": [MEMBERSHIP + "Instructor"],
    },
    {
        "user_id": "never-1",
        "name": "Nova Nolaunch",
        "email": "nova@agency.example",
        "roles": [MEMBERSHIP + "Learner"],
    },
]
PAGE_SIZE = 2
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"

PORT, BASE = int(sys.argv[1]), sys.argv[2].rstrip("/")
KEY = RSAKey.generate_key(2048, parameters={"kid": "platform-1", "use": "sig", "alg": "RS256"}, private=True)
# A key nobody published: id_tokens signed with it must be refused ("bad signature").
ROGUE = RSAKey.generate_key(
    2048, parameters={"kid": "platform-1", "use": "sig", "alg": "RS256"}, private=True
)

lock = threading.Lock()
launches = {}  # hint -> settings
tokens = {}  # access token -> (client id, expiry, granted scopes)
scores = []  # what the scores endpoint accepted
lineitems = {}  # line item id (its URL) -> the line item
deep_links = []  # content items received
faults = {"scores": 0}  # HTTP status to answer scores with (0: accept)


def tool_keys(launch):
    """The tool's public keys: pasted into the registration, or fetched from its keyset URL."""
    if launch.get("tool_jwks"):
        return KeySet.import_key_set(launch["tool_jwks"])
    with urllib.request.urlopen(launch["tool_jwks_url"], timeout=10) as answer:  # noqa: S310
        return KeySet.import_key_set(json.loads(answer.read()))


def latest_registration():
    """The tool registration (client id, keys) of the most recent launch: one tool per test."""
    with lock:
        return list(launches.values())[-1] if launches else None


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json", headers=()):
        data = (
            body
            if isinstance(body, bytes)
            else (json.dumps(body) if not isinstance(body, str) else body).encode()
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _form(self):
        return {key: values[0] for key, values in urllib.parse.parse_qs(self._body().decode()).items()}

    def do_GET(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        query = {key: values[0] for key, values in urllib.parse.parse_qs(url.query).items()}
        if url.path == "/jwks.json":
            return self._send(200, {"keys": [KEY.as_dict(private=False)]})
        if url.path == "/launch":
            return self.start_login(query)
        if url.path == "/auth":
            return self.authenticate(query)
        if url.path == "/test/scores":
            with lock:
                return self._send(200, scores)
        if url.path == "/test/lineitems":
            with lock:
                return self._send(200, list(lineitems.values()))
        if url.path == "/lineitems":
            return self.list_lineitems(query)
        if url.path.startswith("/lineitems/"):
            return self.read_lineitem(url.path)
        if url.path == "/memberships":
            return self.memberships(query)
        if url.path == "/test/deep-links":
            with lock:
                return self._send(200, deep_links)
        if url.path == "/":
            return self._send(200, {"platform": BASE})
        return self._send(404, {"error": "not found"})

    def do_POST(self):  # noqa: N802
        path = urllib.parse.urlsplit(self.path).path
        if path == "/test/launches":
            settings = json.loads(self._body())
            hint = secrets.token_urlsafe(8)
            with lock:
                launches[hint] = settings
            return self._send(200, {"hint": hint})
        if path == "/test/faults":
            with lock:
                faults.update(json.loads(self._body()))
            return self._send(200, faults)
        if path == "/token":
            return self.token()
        if path == "/lineitems":
            return self.create_lineitem()
        if path.startswith("/lineitems/") and path.endswith("/scores"):
            return self.score(path)
        if path == "/deep-link-return":
            return self.deep_link_return()
        return self._send(404, {"error": "not found"})

    # --- Launch ---------------------------------------------------------------------------------

    def start_login(self, query):
        launch = launches.get(query.get("hint", ""))
        if launch is None:
            return self._send(404, {"error": "unknown launch"})
        params = {
            "iss": BASE,
            "login_hint": launch["user"]["sub"],
            "target_link_uri": launch["tool_url"] + "/lti/launch/",
            "lti_message_hint": query["hint"],
            "client_id": launch["client_id"],
            "lti_deployment_id": launch["deployment_id"],
        }
        location = launch["tool_url"] + "/lti/login/?" + urllib.parse.urlencode(params)
        return self._send(302, b"", "text/plain", [("Location", location)])

    def authenticate(self, query):
        launch = launches.get(query.get("lti_message_hint", ""))
        problems = []
        if launch is None:
            problems.append("unknown lti_message_hint")
        else:
            expected = {
                "scope": "openid",
                "response_type": "id_token",
                "response_mode": "form_post",
                "prompt": "none",
                "client_id": launch["client_id"],
                "redirect_uri": launch["tool_url"] + "/lti/launch/",
                "login_hint": launch["user"]["sub"],
            }
            problems += [
                f"{name} should be {value!r}" for name, value in expected.items() if query.get(name) != value
            ]
            if not query.get("nonce") or not query.get("state"):
                problems.append("nonce and state are required")
        if problems:
            return self._send(400, {"error": "invalid_request", "problems": problems})
        id_token = self.id_token(launch, query["nonce"])
        page = (
            "<!DOCTYPE html><html lang='en'><head><title>Opening the course</title></head><body>"
            f"<form method='post' action='{html.escape(query['redirect_uri'])}'>"
            f"<input type='hidden' name='id_token' value='{id_token}'>"
            f"<input type='hidden' name='state' value='{html.escape(query['state'])}'>"
            "<button type='submit'>Continue</button></form>"
            "<script>document.forms[0].submit()</script></body></html>"
        )
        return self._send(200, page, "text/html; charset=utf-8")

    def id_token(self, launch, nonce):
        now = int(time.time())
        user = launch["user"]
        claims = {
            "iss": launch.get("iss", BASE),
            "aud": launch.get("aud", launch["client_id"]),
            "sub": user["sub"],
            "iat": now,
            "exp": now + launch.get("expires_in", 300),
            "nonce": nonce,
            "name": user.get("name", ""),
            "email": user.get("email", ""),
            LTI + "version": "1.3.0",
            LTI + "deployment_id": launch["deployment_id"],
            LTI + "target_link_uri": launch["tool_url"] + "/lti/launch/",
            LTI + "roles": [launch.get("role", "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner")],
            LTI + "context": {"id": "agency-course-1", "title": "Induction for new staff"},
        }
        if "deep_linking" in launch:
            claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": BASE + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window"],
                "accept_multiple": launch["deep_linking"].get("accept_multiple", True),
                "data": "platform-opaque-data",
            }
        else:
            link = launch["resource_link"]
            claims[LTI + "message_type"] = "LtiResourceLinkRequest"
            claims[LTI + "resource_link"] = {"id": link["id"], "title": link.get("title", "")}
            if link.get("course_id") is not None:
                claims[LTI + "custom"] = {"course_id": str(link["course_id"])}
            claims[AGS] = {
                "scope": [SCORE_SCOPE, LINEITEM_SCOPE],
                "lineitems": BASE + "/lineitems",
                "lineitem": f"{BASE}/lineitems/{link['id']}",
            }
            if launch.get("without_lineitem"):  # a link made by hand on the platform
                del claims[AGS]["lineitem"]
            claims[NRPS] = {"context_memberships_url": BASE + "/memberships", "service_versions": ["2.0"]}
        key = ROGUE if launch.get("sign_with") == "rogue" else KEY
        return jwt.encode({"alg": "RS256", "kid": "platform-1"}, claims, key, algorithms=["RS256"])

    # --- Services -------------------------------------------------------------------------------

    def token(self):
        form = self._form()
        registration = latest_registration()
        if registration is None:
            return self._send(400, {"error": "invalid_client"})
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return self._send(400, {"error": "unsupported_grant_type"})
        client_id = registration["client_id"]
        try:
            claims = jwt.decode(
                form.get("client_assertion", ""), tool_keys(registration), algorithms=["RS256"]
            ).claims
            JWTClaimsRegistry(
                leeway=30,
                iss={"essential": True, "value": client_id},
                sub={"essential": True, "value": client_id},
                aud={"essential": True, "value": BASE + "/token"},
                exp={"essential": True},
                jti={"essential": True},
            ).validate(claims)
        except (JoseError, OSError, ValueError) as error:
            return self._send(401, {"error": "invalid_client", "error_description": str(error)})
        granted = set(form.get("scope", "").split()) & GRANTED_SCOPES
        if not granted:
            return self._send(400, {"error": "invalid_scope"})
        token = secrets.token_urlsafe(24)
        with lock:
            tokens[token] = (client_id, time.time() + 3600, granted)
        return self._send(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": " ".join(granted)},
        )

    def _token_allows(self, *scopes):
        """Whether the request's bearer token is current and was granted one of `scopes`."""
        auth = self.headers.get("Authorization", "")
        _, expiry, granted = tokens.get(auth.removeprefix("Bearer "), (None, 0, set()))
        return auth.startswith("Bearer ") and expiry >= time.time() and bool(granted & set(scopes))

    def list_lineitems(self, query):
        if not self._token_allows(LINEITEM_SCOPE, LINEITEM_READ_SCOPE):
            return self._send(401, {"error": "invalid_token"})
        with lock:
            found = [
                item
                for item in lineitems.values()
                if all(
                    item.get(field) == query[name]
                    for name, field in (("resource_link_id", "resourceLinkId"), ("tag", "tag"))
                    if name in query
                )
            ]
        return self._send(200, found, LINEITEMS_TYPE)

    def memberships(self, query):
        if not self._token_allows(MEMBERSHIPS_SCOPE):
            return self._send(401, {"error": "invalid_token"})
        with lock:
            people = {person["user_id"]: {**person, "status": "Active"} for person in COURSE_PEOPLE}
            for launch in launches.values():
                user = launch["user"]
                people.setdefault(
                    user["sub"],
                    {
                        "user_id": user["sub"],
                        "name": user.get("name", ""),
                        "email": user.get("email", ""),
                        "roles": [launch.get("role", MEMBERSHIP + "Learner")],
                        "status": "Active",
                    },
                )
        members = list(people.values())
        page = int(query.get("page", "1"))
        body = {
            "id": BASE + "/memberships",
            "context": {"id": "agency-course-1", "title": "Induction for new staff"},
            "members": members[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        }
        headers = []
        if page * PAGE_SIZE < len(members):
            headers.append(("Link", f'<{BASE}/memberships?page={page + 1}>; rel="next"'))
        return self._send(200, body, MEMBERSHIPS_TYPE, headers)

    def read_lineitem(self, path):
        if not self._token_allows(LINEITEM_SCOPE, LINEITEM_READ_SCOPE):
            return self._send(401, {"error": "invalid_token"})
        with lock:
            item = lineitems.get(BASE + path)
        return self._send(200, item, LINEITEM_TYPE) if item else self._send(404, {"error": "not found"})

    def create_lineitem(self):
        body = self._body()
        if not self._token_allows(LINEITEM_SCOPE):
            return self._send(401, {"error": "invalid_token"})
        if self.headers.get("Content-Type", "") != LINEITEM_TYPE:
            return self._send(415, {"error": "wrong content type"})
        item = json.loads(body)
        maximum = item.get("scoreMaximum")
        if not isinstance(maximum, (int, float)) or maximum <= 0 or not item.get("label"):
            return self._send(400, {"error": "a line item needs a label and a positive scoreMaximum"})
        with lock:
            item["id"] = f"{BASE}/lineitems/created-{len(lineitems) + 1}"
            lineitems[item["id"]] = item
        return self._send(201, item, LINEITEM_TYPE)

    def score(self, path):
        body = self._body()
        if faults["scores"]:
            return self._send(faults["scores"], {"error": "the gradebook is unavailable"})
        if not self._token_allows(SCORE_SCOPE):
            return self._send(401, {"error": "invalid_token"})
        content_type = self.headers.get("Content-Type", "")
        if content_type != "application/vnd.ims.lis.v1.score+json":
            return self._send(415, {"error": f"wrong content type {content_type}"})
        with lock:
            scores.append(
                {
                    "lineitem": BASE + path.removesuffix("/scores"),
                    "content_type": content_type,
                    "score": json.loads(body),
                }
            )
        return self._send(204, b"", "text/plain")

    def deep_link_return(self):
        form = self._form()
        registration = latest_registration()
        try:
            claims = jwt.decode(form.get("JWT", ""), tool_keys(registration), algorithms=["RS256"]).claims
            JWTClaimsRegistry(
                leeway=30,
                iss={"essential": True, "value": registration["client_id"]},
                aud={"essential": True, "value": BASE},
                exp={"essential": True},
                nonce={"essential": True},
            ).validate(claims)
        except (JoseError, OSError, ValueError) as error:
            return self._send(400, {"error": str(error)})
        if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
            return self._send(400, {"error": "not a deep linking response"})
        with lock:
            deep_links.append(claims)
        titles = ", ".join(item["title"] for item in claims.get(DL + "content_items", []))
        page = (
            "<!DOCTYPE html><html lang='en'><head><title>Added</title></head>"
            f"<body><h1>Added: {html.escape(titles)}</h1></body></html>"
        )
        return self._send(200, page, "text/html; charset=utf-8")


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
