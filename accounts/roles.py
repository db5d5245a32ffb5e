"""Who may do what: the one place that maps roles to permissions.

Views check permissions (`PermissionRequiredMixin`, `user.has_perm`), templates use `perms`, and this
module decides which role holds which permission. Each app declares its permissions in its models'
`Meta.permissions`; add them to a role here and the groups follow after the next `migrate`.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

ORGANIZERS = "Organizers"
NSSF_STAFF = "NSSF staff"
NSSF_SUPERVISORS = "NSSF supervisors"
PROGRAMME_OFFICERS = "Programme officers"

# Roles that see personal data or concerns: they must enrol a second factor before anything else.
# Organizers join them when settings.ACCOUNTS_MFA_REQUIRED_FOR_ORGANIZERS is on; administrators always.
MFA_REQUIRED_ROLES = (NSSF_STAFF, NSSF_SUPERVISORS, PROGRAMME_OFFICERS)

ROLE_PERMISSIONS: dict[str, list[str]] = {
    ORGANIZERS: [
        "events.manage_forums",
        "participants.manage_registrations",
        "participants.check_in_participants",
        "feedback.record_concerns",
        "feedback.view_concern_statistics",
        "notifications.view_message_log",
        "notifications.send_announcement",
        "notifications.view_message_overview",
        "reports.view_dashboards",
        "reports.view_exact_figures",
    ],
    NSSF_STAFF: [
        "feedback.review_concerns",
        "feedback.view_concern_contact",
        "feedback.record_concerns",
        "feedback.view_concern_statistics",
        "feedback.view_commitment",
        "feedback.manage_commitments",
        "notifications.view_message_overview",
        "reports.view_desk_dashboard",
        "reports.view_exact_figures",
        "reports.export_concerns",
    ],
    NSSF_SUPERVISORS: [
        "feedback.review_concerns",
        "feedback.view_concern_contact",
        "feedback.record_concerns",
        "feedback.view_concern_statistics",
        "feedback.supervise_concerns",
        "feedback.view_commitment",
        "feedback.manage_commitments",
        "audit.view_audit_trail",
        "notifications.view_message_overview",
        "reports.view_dashboards",
        "reports.view_desk_dashboard",
        "reports.view_exact_figures",
        "reports.export_concerns",
    ],
    # Monitoring and reporting (Oxfam MEAL, NSSF planning): every figure, small numbers hidden, nothing personal,
    # nothing to change.
    PROGRAMME_OFFICERS: [
        "reports.view_dashboards",
        "reports.view_desk_dashboard",
        "reports.export_anonymised",
        "feedback.view_commitment",
    ],
}


def roles_sync(apps=global_apps, using="default"):
    """Create the role groups and give each exactly the permissions listed for it.

    Permissions that do not exist yet (an app not migrated so far) are skipped; the post-migrate
    signal runs this again once they exist.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None

    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = {tuple(name.split(".", 1)) for name in perm_names}
        permissions = [
            perm
            for perm in Permission.objects.using(using).select_related("content_type")
            if (perm.content_type.app_label, perm.codename) in wanted
        ]
        group.permissions.set(permissions)


def roles_sync_after_migrate(sender, using="default", **kwargs):
    if sender.name == "accounts":
        roles_sync(using=using)
