"""The Secretariat reviews practices in the admin: publish, return with a comment, archive."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge.models import BestPractice, BestPracticeAttachment, ExchangeRequest
from tests.factories import BestPracticeFactory, ExchangeRequestFactory

Status = BestPractice.Status
CHANGELIST = "/admin/knowledge/bestpractice/"


@pytest.fixture
def submitted(nigeria, smedan):
    return BestPracticeFactory(
        state=nigeria, body=smedan, title="Cluster training", status=Status.SUBMITTED
    )


def _act(client, action, practices, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in practices], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_the_secretariat_publishes_a_submitted_practice(client, secretariat, submitted):
    client.force_login(secretariat)
    response = _act(client, "publish", [submitted])
    submitted.refresh_from_db()
    assert submitted.status == Status.PUBLISHED
    assert submitted.published_by == secretariat
    assert "1 practice(s) published." in response.content.decode()
    history = submitted.history.first()
    assert (history.history_user, history.history_change_reason) == (secretariat, "Published")


def test_publishing_a_draft_warns_and_changes_nothing(client, secretariat, nigerian_draft):
    client.force_login(secretariat)
    response = _act(client, "publish", [nigerian_draft])
    nigerian_draft.refresh_from_db()
    assert nigerian_draft.status == Status.DRAFT
    assert "cannot be published" in response.content.decode()


def test_returning_asks_for_a_comment_first(client, secretariat, submitted):
    client.force_login(secretariat)
    response = _act(client, "return_to_states", [submitted])
    assert response.status_code == 200
    assert "Comment for the focal points" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_returning_without_a_comment_shows_the_form_again(client, secretariat, submitted):
    client.force_login(secretariat)
    response = _act(client, "return_to_states", [submitted], apply="1", comment="  ")
    assert response.context["form"].errors["comment"]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_the_secretariat_returns_a_practice_with_a_comment(client, secretariat, submitted):
    client.force_login(secretariat)
    response = _act(
        client, "return_to_states", [submitted], apply="1", comment="Add figures, please."
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    assert submitted.return_comment == "Add figures, please."
    assert "returned to their states" in response.content.decode()


def test_the_secretariat_archives_a_published_practice(client, secretariat, nigerian_practice):
    client.force_login(secretariat)
    _act(client, "archive", [nigerian_practice])
    nigerian_practice.refresh_from_db()
    assert nigerian_practice.status == Status.ARCHIVED


def test_the_status_is_not_edited_in_the_change_form(client, secretariat, submitted):
    client.force_login(secretariat)
    response = client.get(f"{CHANGELIST}{submitted.pk}/change/")
    assert "status" not in response.context["adminform"].form.fields


def test_an_attachment_added_in_the_admin_follows_the_upload_rules(
    client, secretariat, submitted, media
):
    client.force_login(secretariat)
    url = f"{CHANGELIST}{submitted.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        **{name: form[name].value() or "" for name in form.fields},
        "themes": [],
        "meetings": [],
        "action_items": [],
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-file": SimpleUploadedFile("tool.pdf", b"MZ\x90\x00 not a pdf"),
        "attachments-0-name": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is not what its name says" in response.content.decode()
    assert not BestPracticeAttachment.objects.exists()
    data["attachments-0-file"] = SimpleUploadedFile("Figures.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client.post(url, data)
    assert response.status_code == 302
    attachment = BestPracticeAttachment.objects.get()
    assert (attachment.name, attachment.uploaded_by) == ("Figures.pdf", secretariat)


def test_the_secretariat_closes_exchange_requests_but_does_not_make_them(
    client, secretariat, turkish_practice, nigeria
):
    exchange = ExchangeRequestFactory(practice=turkish_practice, requesting_state=nigeria)
    client.force_login(secretariat)
    assert client.get("/admin/knowledge/exchangerequest/add/").status_code == 403
    client.post(
        "/admin/knowledge/exchangerequest/",
        {"action": "close", ACTION_CHECKBOX_NAME: [exchange.pk]},
    )
    exchange.refresh_from_db()
    assert exchange.status == ExchangeRequest.Status.CLOSED


def test_the_secretariat_group_keeps_practices_and_follows_exchanges(secretariat_group):
    codenames = set(secretariat_group.permissions.values_list("codename", flat=True))
    assert {"add_bestpractice", "change_bestpractice", "view_exchangerequest"} <= codenames
    assert {"change_exchangerequest", "add_theme", "change_bestpracticeattachment"} <= codenames
    assert not {"add_exchangerequest", "delete_exchangerequest"} & codenames


def test_the_dashboard_lists_the_practices_awaiting_publication(
    client, secretariat, submitted, nigerian_draft, nigerian_practice
):
    client.force_login(secretariat)
    response = client.get("/admin/")
    assert response.context["dashboard"]["practices_to_review"] == [submitted]
    assert "Best practices awaiting publication (1)" in response.content.decode()
