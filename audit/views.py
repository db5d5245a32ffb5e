from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from audit.forms import AuditFilterForm
from audit.selectors import audit_events


class AuditTrailView(PermissionRequiredMixin, ListView):
    """The audit trail for supervisors, filtered by who, what, which object and when."""

    permission_required = "audit.view_audit_trail"
    template_name = "audit/trail.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = AuditFilterForm(self.request.GET or None)
        return audit_events(**self.filter_form.filters())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter_form=self.filter_form, query_string=query.urlencode(), **kwargs)
