"""A client generated from /api/schema/ reads every resource of the demo without a parse error.

This is what a REST client's author does: download the schema, run openapi-python-client on it,
and call the generated functions. Each answer is parsed into the generated models, so a value
the schema does not allow (a blank where an enum is declared, a null where a string is) fails
here as it would in their program. The client is generated into a temporary directory.
"""

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from parks.core.downloads import FILE_MEDIA_TYPES

pytestmark = pytest.mark.django_db  # the rows come from the module's demo_portal, over HTTP

PACKAGE = "portal_client"


def _generate(tmp_path, url):
    schema = tmp_path / "schema.yaml"
    schema.write_bytes(requests.get(f"{url}/api/schema/", timeout=60).content)
    # A client author maps the file downloads' media types to bytes, as the generator asks.
    overrides = "\n".join(
        f"  {media_type}: application/octet-stream"
        for media_type in sorted(set(FILE_MEDIA_TYPES.values()))
    )
    config = tmp_path / "config.yaml"
    # No post hooks: formatting the generated code (ruff) is not what is checked here.
    config.write_text(f"post_hooks: []\ncontent_type_overrides:\n{overrides}\n")
    generation = subprocess.run(
        [
            str(Path(sys.executable).parent / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert generation.returncode == 0, generation.stdout + generation.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        client = importlib.import_module(f"{PACKAGE}.client")
        api = importlib.import_module(f"{PACKAGE}.api.v1")
        # The reads only: openapi-python-client 0.29 writes request bodies with more than one
        # media type (JSON, form, multipart) without importing `Unset`, so a write module fails
        # to import whatever the schema says (a generator bug, not a schema one).
        operations = {
            name: importlib.import_module(f"{PACKAGE}.api.v1.{name}")
            for _finder, name, _pkg in pkgutil.iter_modules(api.__path__)
            if _is_json_read(name)
        }
    finally:
        sys.path.remove(str(tmp_path))
    return client, operations


def _read(operation, client, **kwargs):
    """Call the generated `sync_detailed`; the answer must be a 200 parsed into its model."""
    response = operation.sync_detailed(client=client, **kwargs)
    assert response.status_code == 200, (operation.__name__, kwargs, response.content[:300])
    assert response.parsed is not None, operation.__name__
    return response.parsed


def _wants_id(operation):
    return "id" in inspect.signature(operation.sync_detailed).parameters


def _is_json_read(name):
    files = ("download", "photos", "files", "export")  # file downloads, not JSON reads
    return name.endswith(("_list", "_retrieve")) and not any(word in name for word in files)


@pytest.fixture
def generated(demo_portal, tmp_path):
    client_module, operations = _generate(tmp_path, demo_portal.url)
    client = client_module.AuthenticatedClient(
        base_url=demo_portal.url,
        token=demo_portal.tokens["office"],
        prefix="Token",
        raise_on_unexpected_status=True,
        timeout=60,
    )
    yield client, operations
    for module in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[module]


def test_a_generated_client_lists_and_reads_every_resource(generated, demo_portal):
    client, operations = generated
    reads = operations
    first_ids = {}
    # Lists (and totals, rates) first: they give the ids the details are read with.
    for name, operation in sorted(reads.items()):
        if _wants_id(operation):
            continue
        parsed = _read(operation, client)
        results = getattr(parsed, "results", None)
        if results is not None:
            assert results, f"{name}: the demo has rows here"
            # A big list's cursor pages (v1_tasks_cursor_list) list the same resource. A list
            # of what has no id of its own (the rankings: a scheme's period) gives none.
            if hasattr(results[0], "id"):
                first_ids[name.removesuffix("_list").removesuffix("_cursor")] = results[0].id
    files = {
        "v1_evidence": demo_portal.file_ids["/api/v1/evidence/", "id"][0],
        "v1_grievance_attachments": demo_portal.file_ids["/api/v1/grievance-attachments/", "id"][0],
    }
    read_details = set()
    for name, operation in sorted(reads.items()):
        if not _wants_id(operation):
            continue
        # v1_grievances_retrieve, v1_grievances_events_list, v1_grievances_mediation_retrieve…
        resource = max((key for key in [*first_ids, *files] if name.startswith(f"{key}_")), key=len)
        object_id = first_ids.get(resource) or files[resource]
        if "mediation" in name:
            object_id = demo_portal.mediated_grievance
        _read(operation, client, id=object_id)
        read_details.add(name)
    assert {f"{resource}_retrieve" for resource in [*first_ids, *files]} <= read_details
