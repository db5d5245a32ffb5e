"""Reports keep no data of their own: this model exists only to declare who may read the evidence."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """Permissions of the reports app; no table (roles.py grants them to roles)."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report access")
        permissions = [
            ("view_dashboards", _("Can see the forum and series dashboards and reports")),
            ("view_desk_dashboard", _("Can see the concern desk dashboard")),
            ("view_exact_figures", _("Can see exact small numbers in dashboards and reports")),
            ("export_concerns", _("Can export concerns as CSV or XLSX")),
            ("export_anonymised", _("Can export anonymised participant lists")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
