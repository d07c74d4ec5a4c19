"""progress_update_post: one transaction for the update and the item, then an e-mail."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actionplans.models import ActionItem, ProgressUpdate
from actionplans.services import progress_update_post
from tests.factories import ActionItemFactory

Status = ActionItem.Status


@pytest.fixture
def nigerias_item(nigeria):
    return ActionItemFactory(
        reference="AI-NG-01",
        title="Open the SME Centre in Abuja",
        lead_state=nigeria,
        status=Status.IN_PROGRESS,
        percent_complete=60,
    )


def post(item, user, **changes):
    arguments = {"status": Status.IN_PROGRESS, "narrative": "Venue booked.", "percent_complete": 70}
    arguments.update(changes)
    return progress_update_post(item=item, user=user, **arguments)


def assert_unchanged(item):
    stored = ActionItem.objects.get(pk=item.pk)
    assert (stored.status, stored.percent_complete, stored.updated_at) == (
        item.status,
        item.percent_complete,
        item.updated_at,
    )
    assert not ProgressUpdate.objects.filter(item=item).exists()


def test_posting_records_the_update(nigeria_focal, nigerias_item):
    update = post(nigerias_item, nigeria_focal, percent_complete=70, narrative="Lease signed.")

    stored = ProgressUpdate.objects.get(pk=update.pk)
    assert (stored.item, stored.author) == (nigerias_item, nigeria_focal)
    assert (stored.status, stored.percent_complete, stored.narrative) == (
        Status.IN_PROGRESS,
        70,
        "Lease signed.",
    )


def test_posting_brings_the_items_status_and_percent_to_the_update(nigeria_focal, nigerias_item):
    post(nigerias_item, nigeria_focal, status=Status.ON_HOLD, percent_complete=80)

    nigerias_item.refresh_from_db()
    assert (nigerias_item.status, nigerias_item.percent_complete) == (Status.ON_HOLD, 80)


def test_item_change_that_fails_rolls_back_the_update(nigeria_focal, nigerias_item):
    # The update row is written before the item is checked: both must go or neither.
    with pytest.raises(ValidationError):
        post(nigerias_item, nigeria_focal, status=Status.COMPLETED, percent_complete=40)

    assert_unchanged(nigerias_item)


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.IN_PROGRESS])
def test_missing_percent_takes_the_default_for_a_new_status(nigeria_focal, nigerias_item, status):
    assert nigerias_item.status == Status.IN_PROGRESS
    expected = ActionItem.default_percent(status, nigerias_item.percent_complete)

    update = post(nigerias_item, nigeria_focal, status=status, percent_complete=None)

    nigerias_item.refresh_from_db()
    assert update.percent_complete == expected
    assert nigerias_item.percent_complete == expected


def test_missing_percent_with_the_same_status_keeps_the_items_percent(nigeria_focal, nigerias_item):
    post(nigerias_item, nigeria_focal, status=Status.IN_PROGRESS, percent_complete=None)

    nigerias_item.refresh_from_db()
    assert nigerias_item.percent_complete == 60


def test_missing_percent_on_hold_keeps_the_items_percent(nigeria_focal, nigerias_item):
    post(nigerias_item, nigeria_focal, status=Status.ON_HOLD, percent_complete=None)

    nigerias_item.refresh_from_db()
    assert nigerias_item.percent_complete == 60


def test_missing_percent_completed_makes_the_item_100_percent(nigeria_focal, nigerias_item):
    post(nigerias_item, nigeria_focal, status=Status.COMPLETED, percent_complete=None)

    nigerias_item.refresh_from_db()
    assert (nigerias_item.status, nigerias_item.percent_complete) == (Status.COMPLETED, 100)


def test_completed_with_less_than_100_percent_raises_and_changes_nothing(
    nigeria_focal, nigerias_item
):
    with pytest.raises(ValidationError) as caught:
        post(nigerias_item, nigeria_focal, status=Status.COMPLETED, percent_complete=90)

    assert "percent_complete" in caught.value.message_dict
    assert_unchanged(nigerias_item)


def test_percent_over_100_raises_and_changes_nothing(nigeria_focal, nigerias_item):
    with pytest.raises(ValidationError):
        post(nigerias_item, nigeria_focal, percent_complete=150)

    assert_unchanged(nigerias_item)


def test_an_update_is_dated_now_unless_reported_after_the_fact(nigeria_focal, nigerias_item):
    before = timezone.now()
    assert post(nigerias_item, nigeria_focal).created_at >= before
    reported = timezone.make_aware(datetime.datetime(2015, 9, 21, 12))
    update = post(nigerias_item, nigeria_focal, percent_complete=80, reported_at=reported)
    assert ProgressUpdate.objects.get(pk=update.pk).created_at == reported


def test_progress_reported_in_the_future_raises_and_changes_nothing(nigeria_focal, nigerias_item):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        post(nigerias_item, nigeria_focal, reported_at=tomorrow)

    assert "reported_at" in caught.value.message_dict
    assert_unchanged(nigerias_item)


def test_focal_point_of_a_state_not_responsible_is_refused(turkiye_focal, nigerias_item):
    with pytest.raises(PermissionDenied):
        post(nigerias_item, turkiye_focal)

    assert_unchanged(nigerias_item)


def test_delegate_is_refused(delegate, nigerias_item):
    with pytest.raises(PermissionDenied):
        post(nigerias_item, delegate)

    assert_unchanged(nigerias_item)


def test_focal_point_of_a_supporting_state_may_post(turkiye_focal, turkiye, nigerias_item):
    nigerias_item.supporting_states.add(turkiye)

    update = post(nigerias_item, turkiye_focal)

    assert update.author == turkiye_focal


def test_secretariat_may_post_to_any_item(secretariat, nigerias_item):
    update = post(nigerias_item, secretariat)

    assert update.author == secretariat


# The e-mail to the Secretariat


def test_secretariat_is_emailed_after_commit(
    nigeria_focal, nigerias_item, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        post(nigerias_item, nigeria_focal)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [settings.SECRETARIAT_EMAIL]


def test_no_email_is_sent_before_the_transaction_commits(
    nigeria_focal, nigerias_item, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(nigerias_item, nigeria_focal)

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_no_email_is_sent_for_a_refused_update(
    nigeria_focal, nigerias_item, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        post(nigerias_item, nigeria_focal, status=Status.COMPLETED, percent_complete=40)

    assert mailoutbox == []


@pytest.fixture
def email(nigeria_focal, nigerias_item, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        post(
            nigerias_item,
            nigeria_focal,
            percent_complete=70,
            narrative='Venue booked <script>alert("x")</script> & paid.',
        )
    (message,) = mailoutbox
    return message


def html_part(message):
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def test_email_has_a_text_and_an_html_alternative(email):
    assert email.content_subtype == "plain"
    assert email.body.strip()
    assert html_part(email).strip()


def test_email_names_the_item_reference(email):
    assert "AI-NG-01" in email.subject
    assert "AI-NG-01" in email.body
    assert "AI-NG-01" in html_part(email)


def test_email_links_to_the_item_page(email, nigerias_item):
    url = settings.SITE_URL.rstrip("/") + nigerias_item.get_absolute_url()

    assert url in email.body
    assert f'href="{url}"' in html_part(email)


def test_email_escapes_the_narrative_in_the_html_part(email):
    html = html_part(email)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; paid." in html


def test_email_keeps_the_narrative_as_written_in_the_text_part(email):
    assert 'Venue booked <script>alert("x")</script> & paid.' in email.body
