"""A bounded schemathesis run against the REST API: the in-process ASGI app over a real seeded SQLite archive,
called with an administrator's API token, every built-in check on, positive and negative data, a fixed seed.
The schema must describe what the API does: every status code, every body, the security it asks for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.web.conftest import Desk, _desk

MAX_EXAMPLES = 8  # per operation and mode: 35 operations, a few hundred cases, well under a minute idle

# Checks that cannot apply to an operation, each with why (every other check runs everywhere):
INAPPLICABLE = {
    # The search's filters take a date in four spellings and an INN with check digits, which JSON Schema cannot
    # say: a value that is none of them is refused 400 (QuerySyntaxError), as declared.
    "GET /api/documents": [positive_data_acceptance],
    # An INN's check digits cannot be said in JSON Schema: ten digits with wrong ones are refused 400, as documented.
    "GET /api/counterparties/{inn}": [positive_data_acceptance],
    "POST /api/counterparties/{inn}/documents": [positive_data_acceptance],
    "DELETE /api/counterparties/{inn}/documents/{doc_id}": [positive_data_acceptance],
    # Which field names a document takes depends on its type (DESIGN's fields per type): one schema cannot list
    # them, so a name that is none of its fields is refused 422 with the name.
    "POST /api/documents/{doc_id}/correct": [positive_data_acceptance],
    # Whether `outlet` is needed depends on the caller (an outlet user makes its own register, head office names
    # one): one schema for every role cannot say it, so head office's register without an outlet is refused 422.
    "POST /api/originals/registers/": [positive_data_acceptance],
    # Multipart form data carries only strings and bytes (no wrongly typed part to refuse), and a file's content
    # cannot be constrained in the schema (an empty file is refused 422).
    "POST /api/upload": [positive_data_acceptance, negative_data_rejection],
    # The import reads its rows itself: rows it cannot read are reported in `errors` with their line (200), the
    # batch goes on, as `finarchive orders import` does.
    "POST /api/orders/import": [negative_data_rejection],
}


@pytest.fixture(scope="module")
def conformance_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    from archive.store import Archive

    tmp = tmp_path_factory.mktemp("openapi")
    env = {"FINARCHIVE_HOME": str(tmp / "home"), "FINARCHIVE_OCR_WORKERS": "1"}
    arc = Archive.init(env["FINARCHIVE_HOME"], environ=env)
    desk = _desk(arc, tmp)
    yield desk
    desk.app.state.uploads.close()
    arc.close()


def run_operation(operation, mode: GenerationMode, token: str) -> tuple[int, list[str]]:
    """Up to MAX_EXAMPLES cases of one operation in one mode: how many ran, the failures found."""
    found: list[str] = []
    ran = 0
    excluded = INAPPLICABLE.get(operation.label, [])

    @seed(21)
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        nonlocal ran
        ran += 1
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        try:
            case.validate_response(response, excluded_checks=excluded)
        except (AssertionError, BaseExceptionGroup) as exc:  # a single Failure or a FailureGroup of them
            for failure in getattr(exc, "exceptions", [exc]):
                found.append(f"{operation.label} [{mode}] {type(failure).__name__} {response.status_code} "
                             f"{response.text[:200]} :: {case.as_curl_command()[:300]}")

    try:
        check()
    except Unsatisfiable:  # negative mode of an operation with nothing to make invalid (no parameter, no body)
        assert mode is GenerationMode.NEGATIVE, operation.label
    return ran, found


def test_the_schema_declares_security_and_errors(conformance_desk: Desk) -> None:
    schema = conformance_desk.client().get("/api/openapi.json").json()
    assert set(schema["components"]["securitySchemes"]) == {"bearerToken", "sessionCookie"}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            assert op["security"] == [{"bearerToken": []}, {"sessionCookie": []}], (method, path)
            assert {"401", "403"} <= set(op["responses"]), (method, path)
            for code, answer in op["responses"].items():
                if code.startswith("4"):
                    assert answer["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ApiError"}, (method, path, code)
    assert set(schema["paths"]["/api/orders/import"]["post"]["requestBody"]["content"]) == {
        "text/csv", "application/json", "application/x-ndjson"}


def test_the_api_conforms_to_its_schema(conformance_desk: Desk) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", conformance_desk.app)
    failures: list[str] = []
    cases = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation of the schema can be read
        operation = result.ok()
        for mode in GenerationMode:
            ran, found = run_operation(operation, mode, conformance_desk.tokens["admin"])
            cases, failures = cases + ran, failures + found
    assert cases > 200, cases  # the run really ran
    print(f"schemathesis: {cases} cases")
    assert not failures, "\n".join(dict.fromkeys(failures))
