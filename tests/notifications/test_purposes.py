import pytest

from notifications.purposes import purpose_declare, purpose_label, purposes, purposes_hidden_from
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_apps_declare_their_purposes_at_start_up():
    names = {purpose.name for purpose in purposes()}
    assert {"registration_confirmed", "forum_reminder", "announcement", "concern_responded", "staff_digest"} <= names
    assert str(purpose_label("forum_reminder")) == "Reminder"
    assert purpose_label("no_such_purpose") == "no_such_purpose"


def test_declaring_the_same_purpose_twice_differently_is_refused():
    purpose_declare("forum_reminder", next(p.label for p in purposes() if p.name == "forum_reminder"))
    with pytest.raises(ValueError, match="declared twice"):
        purpose_declare("forum_reminder", "Something else")


def test_concern_messages_are_hidden_from_whoever_may_not_see_concern_contacts(nssf_staff):
    hidden = set(purposes_hidden_from(UserFactory()))
    assert "concern_responded" in hidden
    assert "registration_confirmed" not in hidden
    assert purposes_hidden_from(nssf_staff) == []
