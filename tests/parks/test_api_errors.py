"""Whatever endpoint a client calls, an over-large or overfull body gets a JSON answer."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_over_large_json_body_is_a_json_413(api_as, office_user, park):
    description = "长" * (1024 * 1024)  # 3 MB of UTF-8, over DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_as(office_user).post(
        "/api/v1/grievances/",
        {"park": park.pk, "category": "wages", "title": "工资", "description": description},
        format="json",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "MB" in response.json()["detail"]


def test_a_form_with_too_many_fields_is_a_json_400(api_as, office_user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{n}=x" for n in range(50))
    response = api_as(office_user).generic(
        "POST",
        "/api/v1/plans/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(("language", "detail"), [("zh-hans", "未找到。"), ("en", "Not found.")])
def test_a_missing_object_is_not_found_in_the_clients_language(
    api_as, office_user, language, detail
):
    # It said "No Grievance matches the given query." whatever the language: Django's text for
    # get_object_or_404, with the model's class name in it.
    response = api_as(office_user).get("/api/v1/grievances/987654/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}
