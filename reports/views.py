"""Dashboards, reports and exports: read-only pages, each figure from reports.selectors."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from audit.models import AuditEvent
from audit.services import audit_record
from events.mixins import ManageForumMixin
from events.models import Forum, ForumSeries
from feedback import commitment_selectors
from feedback.forms import QueueFilterForm
from feedback.models import Concern
from feedback.selectors import concerns_queue, publishable_responses
from participants.models import Evaluation, Registration
from participants.selectors import evaluation_results
from reports import exports, selectors
from reports.forms import DeskFilterForm
from reports.pdf import report_pdf

DASHBOARDS = "reports.view_dashboards"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportsIndexView(PermissionRequiredMixin, ListView):
    """Every series with its forums, each linked to its dashboard and report."""

    permission_required = DASHBOARDS
    template_name = "reports/index.html"
    context_object_name = "series_list"

    def get_queryset(self):
        forums = Forum.objects.exclude(status=Forum.Status.CANCELLED).order_by("starts_at")
        return ForumSeries.objects.prefetch_related(Prefetch("forums", queryset=forums))


class ForumDashboardView(ManageForumMixin, TemplateView):
    permission_required = DASHBOARDS
    template_name = "reports/forum_dashboard.html"
    active_tab = "dashboard"

    def get_context_data(self, **kwargs):
        figures = selectors.forum_dashboard(forum=self.forum, user=self.request.user)
        return super().get_context_data(figures=figures, **kwargs)


def _commitments_context(commitments) -> dict:
    """The commitments made at a forum or in a series and the ISAF indicator (share done or on track)."""
    return {
        "commitments": list(commitments),
        "commitment_figures": commitment_selectors.commitments_figures(commitments=commitments),
    }


class ForumReportView(ManageForumMixin, TemplateView):
    """The post-forum report: cover, attendance, agenda as held, concerns, published answers, evaluation."""

    permission_required = DASHBOARDS
    template_name = "reports/forum_report.html"
    active_tab = "report"

    def report_context(self) -> dict:
        forum = self.forum
        evaluation = Evaluation.objects.filter(forum=forum).first()
        return {
            "forum": forum,
            "covered_provinces": list(forum.covered_provinces.by_name()),
            "figures": selectors.forum_dashboard(forum=forum, user=self.request.user),
            "agenda": selectors.agenda_as_held(forum=forum),
            "responses": publishable_responses(concerns=Concern.objects.filter(forum=forum)),
            "evaluation": evaluation_results(evaluation=evaluation) if evaluation else None,
            **_commitments_context(commitment_selectors.forum_commitments(forum=forum)),
            "generated_at": timezone.now(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.report_context(), **kwargs)


class ForumReportPdfView(ForumReportView):
    template_name = "reports/pdf/forum_report.html"

    def get(self, request, *args, **kwargs):
        pdf = report_pdf(self.template_name, {**self.report_context(), "request": request})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{self.forum.slug}-report.pdf"'
        return response


class SeriesMixin(PermissionRequiredMixin):
    permission_required = DASHBOARDS

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.series = get_object_or_404(ForumSeries, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)


class SeriesDashboardView(SeriesMixin, TemplateView):
    template_name = "reports/series_dashboard.html"

    def report_context(self) -> dict:
        return {
            "series": self.series,
            "figures": selectors.series_dashboard(series=self.series, user=self.request.user),
            "generated_at": timezone.now(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.report_context(), **kwargs)


class SeriesReportView(SeriesDashboardView):
    template_name = "reports/series_report.html"

    def report_context(self) -> dict:
        commitments = commitment_selectors.series_commitments(series=self.series, public_statuses=Forum.PUBLIC_STATUSES)
        return {**super().report_context(), **_commitments_context(commitments)}


class SeriesReportPdfView(SeriesReportView):
    template_name = "reports/pdf/series_report.html"

    def get(self, request, *args, **kwargs):
        pdf = report_pdf(self.template_name, {**self.report_context(), "request": request})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{self.series.slug}-report.pdf"'
        return response


class DeskDashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "reports.view_desk_dashboard"
    template_name = "reports/desk_dashboard.html"

    def get_context_data(self, **kwargs):
        form = DeskFilterForm(self.request.GET or None)
        figures = selectors.desk_dashboard(user=self.request.user, filters=form.filters())
        # The exports take the queue's filters; "all" so that closed concerns are exported as they are counted here.
        query = urlencode({"view": "all", **{key: value for key, value in self.request.GET.items() if value}})
        return super().get_context_data(filter_form=form, figures=figures, query_string=query, **kwargs)


def _audit_export(request, *, object_type: str, object_ref: str, what: str, filters: dict, count: int) -> None:
    """Record who exported what, with which filters (the search text itself is left out) and how many rows."""
    described = ",".join(
        f"{key}={'…' if key == 'q' else getattr(value, 'pk', value)}"
        for key, value in sorted(filters.items())
        if value not in (None, "", False, [])
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=object_type,
        object_ref=object_ref,
        detail=f"{what} rows={count} filters={described or '-'}",
    )


class _FileExport(View):
    """Send rows as CSV (streamed) or XLSX (written to a spooled temporary file)."""

    file_format = "csv"

    def send(self, queryset, columns, *, filename: str, sheet: str):
        if self.file_format == "xlsx":
            response = StreamingHttpResponse(exports.xlsx_chunks(queryset, columns, sheet=sheet), content_type=XLSX)
        else:
            content = exports.csv_lines(queryset, columns)
            response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.{self.file_format}"'
        return response


class ConcernExportView(PermissionRequiredMixin, _FileExport):
    """Concerns for NSSF staff, with the queue's filters; contacts only for who may see them; always audited."""

    permission_required = "reports.export_concerns"

    def get(self, request):
        form = QueueFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        concerns = exports.concerns_for_export(concerns_queue(user=request.user, filters=filters))
        with_contacts = request.user.has_perm("feedback.view_concern_contact")
        columns = exports.concern_columns(with_contacts=with_contacts)
        _audit_export(
            request,
            object_type=AuditEvent.ObjectType.CONCERN,
            object_ref="",
            what=f"concerns.{self.file_format}{' with contacts' if with_contacts else ''}",
            filters=filters,
            count=concerns.count(),
        )
        return self.send(concerns, columns, filename="concerns", sheet="Concerns")


class AnonymisedParticipantsExportView(SeriesMixin, _FileExport):
    """The series' participants without a name, phone, email or NSSF number, optionally of one forum."""

    permission_required = "reports.export_anonymised"

    def get(self, request, slug):
        registrations = Registration.objects.filter(forum__series=self.series)
        forum_slug = request.GET.get("forum") or ""
        if forum_slug:
            forum = get_object_or_404(Forum, series=self.series, slug=forum_slug)
            registrations = registrations.filter(forum=forum)
        columns = exports.anonymised_participant_columns()
        _audit_export(
            request,
            object_type=AuditEvent.ObjectType.FORUM,
            object_ref=forum_slug or self.series.slug,
            what=f"anonymised participants.{self.file_format}",
            filters={"forum": forum_slug},
            count=registrations.count(),
        )
        name = f"{forum_slug or self.series.slug}-participants-anonymised"
        return self.send(exports.participants_for_export(registrations), columns, filename=name, sheet="Participants")
