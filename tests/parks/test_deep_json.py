"""A JSON body nested thousands of levels deep is refused as bad input, not a server error."""

import pytest

pytestmark = pytest.mark.django_db

DEEP = "[" * 50_000 + "]" * 50_000


def _post_raw_json(client, url, body):
    return client.generic("POST", url, body, content_type="application/json")


@pytest.mark.parametrize("url", ["/api/v1/activities/bulk/", "/api/v1/grievances/"])
def test_a_deeply_nested_body_is_a_json_400(api_as, office_user, url):
    response = _post_raw_json(api_as(office_user), url, DEEP)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "嵌套层级过深" in response.json()["detail"]  # "nested too deeply", in Chinese by default


def test_a_deeply_nested_value_inside_an_object_is_a_json_400(api_as, office_user):
    body = '{"activities": ' + DEEP + "}"
    response = _post_raw_json(api_as(office_user), "/api/v1/activities/bulk/", body)

    assert response.status_code == 400
    assert "嵌套层级过深" in response.json()["detail"]  # "nested too deeply", in Chinese by default


def test_the_message_follows_the_clients_language(api_as, office_user):
    response = api_as(office_user).generic(
        "POST",
        "/api/v1/grievances/",
        DEEP,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The JSON body is nested too deeply (at most 100 levels); send a flatter document."
    )


def test_ordinary_nesting_is_still_read(api_as, office_user, park):
    # Two levels, like every real payload: the parser change must not refuse it.
    response = _post_raw_json(
        api_as(office_user), "/api/v1/activities/bulk/", '{"activities": [{"kind": "visit"}]}'
    )

    assert response.status_code == 400  # an invalid item, reported per index
    assert response.json()["errors"][0]["index"] == 0
