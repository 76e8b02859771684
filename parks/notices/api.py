"""/api/v1/notices/preferences/: the signed-in person's channels, kind by kind, and the digest."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from parks.notices import services
from parks.notices.choices import DeliveryChannel, NoticeKind


class ChannelsSerializer(serializers.Serializer):
    """The channels that carry one kind (the bell always does)."""

    email = serializers.BooleanField()
    wecom = serializers.BooleanField(help_text=_("A post to your unit's (or park's) WeCom group."))
    sms = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    """Every kind's channels, and the daily e-mail digest."""

    daily_digest = serializers.BooleanField(
        help_text=_("One e-mail a day with the last day's notices, instead of one per notice.")
    )
    kinds = serializers.DictField(
        child=ChannelsSerializer(),
        help_text=_("By kind of notice; a PUT may name only the kinds it changes."),
    )

    def validate_kinds(self, kinds):
        unknown = sorted(set(kinds) - set(NoticeKind.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}
            )
        return kinds


def _current(user) -> dict:
    choices, digest = services.preferences_of(user)
    return {"daily_digest": digest, "kinds": choices}


class NoticePreferencesView(APIView):
    """The signed-in person's notification settings."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(PreferencesSerializer(_current(request.user)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        given = PreferencesSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        current, _digest = services.preferences_of(request.user)
        chosen = {
            kind: {channel: channels[channel] for channel in DeliveryChannel.values}
            for kind, channels in given.validated_data["kinds"].items()
        }
        services.preferences_save(
            user=request.user,
            choices={**current, **chosen},
            daily_digest=given.validated_data["daily_digest"],
        )
        return Response(PreferencesSerializer(_current(request.user)).data)
