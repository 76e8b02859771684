"""The API keeps the promises of its own OpenAPI schema, checked by Schemathesis.

For each of two roles, every operation of /api/schema/ gets generated requests against a live
portal full of demo data: no answer may be a 5xx, and every answer must carry a status code the
schema lists for that operation, its declared content type, and a body that matches its schema.
Generation is derandomized (a fixed seed), so CI repeats the same cases every run.
"""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_contract.conftest import ROLES

# The database is needed (pytest-django sets it up only for tests that say so); the rows come
# from the module's demo_portal, over HTTP.
pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# About 125 operations × 5 examples: over 600 cases per role.
EXAMPLES_PER_OPERATION = 5
MINIMUM_CASES = 500
# Reads first and deletions last, so a lucky deletion does not leave the reads less to read.
METHOD_ORDER = {"get": 0, "post": 1, "put": 1, "patch": 1, "delete": 2}


def _collection(path: str) -> str:
    """/api/v1/activities/{id}/photos/{photo_id}/ → /api/v1/activities/"""
    return path.split("{", 1)[0]


def _real_ids(session, portal, operations) -> dict[tuple[str, str], list[int]]:
    """Ids of rows the role can see, by (collection, path parameter), so that generated
    requests reach real rows and not only 404s."""
    ids = dict(portal.file_ids)
    for operation in operations:
        path = operation.path
        if operation.method.lower() != "get" or "{" in path or not path.endswith("/"):
            continue
        response = session.get(f"{portal.url}{path}", params={"page_size": 200})
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        body = response.json() if response.ok and is_json else None
        if isinstance(body, dict) and isinstance(body.get("results"), list):
            ids[path, "id"] = [row["id"] for row in body["results"] if "id" in row]
    return {key: values for key, values in ids.items() if values}


def _with_real_ids(operation, ids):
    generated = operation.as_strategy()
    names = [
        name
        for name in ("id", "photo_id")
        if f"{{{name}}}" in operation.path and (_collection(operation.path), name) in ids
    ]
    if not names:
        return generated

    def pick(case):
        choices = {
            name: st.one_of(
                st.just(case.path_parameters[name]),
                st.sampled_from(ids[_collection(operation.path), name]),
            )
            for name in names
        }
        return st.fixed_dictionaries(choices).map(lambda chosen: _set_path(case, chosen))

    return generated.flatmap(pick)


def _set_path(case, chosen):
    case.path_parameters = {**case.path_parameters, **chosen}
    return case


def _fuzz(portal, token) -> tuple[int, list[str]]:
    base_url = portal.url
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/?format=json")
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: (METHOD_ORDER.get(operation.method.lower(), 1), operation.path),
    )
    ids = _real_ids(session, portal, operations)
    cases, failures = 0, []
    for operation in operations:

        @given(case=_with_real_ids(operation, ids))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            # No shrinking: a failure is reported as found, which keeps the run bounded.
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            nonlocal cases
            cases += 1
            case.call_and_validate(base_url=base_url, session=session, checks=CHECKS)

        try:
            check()
        # Schemathesis raises a BaseExceptionGroup; every operation's failure is collected.
        except (Exception, BaseExceptionGroup) as failure:
            failures.append(f"{operation.method.upper()} {operation.path}\n{failure}")
    return cases, failures


@pytest.mark.parametrize("username", ROLES)
def test_every_answer_keeps_the_schemas_promises(demo_portal, username):
    cases, failures = _fuzz(demo_portal, demo_portal.tokens[username])
    assert not failures, f"{len(failures)} operations broke the schema:\n\n" + "\n\n".join(failures)
    assert cases >= MINIMUM_CASES
