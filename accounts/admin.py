"""Admin of users: e-mail instead of username, role and preferences, cohorts read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import User


class UserCreationAdminForm(AdminUserCreationForm):
    """Create a user from an e-mail address and a password."""

    class Meta:
        model = User
        fields = ("email", "role")


class UserChangeAdminForm(UserChangeForm):
    """Edit a user whose login is the e-mail address."""

    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users by e-mail, with role, staff flag, e-mail preference and time zone."""

    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "timezone")}),
        (
            _("Role and preferences"),
            {"fields": ("role", "progress_emails", "cohort_list")},
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (
            _("Important dates"),
            {"fields": ("last_login", "date_joined", "email_verified_at")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("cohort_list", "last_login", "date_joined")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "is_staff",
        "progress_emails",
        "timezone",
    )
    list_filter = ("role", "is_staff", "is_superuser", "is_active", "progress_emails")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)

    @admin.display(description=_("cohorts (as student)"))
    def cohort_list(self, obj: User) -> str:
        if obj.pk is None:
            return "—"
        # Through the reverse relation, so accounts never imports courses.
        memberships = obj.cohort_memberships.select_related("cohort__course").order_by(
            "cohort__course__title", "cohort__name"
        )
        rows = [(m.cohort.name, m.cohort.course.title) for m in memberships]
        if not rows:
            return "—"
        return format_html_join(", ", "{} ({})", rows)
