"""The evaluation: organizers write it, checked-in participants answer it once, results are counted with care."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import people
from notifications.models import Message
from participants import selectors, services
from participants.messages import thank_you_queue
from participants.models import EvaluationAnswer, EvaluationResponse, Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "kind": "rating",
        "text_km": "តើអ្នកដឹងអំពី ប.ស.ស. ប៉ុណ្ណា?",
        "text_en": "How much do you know about NSSF?",
        "is_knowledge": True,
    },
    {"kind": "yes_no", "text_km": "តើវេទិកាមានប្រយោជន៍ទេ?", "text_en": "Was the forum useful?"},
    {
        "kind": "choice",
        "text_km": "តើផ្នែកណាល្អបំផុត?",
        "text_en": "Which part was best?",
        "options_km": "បទបង្ហាញ\nការពិភាក្សា\nសំណួរ",
        "options_en": "Talks\nDiscussion\nQuestions",
    },
]


def _forum_with_evaluation(**kwargs):
    forum = ForumFactory(**kwargs)
    services.evaluation_save(
        forum=forum, open_question_km="តើមានអ្វីទៀត?", open_question_en="Anything else?", questions=QUESTIONS
    )
    return forum


def _answer(registration, moment, *values, open_answer=""):
    questions = list(registration.forum.evaluation.questions.all())
    if moment == "before":
        questions = [q for q in questions if q.is_knowledge]
    registration.forum.refresh_from_db()
    return services.evaluation_answer(
        registration=registration,
        moment=moment,
        answers={q.pk: v for q, v in zip(questions, values, strict=True)},
        open_answer=open_answer,
    )


@pytest.fixture
def answered_forum():
    """Seven checked-in people answer after the forum, three of them before it too; one does not answer.

    Q1 (rating, knowledge): women 4, 4, 4, 5; men 2, 3; a man with a disability 3. Before: 2, 3, 1.
    Q2 (yes/no): women yes, yes, yes, no; men no, no; the man with a disability yes.
    Q3 (choice): women Talks x3, Discussion; men Questions x2; the man with a disability Talks.
    """
    forum = _forum_with_evaluation()
    checked_in = forum.starts_at + timedelta(minutes=5)
    women = [RegistrationFactory(forum=forum, checked_in_at=checked_in) for _ in range(4)]
    men = [RegistrationFactory(forum=forum, gender="man", checked_in_at=checked_in) for _ in range(2)]
    disabled = RegistrationFactory(
        forum=forum, gender="man", difficulty_seeing=people.Difficulty.A_LOT, checked_in_at=checked_in
    )
    silent = RegistrationFactory(forum=forum, full_name="Silent Sok", checked_in_at=checked_in)
    RegistrationFactory(forum=forum, full_name="Absent Ann")  # never came
    with time_machine.travel(forum.starts_at - timedelta(days=1), tick=False):
        _answer(women[0], "before", 2)
        _answer(women[1], "before", 3)
        _answer(men[0], "before", 1)
    with time_machine.travel(forum.ends_at + timedelta(hours=3), tick=False):
        for registration, values in zip(women, [(4, 1, 1), (4, 1, 1), (4, 1, 1), (5, 0, 2)], strict=True):
            _answer(registration, "after", *values, open_answer="More time for questions")
        _answer(men[0], "after", 2, 0, 3)
        _answer(men[1], "after", 3, 0, 3)
        _answer(disabled, "after", 3, 1, 1)
    return forum, silent


def _link(registration, moment="after"):
    token = services.evaluation_token(registration=registration, moment=moment)
    return reverse("participants:evaluation_answer", kwargs={"token": token})


def _group(item, dimension, label):
    rows = next(group["rows"] for group in item["groups"] if group["dimension"] == dimension)
    return next(row for row in rows if row["label"] == label)


def test_results_match_the_hand_computed_figures(answered_forum):
    forum, _silent = answered_forum

    results = selectors.evaluation_results(evaluation=forum.evaluation)

    assert (results["attended"], results["answered"], results["answered_before"]) == (8, 7, 3)
    assert results["share_answered"] == 88  # 7 of 8
    rating, yes_no, choice = results["questions"]
    # Q1: 2, 3, 3, 4, 4, 4, 5 -> 25 / 7; before: 1, 2, 3 -> 2.0
    assert rating["after"]["n"] == 7 and rating["after"]["mean"] == 3.57
    assert rating["after"]["cells"] == [0, None, None, 3, None]
    assert rating["before"]["mean"] == 2.0 and rating["before"]["n"] == 3
    assert rating["change"] == 1.57
    # Q2: 4 yes of 7
    assert yes_no["after"]["cells"] == [4, 3] and yes_no["after"]["share_yes"] == 57
    assert yes_no["before"] is None and yes_no["change"] is None
    # Q3: Talks 4, Discussion 1, Questions 2
    assert choice["after"]["cells"] == [4, None, None]
    assert choice["headings"] == ["Talks", "Discussion", "Questions"]


def test_results_are_disaggregated_with_the_small_number_rule(answered_forum):
    forum, _silent = answered_forum

    rating, yes_no, _choice = selectors.evaluation_results(evaluation=forum.evaluation)["questions"]

    women = _group(rating, "gender", "Woman")
    assert (women["n"], women["mean"], women["cells"]) == (4, 4.25, [0, 0, 0, 3, None])
    men = _group(rating, "gender", "Man")
    assert (men["n"], men["mean"], men["cells"]) == (3, 2.67, [0, None, None, 0, 0])
    # One person with a disability: nothing about them is shown, not even their number.
    with_disability = _group(rating, "has_disability", "With a disability")
    assert (with_disability["n"], with_disability["mean"], with_disability["cells"]) == (None, None, [None] * 5)
    without = _group(rating, "has_disability", "No disability reported")
    assert (without["n"], without["mean"]) == (6, 3.67)
    assert _group(yes_no, "gender", "Woman")["cells"] == [3, None]
    assert _group(yes_no, "gender", "Woman")["share_yes"] is None  # 75% of 4 would give back the hidden "no"
    assert _group(yes_no, "gender", "Man")["cells"] == [None, None]
    assert _group(yes_no, "has_disability", "No disability reported")["cells"] == [3, 3]
    assert _group(yes_no, "has_disability", "No disability reported")["share_yes"] == 50
    assert _group(rating, "province", "Svay Rieng")["n"] == 7
    assert _group(rating, "age_group", "35 to 44")["n"] == 7
    assert _group(rating, "role", "Workers' representative")["n"] == 7


def test_results_take_the_same_number_of_queries_for_one_or_many_answers(django_assert_num_queries):
    forum = _forum_with_evaluation(starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(forum=forum, checked_in_at=forum.starts_at)
    _answer(registration, "after", 3, 1, 1)
    with django_assert_num_queries(8):
        one = selectors.evaluation_results(evaluation=forum.evaluation)
    for _ in range(5):
        _answer(RegistrationFactory(forum=forum, checked_in_at=forum.starts_at, gender="man"), "after", 5, 0, 2)
    with django_assert_num_queries(8):
        several = selectors.evaluation_results(evaluation=forum.evaluation)

    assert one["answered"] == 1 and several["answered"] == 6
    assert several["questions"][0]["after"]["mean"] == round((3 + 25) / 6, 2)


def test_results_page_names_who_has_not_answered_never_who_answered_what(organizer_client, answered_forum):
    forum, silent = answered_forum

    response = organizer_client.get(reverse("participants:evaluation_results", kwargs={"slug": forum.slug}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "7 of 8 checked-in participants answered (88%)." in page
    assert silent.full_name in page
    answered_names = Registration.objects.filter(evaluation_responses__isnull=False).values_list("full_name", flat=True)
    assert not [name for name in set(answered_names) if name in page]
    assert "Absent Ann" not in page  # did not come, so is not asked
    assert "fewer than 3" in page
    assert page.count("More time for questions") == 4


def test_results_page_counts_queries_independently_of_the_answers(organizer_client, django_assert_max_num_queries):
    forum = _forum_with_evaluation(starts_at=timezone.now() - timedelta(days=2))
    _answer(RegistrationFactory(forum=forum, checked_in_at=forum.starts_at), "after", 3, 1, 1)
    url = reverse("participants:evaluation_results", kwargs={"slug": forum.slug})
    organizer_client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        organizer_client.get(url)
    for _ in range(6):
        _answer(RegistrationFactory(forum=forum, checked_in_at=forum.starts_at), "after", 4, 0, 2)
    RegistrationFactory.create_batch(3, forum=forum, checked_in_at=forum.starts_at)  # not answered
    with django_assert_max_num_queries(len(one.captured_queries)):
        organizer_client.get(url)


def test_participant_answers_once_through_the_personal_link(client):
    forum = _forum_with_evaluation(starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(forum=forum, checked_in_at=forum.starts_at, preferred_language="en")
    url = reverse(
        "participants:evaluation_answer", kwargs={"token": services.evaluation_token(registration=registration)}
    )
    questions = list(forum.evaluation.questions.all())
    data = {f"q{questions[0].pk}": "4", f"q{questions[1].pk}": "1", f"q{questions[2].pk}": "2", "open_answer": "Good"}

    page = client.get(url).content.decode()
    assert "How much do you know about NSSF?" in page and "Discussion" in page and "Anything else?" in page
    response = client.post(url, data, follow=True)
    assert "Thank you. Your answers were recorded." in response.content.decode()
    second = client.post(url, {**data, f"q{questions[0].pk}": "1"}, follow=True)

    assert "You have already answered this evaluation. Thank you." in second.content.decode()
    response = EvaluationResponse.objects.get()
    assert (response.registration, response.moment, response.open_answer) == (registration, "after", "Good")
    assert sorted(EvaluationAnswer.objects.values_list("value", flat=True)) == [1, 2, 4]


def test_a_second_answer_is_refused_by_the_database(answered_forum):
    forum, _silent = answered_forum
    registration = EvaluationResponse.objects.filter(moment="after").first().registration

    with (
        time_machine.travel(forum.ends_at + timedelta(hours=5), tick=False),
        pytest.raises(services.AlreadyAnsweredError) as error,
    ):
        _answer(registration, "after", 1, 0, 1)

    assert error.value.messages == ["You have already answered this evaluation. Thank you."]
    assert EvaluationResponse.objects.filter(registration=registration, moment="after").count() == 1


def test_the_evaluation_is_in_khmer_for_a_khmer_speaker(client):
    forum = _forum_with_evaluation(starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(forum=forum, checked_in_at=forum.starts_at, preferred_language="km")
    token = services.evaluation_token(registration=registration)

    page = client.get(reverse("participants:evaluation_answer", kwargs={"token": token})).content.decode()

    assert "តើអ្នកដឹងអំពី ប.ស.ស. ប៉ុណ្ណា?" in page and "ការពិភាក្សា" in page
    assert "How much do you know" not in page


def test_missing_answers_are_shown_again_with_an_error(client):
    forum = _forum_with_evaluation(starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(forum=forum, checked_in_at=forum.starts_at, preferred_language="en")
    url = reverse(
        "participants:evaluation_answer", kwargs={"token": services.evaluation_token(registration=registration)}
    )

    response = client.post(url, {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not EvaluationResponse.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"checked_in_at": None}, {"status": Registration.Status.CANCELLED}],
)
def test_only_checked_in_participants_answer_after_the_forum(client, overrides):
    forum = _forum_with_evaluation(starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(forum=forum, **{"checked_in_at": forum.starts_at, **overrides})
    url = reverse(
        "participants:evaluation_answer", kwargs={"token": services.evaluation_token(registration=registration)}
    )

    assert client.get(url).status_code == 404


def test_the_after_link_is_not_open_before_the_forum_ends(client):
    forum = _forum_with_evaluation(starts_at=timezone.now() - timedelta(hours=1))
    registration = RegistrationFactory(forum=forum, checked_in_at=forum.starts_at, preferred_language="en")
    url = reverse(
        "participants:evaluation_answer", kwargs={"token": services.evaluation_token(registration=registration)}
    )

    assert "This evaluation is not open now." in client.get(url).content.decode()
    client.post(url, {})
    assert not EvaluationResponse.objects.exists()


def test_knowledge_questions_before_the_forum_from_the_self_service_page(client):
    forum = _forum_with_evaluation()
    registration = RegistrationFactory(forum=forum, preferred_language="en")
    token = services.registration_token(registration=registration)

    page = client.get(reverse("participants:manage", kwargs={"token": token})).content.decode()
    # The link is signed with the time, so it is read from the page rather than rebuilt here.
    before_url = re.search(r'href="(/en/evaluations/[^"]+/)"', page).group(1)
    token = before_url.split("/")[-2]
    assert services.evaluation_from_token(token=token) == (registration, "before")
    form = client.get(before_url).content.decode()
    assert "How much do you know about NSSF?" in form and "Was the forum useful?" not in form
    knowledge = forum.evaluation.questions.get(is_knowledge=True)
    client.post(before_url, {f"q{knowledge.pk}": "2"})

    answer = EvaluationAnswer.objects.get()
    assert (answer.response.moment, answer.question, answer.value) == ("before", knowledge, 2)


def test_organizer_writes_the_evaluation_in_both_languages(organizer_client):
    forum = ForumFactory()
    url = reverse("participants:evaluation_define", kwargs={"slug": forum.slug})
    data = {
        "q1_kind": "rating",
        "q1_text_km": "តើល្អទេ?",
        "q1_text_en": "Was it good?",
        "q1_is_knowledge": "on",
        "q2_kind": "choice",
        "q2_text_km": "ជ្រើសមួយ",
        "q2_text_en": "Pick one",
        "q2_options_km": "ក\nខ",
        "q2_options_en": "A\nB",
        **{f"q{n}_kind": "rating" for n in range(3, 11)},
        "open_question_km": "",
        "open_question_en": "",
    }

    assert organizer_client.get(url).status_code == 200
    response = organizer_client.post(url, data)

    assert response.status_code == 302
    questions = list(forum.evaluation.questions.values_list("position", "kind", "text_en", "is_knowledge"))
    assert questions == [(1, "rating", "Was it good?", True), (2, "choice", "Pick one", False)]
    form = organizer_client.get(url).context["form"]
    assert (form["q1_text_en"].value(), form["q2_options_en"].value(), form["q3_text_en"].value()) == (
        "Was it good?",
        "A\nB",
        None,
    )


def test_a_question_needs_both_languages(organizer_client):
    forum = ForumFactory()
    data = {
        "q1_kind": "rating",
        "q1_text_km": "",
        "q1_text_en": "Only English",
        **{f"q{n}_kind": "rating" for n in range(2, 11)},
    }

    response = organizer_client.post(reverse("participants:evaluation_define", kwargs={"slug": forum.slug}), data)

    assert response.status_code == 400
    assert "Write the question in both Khmer and English." in response.content.decode()


def test_at_most_ten_questions_and_no_change_once_answered(answered_forum):
    forum, _silent = answered_forum
    eleven = [{"kind": "yes_no", "text_km": "ក", "text_en": "A"}] * 11

    with pytest.raises(services.EvaluationClosedError):
        services.evaluation_save(forum=ForumFactory(), open_question_km="", open_question_en="", questions=eleven)
    with pytest.raises(services.EvaluationClosedError):
        services.evaluation_save(forum=forum, open_question_km="", open_question_en="", questions=QUESTIONS[:1])
    assert forum.evaluation.questions.count() == 3


def test_thank_you_carries_the_evaluation_link_to_those_who_came(django_capture_on_commit_callbacks):
    forum = _forum_with_evaluation()
    came = RegistrationFactory(forum=forum, preferred_language="en", full_name="Dara", checked_in_at=forum.starts_at)
    stayed_home = RegistrationFactory(forum=forum, preferred_language="en")

    with time_machine.travel(forum.ends_at + timedelta(hours=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert thank_you_queue() == 2
        link = services.evaluation_url(registration=came)

    message = Message.objects.get(idempotency_key=f"thank_you:{came.pk}")
    assert message.context["evaluation_url"] == link
    concern_url = message.context["concern_url"]
    # By SMS each link is short (notifications.shortlinks) and leads to the full one.
    assert _long_links(message.body) == (
        f"Thank you for joining {forum.title}, Dara. How was it? Answer a few questions: {link} "
        f"Have a concern about social security? Tell us: {concern_url}"
    )
    assert link.startswith("http://127.0.0.1:8000/en/evaluations/")
    other = Message.objects.get(idempotency_key=f"thank_you:{stayed_home.pk}")
    assert other.context["evaluation_url"] == "" and "How was it?" not in other.body


def test_the_thank_you_link_opens_the_persons_evaluation(client, django_capture_on_commit_callbacks):
    forum = _forum_with_evaluation()
    came = RegistrationFactory(forum=forum, preferred_language="en", checked_in_at=forum.starts_at)
    with time_machine.travel(forum.ends_at + timedelta(hours=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            thank_you_queue()
        link = Message.objects.get().context["evaluation_url"]
        response = client.get(link.removeprefix("http://127.0.0.1:8000"))

    assert response.status_code == 200
    assert response.context["registration"] == came


def test_a_reminder_goes_once_a_day_to_each_person_who_came_and_has_not_answered(
    organizer_client, organizer, answered_forum, django_capture_on_commit_callbacks
):
    forum, silent = answered_forum
    url = reverse("participants:evaluation_remind", kwargs={"slug": forum.slug})

    with time_machine.travel(forum.ends_at + timedelta(days=2), tick=False):
        organizer_client.force_login(organizer)  # days later: the idle session has ended
        assert organizer_client.get(url).status_code == 405
        with django_capture_on_commit_callbacks(execute=True):
            first = organizer_client.post(url, follow=True)
            organizer_client.post(url)
    next_day = time_machine.travel(forum.ends_at + timedelta(days=3), tick=False)
    with next_day, django_capture_on_commit_callbacks(execute=True):
        organizer_client.force_login(organizer)
        organizer_client.post(url)

    assert "A reminder was queued to 1 person." in first.content.decode()
    reminders = Message.objects.filter(purpose="evaluation_reminder")
    assert sorted(reminders.values_list("recipient_name", flat=True)) == [silent.full_name, silent.full_name]
    token_path = _link(silent).split("/evaluations/", 1)[1]
    assert all(token_path.split(":")[0] in message.context["evaluation_url"] for message in reminders)
    assert reminders.first().status == Message.Status.SENT


def _long_links(text: str) -> str:
    """Return an SMS with each short link (/r/<token>) replaced by the address it leads to."""
    import re

    from notifications.shortlinks import short_link_target

    return re.sub(r"http://127\.0\.0\.1:8000/r/(\w+)", lambda m: short_link_target(token=m.group(1)), text)
