"""The API schema's titles are those of the language it is made in, whichever language the
process made a schema in first: a serializer declared as an instance where the views are
declared (`responses=GrievanceEventSerializer(many=True)`) kept the fields it built first."""

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator


def _titles(language, *components):
    with translation.override(language):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    found = schema["components"]["schemas"]
    return {
        name: {field: body.get("title") for field, body in found[name]["properties"].items()}
        for name in components
    }


def test_titles_follow_the_schemas_language_whichever_came_first():
    components = ("GrievanceEvent", "ProgressUpdate")
    english = _titles("en", *components)
    chinese = _titles("zh-hans", *components)
    assert chinese["GrievanceEvent"]["action"] == "操作"
    assert chinese["ProgressUpdate"]["task"] == "任务"
    assert chinese["ProgressUpdate"]["author"] == "报送人"
    assert english["GrievanceEvent"]["action"] is None  # "action" needs no title in English
    assert _titles("en", *components) == english
