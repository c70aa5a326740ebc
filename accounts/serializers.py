"""API shapes of the signed-in user."""

from rest_framework import serializers

from .models import User, validate_timezone


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
    # A validator, not a choice list: the schema stays small and the rule stays in one place.
    timezone = serializers.CharField(
        max_length=64, required=False, validators=[validate_timezone]
    )
    progress_emails = serializers.BooleanField(required=False)
