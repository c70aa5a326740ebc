"""Admin pages to import a GIFT or Moodle XML file into a quiz: upload, preview, confirm."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Course

from . import services

__all__ = ["GiftConfirmForm", "GiftImportAdminMixin", "GiftImportForm"]

MAX_FILE_BYTES = 1_000_000
# The preview carries the file to the confirm step in a signed field, not the session.
PAYLOAD_SALT = "quizzes.gift_admin.import"
PAYLOAD_MAX_AGE = 60 * 60


class GiftImportForm(forms.Form):
    """The upload step: which course, which quiz, which file."""

    course = forms.ModelChoiceField(queryset=Course.objects.all(), label=_("Course"))
    quiz = forms.SlugField(
        label=_("Quiz slug"),
        max_length=80,
        required=False,
        help_text=_(
            "An existing quiz of the course gets the questions appended; a new slug "
            "creates an unpublished quiz. Empty: a slug made from the file's $CATEGORY."
        ),
    )
    file = forms.FileField(
        label=_("GIFT or Moodle XML file"), help_text=_("UTF-8 text, up to 1 MB.")
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("", _("From the file name (.xml is Moodle XML)")),
            ("gift", _("GIFT")),
            ("moodlexml", _("Moodle XML")),
        ],
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("format") and "file" in self.files:
            data["format"] = services.format_from_name(self.files["file"].name)
        return data


class GiftConfirmForm(forms.Form):
    """The confirm step: the signed file, course and quiz the preview showed."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user_pk: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_pk = user_pk

    @staticmethod
    def sign(
        *, course: Course, quiz: str, text: str, name: str, user_pk: int, fmt: str
    ) -> str:
        return signing.dumps(
            {
                "course": course.pk,
                "quiz": quiz,
                "text": text,
                "name": name,
                "user": user_pk,
                "format": fmt,
            },
            salt=PAYLOAD_SALT,
            compress=True,
        )

    def clean_payload(self) -> dict:
        try:
            payload = signing.loads(
                self.cleaned_data["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE
            )
        except signing.SignatureExpired as exc:
            raise forms.ValidationError(
                _("The preview is more than an hour old; upload the file again.")
            ) from exc
        except signing.BadSignature as exc:
            raise forms.ValidationError(_("The preview was tampered with.")) from exc
        if payload.get("user") != self.user_pk:
            raise forms.ValidationError(_("This preview belongs to another user."))
        payload["course"] = Course.objects.filter(pk=payload.get("course")).first()
        if payload["course"] is None:
            raise forms.ValidationError(_("The course no longer exists."))
        return payload


class GiftImportAdminMixin:
    """Add `import-gift/` to a ModelAdmin (meant for QuizAdmin): upload, preview, import."""

    gift_import_template = "admin/quizzes/gift_import.html"
    gift_preview_template = "admin/quizzes/gift_preview.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import-gift/",
                self.admin_site.admin_view(self.gift_import_view),
                name=f"{opts.app_label}_{opts.model_name}_import_gift",
            ),
            *super().get_urls(),
        ]

    def gift_import_view(self, request: HttpRequest) -> HttpResponse:
        """Show the upload form, the preview of an upload, or import a confirmed one."""
        if not (
            request.user.is_staff
            and self.has_add_permission(request)
            and request.user.has_perm("quizzes.add_question")
        ):
            raise PermissionDenied
        if request.method == "POST" and "payload" in request.POST:
            return self._gift_confirm(request)
        form = GiftImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            return self._gift_preview(request, form)
        return self._gift_render(
            request,
            self.gift_import_template,
            {
                "title": gettext("Import questions from a GIFT or Moodle XML file"),
                "form": form,
            },
        )

    def _gift_preview(self, request: HttpRequest, form: GiftImportForm) -> HttpResponse:
        data = form.cleaned_data
        name = form.files["file"].name
        context = {
            "title": gettext("Preview of %(name)s") % {"name": name},
            "file_name": name,
            "course": data["course"],
        }
        try:
            report = services.import_questions(
                course=data["course"],
                quiz=data["quiz"] or None,
                text=data["file"],
                fmt=data["format"],
                dry_run=True,
                user=request.user,
            )
        except services.FORMAT_ERRORS as exc:
            context["error"] = exc
            return self._gift_render(request, self.gift_preview_template, context)
        except services.QuestionImportError as exc:
            form.add_error("quiz", str(exc))
            return self._gift_render(
                request,
                self.gift_import_template,
                {
                    "title": gettext("Import questions from a GIFT or Moodle XML file"),
                    "form": form,
                },
            )
        payload = GiftConfirmForm.sign(
            course=data["course"],
            quiz=report.quiz_slug,
            text=data["file"],
            name=name,
            user_pk=request.user.pk,
            fmt=data["format"],
        )
        context["report"] = report
        context["confirm_form"] = GiftConfirmForm(
            initial={"payload": payload}, user_pk=request.user.pk
        )
        return self._gift_render(request, self.gift_preview_template, context)

    def _gift_confirm(self, request: HttpRequest) -> HttpResponse:
        form = GiftConfirmForm(request.POST, user_pk=request.user.pk)
        if not form.is_valid():
            for error in form.errors.get("payload", []):
                messages.error(request, error)
            return HttpResponseRedirect(request.path)
        payload = form.cleaned_data["payload"]
        try:
            report = services.import_questions(
                course=payload["course"],
                quiz=payload["quiz"],
                text=payload["text"],
                fmt=payload.get("format", "gift"),
                user=request.user,
            )
        except (*services.FORMAT_ERRORS, services.QuestionImportError) as exc:
            # Only reachable if the quiz changed since the preview; nothing was saved.
            context = {
                "title": gettext("Preview of %(name)s") % {"name": payload["name"]},
                "file_name": payload["name"],
                "course": payload["course"],
                "error": exc,
            }
            return self._gift_render(request, self.gift_preview_template, context)
        messages.success(request, report.summary())
        url = request.path
        if self.has_view_or_change_permission(request, report.quiz):
            try:
                url = reverse(
                    f"{self.admin_site.name}:quizzes_quiz_change", args=[report.quiz.pk]
                )
            except NoReverseMatch:
                pass
        return HttpResponseRedirect(url)

    def _gift_render(
        self, request: HttpRequest, template: str, context: dict
    ) -> TemplateResponse:
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "import_url": request.path,
            **context,
        }
        return TemplateResponse(request, template, context)
