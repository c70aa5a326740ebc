"""API shapes of the signed-in user."""

import zoneinfo

from rest_framework import serializers

from .models import User


class MeSerializer(serializers.ModelSerializer):
    """The signed-in user's own account."""

    class Meta:
        model = User
        fields = [
            "email",
            "first_name",
            "last_name",
            "role",
            "progress_emails",
            "timezone",
        ]
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    """What a user may change about themselves; every field is optional."""

    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    timezone = serializers.ChoiceField(
        choices=sorted(zoneinfo.available_timezones()), required=False
    )
    progress_emails = serializers.BooleanField(required=False)
