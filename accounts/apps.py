from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from accounts import security  # noqa: F401 - connects the security-event receivers
        from accounts.roles import roles_sync_after_migrate
        from forum_portal.choices import blank_choice_label_install

        # Here, in the lowest app, so that every app's forms get the translated empty entry.
        blank_choice_label_install()

        # Permissions added by later migrations of any app reach the role groups automatically.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="accounts.roles_sync")
