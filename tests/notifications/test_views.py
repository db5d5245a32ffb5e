import pytest
from django.urls import reverse

from notifications.models import Message
from tests.events.factories import ForumFactory
from tests.notifications.factories import MessageFactory

pytestmark = pytest.mark.django_db
Status = Message.Status


def _log_url(forum, **query):
    url = reverse("notifications:message_log", kwargs={"slug": forum.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_message_log_needs_login(client):
    forum = ForumFactory()
    response = client.get(_log_url(forum))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_message_log_refused_to_staff_without_the_permission(staff_client):
    assert staff_client.get(_log_url(ForumFactory())).status_code == 403


def test_message_log_unknown_forum_is_404(organizer_client):
    assert organizer_client.get("/en/manage/forums/no-such-forum/messages/").status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_message_log_runs_a_fixed_number_of_queries(organizer_client, django_assert_num_queries, count):
    forum = ForumFactory()
    MessageFactory.create_batch(count, forum=forum)
    MessageFactory(forum=ForumFactory())  # another forum's message is not listed
    organizer_client.get(_log_url(forum))  # warm the session and permission caches
    with django_assert_num_queries(8):
        response = organizer_client.get(_log_url(forum))
    assert len(response.context["outbox_messages"]) == count
    assert response.context["counts"]["queued"] == count


def test_message_log_filters_by_status_and_shows_the_error(organizer_client):
    forum = ForumFactory()
    MessageFactory(forum=forum, status=Status.SENT)
    failed = MessageFactory(forum=forum, status=Status.FAILED, last_error="HTTP 500", attempts=5)
    response = organizer_client.get(_log_url(forum, status="failed"))
    assert [m.pk for m in response.context["outbox_messages"]] == [failed.pk]
    assert "HTTP 500" in response.text
    assert reverse("notifications:message_resend", kwargs={"slug": forum.slug, "pk": failed.pk}) in response.text
    # An unknown status filter lists everything rather than failing.
    assert len(organizer_client.get(_log_url(forum, status="bogus")).context["outbox_messages"]) == 2


def test_resend_failed_message_queues_and_delivers_it(organizer_client, django_capture_on_commit_callbacks):
    forum = ForumFactory()
    failed = MessageFactory(forum=forum, status=Status.FAILED, last_error="HTTP 500", attempts=5)
    url = reverse("notifications:message_resend", kwargs={"slug": forum.slug, "pk": failed.pk})
    assert organizer_client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url)
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 1)


def test_resend_message_of_another_forum_is_404(organizer_client):
    forum = ForumFactory()
    other = MessageFactory(forum=ForumFactory(), status=Status.FAILED)
    url = reverse("notifications:message_resend", kwargs={"slug": forum.slug, "pk": other.pk})
    assert organizer_client.post(url).status_code == 404


def test_resend_sent_message_is_refused_with_a_message(organizer_client):
    forum = ForumFactory()
    sent = MessageFactory(forum=forum, status=Status.SENT)
    url = reverse("notifications:message_resend", kwargs={"slug": forum.slug, "pk": sent.pk})
    response = organizer_client.post(url, follow=True)
    assert "Only a message that failed can be sent again." in response.text
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_forum_pages_link_to_the_message_log(organizer_client):
    forum = ForumFactory()
    response = organizer_client.get(reverse("events:manage_forum_edit", kwargs={"slug": forum.slug}))
    assert f'href="{_log_url(forum)}"' in response.text


def test_admin_lists_messages_and_resends_failed_ones(admin_client, django_capture_on_commit_callbacks):
    failed = MessageFactory(status=Status.FAILED, attempts=3)
    sent = MessageFactory(status=Status.SENT)
    assert admin_client.get(reverse("admin:notifications_message_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:notifications_message_change", args=[failed.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:notifications_message_changelist"),
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
        )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 1)


def test_concern_messages_hidden_from_organizers_without_the_contact_permission(organizer_client, organizer):
    from django.contrib.auth.models import Permission

    forum = ForumFactory()
    participant = MessageFactory(forum=forum)
    concern = MessageFactory(
        forum=forum, purpose="concern_acknowledged", recipient_name="Srey Leak", status=Status.FAILED
    )
    response = organizer_client.get(_log_url(forum))
    assert [m.pk for m in response.context["outbox_messages"]] == [participant.pk]
    assert "Srey Leak" not in response.text
    assert response.context["counts"]["failed"] == 0
    resend = reverse("notifications:message_resend", kwargs={"slug": forum.slug, "pk": concern.pk})
    assert organizer_client.post(resend).status_code == 404

    organizer.user_permissions.add(Permission.objects.get(codename="view_concern_contact"))
    response = organizer_client.get(_log_url(forum))
    assert {m.pk for m in response.context["outbox_messages"]} == {participant.pk, concern.pk}


@pytest.mark.parametrize("count", [1, 20])
def test_message_overview_shows_each_channel_in_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, count
):
    MessageFactory.create_batch(count, status=Status.SENT, sms_parts=2, receipt=Message.Receipt.DELIVERED)
    MessageFactory(
        status=Status.FAILED, channel=Message.Channel.EMAIL, to_email="a@example.org", purpose="concern_closed"
    )
    staff_client.get(reverse("notifications:overview"))
    # Session, user, two permission lookups, and one grouped query for every figure.
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("notifications:overview"))
    sms = next(row for row in response.context["channels"] if row["channel"] == "sms")
    email = next(row for row in response.context["channels"] if row["channel"] == "email")
    assert (sms["sent"], sms["delivered"], sms["parts"]) == (count, count, 2 * count)
    assert email["failed"] == 1


def test_message_overview_hides_concern_messages_from_organizers(organizer_client):
    from django.test import Client

    MessageFactory(
        status=Status.FAILED, channel=Message.Channel.EMAIL, to_email="a@example.org", purpose="concern_closed"
    )
    MessageFactory(status=Status.SENT)
    response = organizer_client.get(reverse("notifications:overview") + "?period=all")
    assert [row["channel"] for row in response.context["channels"]] == ["sms"]
    assert Client().get(reverse("notifications:overview")).status_code == 302
