"""The OpenAPI document is generated from the card, and schemathesis finds nothing the server breaks."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="the service extra (starlette) is not installed")
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis import GenerationMode  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from engine.service import app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def service(card):
    return app(card)


@pytest.fixture(scope="module")
def operations(service):
    schema = schemathesis.openapi.from_asgi("/openapi.json", service)
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


OPERATIONS = ["POST /quote", "POST /quote/batch", "POST /explain", "GET /sheet", "GET /catalog", "GET /card",
              "GET /health"]
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          response_headers_conformance]


def test_the_document_lists_every_operation(operations):
    assert sorted(operations) == sorted(OPERATIONS)


# schemathesis' own pytest plugin does not run under pytest 9 yet: its Python API, driven by Hypothesis here.
TAKING_INPUT = ["POST /quote", "POST /quote/batch", "POST /explain", "GET /sheet"]
CASES = [(label, GenerationMode.POSITIVE) for label in OPERATIONS]
CASES += [(label, GenerationMode.NEGATIVE) for label in TAKING_INPUT]  # the others take nothing to break


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{label}-{mode.value}" for label, mode in CASES])
def test_no_server_error_and_no_response_outside_the_schema(operations, label, mode):
    """Positive cases follow the schema, negative ones break it (wrong types, extra keys, missing ones)."""
    @given(case=operations[label].as_strategy(generation_mode=mode))
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case):
        case.call_and_validate(checks=CHECKS)

    fuzz()


@pytest.fixture(scope="module")
def document(service):
    with TestClient(service) as c:
        return c.get("/openapi.json").json()


def test_each_model_has_a_request_schema_with_the_values_it_offers(document, card):
    schemas = document["components"]["schemas"]
    sora = schemas["Request.text-to-video.Sora_2_Pro"]
    assert sora["required"] == ["tool", "model"] and sora["additionalProperties"] is False
    props = sora["properties"]
    assert props["model"]["enum"] == ["Sora 2 Pro"]
    offers = card.card.models[("text-to-video", "Sora 2 Pro")].offers
    assert props["res"] == {"type": "integer", "enum": list(offers["res"]), "description": props["res"]["description"]}
    assert props["dur"]["enum"] == list(offers["dur"])
    assert props["audio"]["type"] == "boolean"
    assert props["aspect"]["enum"] == list(offers["aspect"])
    # an unbounded parameter is a range, and `text` stands for its counted characters
    voice = schemas["Request.voiceover"]["properties"]
    assert voice["chars"] == {"type": "integer", "minimum": 1}
    assert voice["text"]["type"] == "string"
    # aliases are accepted spellings
    assert schemas["Request.text-to-image.GPT_Image_1_5_High"]["properties"]["model"]["enum"] == [
        "GPT Image 1.5 High", "GPT Image1.5 High", "GPT Image High"]
    # every model of the card, and nothing else
    requests = {k for k in schemas if k.startswith("Request.")}
    assert len(requests) == len(card.card.models)
    assert len(schemas["Request"]["oneOf"]) == len(requests)


def test_a_model_taking_a_parameter_from_elsewhere_has_no_such_property(document, card):
    taken = [(m, p) for m in card.card.models.values() for p, o in m.offers.items() if not hasattr(o, "type")]
    assert taken, "the bundled card has a model that does not take a parameter (aspect taken from the image)"
    schemas = document["components"]["schemas"]
    for model, param in taken:
        name = next(k for k, s in schemas.items() if k.startswith("Request.")
                    and s["properties"]["tool"]["enum"] == [model.tool]
                    and s["properties"].get("model", {}).get("enum", [None])[0] == model.name)
        assert param not in schemas[name]["properties"]
