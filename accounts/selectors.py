"""Reads about users: who holds a role."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet


def users_in_roles(*, roles: Iterable[str]) -> QuerySet:
    """Return the active users who hold any of `roles` (group names from `accounts.roles`), each once, by id."""
    return get_user_model().objects.filter(is_active=True, groups__name__in=list(roles)).distinct().order_by("pk")
