"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json and checked by the tests
against the OpenAPI specification and against real responses."""

TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name):
    return {
        "type": "object",
        "required": ["results", "next"],
        "properties": {
            "results": {"type": "array", "items": _ref(name)},
            "next": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The next page, or null on the last one.",
            },
        },
        "additionalProperties": False,
    }


PARAMETERS = {
    "after": {
        "name": "after",
        "in": "query",
        "description": "Return records with an id greater than this (the last id of the previous page).",
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
    "page_size": {
        "name": "page_size",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    },
    "course": {
        "name": "course",
        "in": "query",
        "description": "Only this course (its id).",
        "schema": {"type": "integer", "minimum": 1},
    },
    "since": {
        "name": "since",
        "in": "query",
        "description": "Only records completed or issued at or after this ISO 8601 date or date-time (UTC "
        "when it has no offset).",
        "schema": {"type": "string"},
    },
    "status": {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "enum": ["valid", "expired", "revoked"]},
    },
}

ERRORS = {
    "400": "A parameter is not valid.",
    "401": "No usable token (missing, unknown, revoked or expired).",
    "403": "The token lacks this endpoint's scope.",
    "405": "Only GET is allowed.",
    "429": "Over the rate limit; Retry-After says when to try again.",
}


def _operation(summary, description, schema, parameters, scope):
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
    for status, text in ERRORS.items():
        responses[status] = {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
    return {
        "get": {
            "summary": summary,
            "description": description,
            "security": [{"bearerToken": []}],
            "x-scope": scope,
            "parameters": [PARAMETERS[name] for name in parameters],
            "responses": responses,
        }
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "detail"],
        "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
    },
    "Learner": {
        "type": "object",
        "required": ["id", "email", "full_name"],
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string"},
            "full_name": {"type": "string"},
        },
        "additionalProperties": False,
    },
    "CourseRef": {
        "type": "object",
        "required": ["id", "title"],
        "properties": {"id": {"type": ["integer", "null"]}, "title": {"type": "string"}},
        "additionalProperties": False,
    },
    "Completion": {
        "type": "object",
        "required": ["id", "learner", "course", "completed_at", "cycle"],
        "properties": {
            "id": {"type": "integer", "description": "The enrolment's id."},
            "learner": _ref("Learner"),
            "course": _ref("CourseRef"),
            "completed_at": TIMESTAMP,
            "cycle": {
                "type": "integer",
                "description": "Which completion of the course (renewals count up).",
            },
        },
        "additionalProperties": False,
    },
    "Certificate": {
        "type": "object",
        "required": [
            "id",
            "code",
            "learner",
            "name_on_certificate",
            "course",
            "cycle",
            "cpd_hours",
            "issued_at",
            "expires_at",
            "revoked_at",
            "status",
            "verify_url",
            "signed_credential_url",
            "credential_status",
        ],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string", "description": "The certificate number anyone can verify."},
            "learner": _ref("Learner"),
            "name_on_certificate": {"type": "string"},
            "course": _ref("CourseRef"),
            "cycle": {"type": "integer"},
            "cpd_hours": {"type": "string", "description": 'A decimal number, for example "1.5".'},
            "issued_at": TIMESTAMP,
            "expires_at": TIMESTAMP,
            "revoked_at": TIMESTAMP,
            "status": {"type": "string", "enum": ["valid", "expired", "revoked"]},
            "verify_url": {"type": "string", "format": "uri"},
            "signed_credential_url": {
                "type": "string",
                "format": "uri",
                "description": "The certificate as a signed Open Badges 3.0 credential (VC-JWT, "
                "`application/vc+jwt`, EdDSA); the issuer's keys are at /.well-known/jwks.json.",
            },
            "credential_status": {
                "oneOf": [_ref("CredentialStatus"), {"type": "null"}],
                "description": "Its entry in a W3C Bitstring Status List, the credential's own "
                "`credentialStatus`: fetch `statusListCredential` (a signed VC-JWT), decode its "
                "`encodedList` and read bit `statusListIndex` (1 = revoked).",
            },
        },
        "additionalProperties": False,
    },
    "CredentialStatus": {
        "type": "object",
        "required": ["id", "type", "statusPurpose", "statusListIndex", "statusListCredential"],
        "properties": {
            "id": {"type": "string", "format": "uri"},
            "type": {"const": "BitstringStatusListEntry"},
            "statusPurpose": {"const": "revocation"},
            "statusListIndex": {
                "type": "string",
                "pattern": "^[0-9]+$",
                "description": "The entry's bit, a decimal number in a string (as the W3C spec writes it).",
            },
            "statusListCredential": {"type": "string", "format": "uri"},
        },
        "additionalProperties": False,
    },
    "Progress": {
        "type": "object",
        "required": [
            "id",
            "learner",
            "course",
            "status",
            "items_done",
            "items_required",
            "percent",
            "enrolled_at",
            "last_activity_at",
            "completed_at",
            "due_date",
        ],
        "properties": {
            "id": {"type": "integer", "description": "The enrolment's id."},
            "learner": _ref("Learner"),
            "course": _ref("CourseRef"),
            "status": {"type": "string", "enum": ["not_started", "in_progress", "completed"]},
            "items_done": {"type": "integer"},
            "items_required": {"type": "integer"},
            "percent": {"type": "integer", "minimum": 0, "maximum": 100},
            "enrolled_at": TIMESTAMP,
            "last_activity_at": TIMESTAMP,
            "completed_at": TIMESTAMP,
            "due_date": {"type": ["string", "null"], "format": "date"},
        },
        "additionalProperties": False,
    },
    "CompletionList": _list_of("Completion"),
    "CertificateList": _list_of("Certificate"),
    "ProgressList": _list_of("Progress"),
}


def openapi_document(server_url):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "GovSocial Academy learning-record API",
            "version": "1.0.0",
            "description": "Read-only completions, certificates and progress of one organisation's people, "
            "for an agency's HR or reporting system. Each token belongs to one organisation and returns "
            "only its people.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from Settings > API tokens, shown once when created.",
                }
            },
            "schemas": SCHEMAS,
        },
        "paths": {
            "/completions": _operation(
                "Completed courses",
                "Enrolments of the organisation's people whose current cycle is complete.",
                _ref("CompletionList"),
                ["course", "since", "after", "page_size"],
                "completions",
            ),
            "/certificates": _operation(
                "Certificates",
                "Certificates issued to the organisation's people, with their status.",
                _ref("CertificateList"),
                ["course", "since", "status", "after", "page_size"],
                "certificates",
            ),
            "/progress": _operation(
                "Progress",
                "Every enrolment of the organisation's people with its progress through the course.",
                _ref("ProgressList"),
                ["course", "after", "page_size"],
                "progress",
            ),
        },
    }
