"""API serializers of joining a cohort with its code; the input one never saves."""

from rest_framework import serializers

from . import join_codes


class JoinCodeInputSerializer(serializers.Serializer):
    """The code an instructor shared; case, spaces and dashes do not matter."""

    code = serializers.CharField(max_length=32)

    def validate_code(self, value: str) -> str:
        code = join_codes.normalise(value)
        if code is None:
            raise serializers.ValidationError(
                "A join code has ten letters and digits, e.g. ABCDE-23456."
            )
        return code


class MembershipSerializer(serializers.Serializer):
    """The cohort I am in now, its course, and whether this call put me there."""

    cohort = serializers.CharField(source="cohort.name")
    course = serializers.SlugField(source="cohort.course.slug")
    joined_at = serializers.DateTimeField()
    created = serializers.BooleanField()
