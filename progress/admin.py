"""The outbox in the admin: filter, read, resend failed rows, preview anyone's report."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import reports, services
from .models import ProgressReport

# An e-mail's HTML styles itself inline (mail clients drop <link>): its page allows
# inline styles and nothing else, may be framed only by the admin, and runs no script.
MESSAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def message_response(html: str) -> HttpResponse:
    """An e-mail's HTML part as a page of its own, with a policy that fits it."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = MESSAGE_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Referrer-Policy"] = "no-referrer"
    return response


class PreviewForm(forms.Form):
    """Whose report, for which week, of which kind."""

    email = forms.EmailField(label=_("User's e-mail"))
    period = forms.CharField(
        label=_("Week"), help_text=_("An ISO week such as 2026-W48."), max_length=10
    )
    kind = forms.ChoiceField(choices=ProgressReport.Kind.choices)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No user has this e-mail address."))
        self.cleaned_data["user"] = user
        return email

    def clean_period(self):
        try:
            return reports.parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "period", "state", "attempts", "sent_at")
    list_filter = ("state", "kind", "period")
    search_fields = ("user__email", "subject")
    list_select_related = ("user",)
    date_hierarchy = "period"
    actions = ["resend"]
    fields = (
        "user",
        "kind",
        "period",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "subject",
        "text_body",
        "html_preview",
    )
    readonly_fields = fields
    change_list_template = "progress/admin_change_list.html"

    def has_add_permission(self, request):
        return False

    class Media:
        css = {"all": ["css/admin/email_preview.css"]}

    @admin.display(description=_("HTML part"))
    def html_preview(self, obj):
        url = reverse("admin:progress_progressreport_message", args=[obj.pk])
        return format_html(
            '<iframe sandbox="" src="{}" title="{}" class="email-preview"></iframe>'
            '<p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
            url,
            _("HTML part"),
            url,
            _("Open the message on a page of its own"),
        )

    @admin.action(description=_("Resend the selected failed reports"))
    def resend(self, request, queryset):
        count = services.resend_reports(
            report_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            _("%(count)d failed report(s) queued again.") % {"count": count},
            messages.SUCCESS,
        )

    def get_urls(self):
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name="progress_progressreport_preview",
        )
        message = path(
            "preview/message/",
            self.admin_site.admin_view(self.preview_message_view),
            name="progress_progressreport_preview_message",
        )
        stored = path(
            "<int:pk>/message/",
            self.admin_site.admin_view(self.message_view),
            name="progress_progressreport_message",
        )
        return [preview, message, stored, *super().get_urls()]

    def message_view(self, request, pk):
        """A stored report's HTML part alone, styled as the recipient's mail shows it."""
        report = get_object_or_404(ProgressReport, pk=pk)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return message_response(report.html_body)

    def preview_message_view(self, request):
        """The HTML part of a composed (never stored) report, alone."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PreviewForm(request.GET or None)
        if not form.is_valid():
            raise Http404
        draft = services.compose_report(
            user=form.cleaned_data["user"],
            period=form.cleaned_data["period"],
            kind=form.cleaned_data["kind"],
        )
        return message_response(draft.html_body)

    def preview_view(self, request):
        """Render any user's report for any week, without storing or sending it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PreviewForm(request.GET or None)
        draft = None
        if form.is_valid():
            draft = services.compose_report(
                user=form.cleaned_data["user"],
                period=form.cleaned_data["period"],
                kind=form.cleaned_data["kind"],
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Preview a progress report"),
            "form": form,
            "draft": draft,
            "message_url": (
                reverse("admin:progress_progressreport_preview_message")
                + "?"
                + request.GET.urlencode()
            )
            if draft
            else "",
            "changelist_url": reverse("admin:progress_progressreport_changelist"),
        }
        return TemplateResponse(request, "progress/admin_preview.html", context)
