"""Best-practice pages: the catalogue and its filters with any input, who may read, write,
submit and attach what, guessing ids included, and constant query counts."""

import itertools
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from knowledge.models import BestPractice, BestPracticeAttachment, Pillar
from tests.factories import (
    ActionItemFactory,
    BestPracticeFactory,
    FocalPointFactory,
    MeetingFactory,
    MemberStateFactory,
    SMEBodyFactory,
    ThemeFactory,
)

Status = BestPractice.Status
CATALOGUE = "/best-practices/"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 16


def _titles(response):
    return [p.title for p in response.context["page"]]


# The catalogue


def test_catalogue_lists_published_practices_only(
    client, nigerian_practice, nigerian_draft, turkish_practice, unpublished_turkish
):
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Micro-finance for SMEs", "SME financing model"]
    assert "Recycling of waste" not in response.content.decode()


def test_catalogue_finds_a_practice_by_a_word_of_its_description(
    client, nigerian_practice, turkish_practice
):
    response = client.get(CATALOGUE, {"q": "partner banks"})
    assert _titles(response) == ["SME financing model"]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"pillar": "access_to_finance"}, ["Micro-finance for SMEs", "SME financing model"]),
        ({"pillar": "green_transition"}, ["Green loans"]),
        ({"pillar": "none"}, ["Training of trainers"]),
        ({"state": "nigeria"}, ["Green loans", "Micro-finance for SMEs"]),
        ({"instrument": "training"}, ["Training of trainers"]),
        ({"year": "2015"}, ["Green loans"]),
        ({"state": "turkiye", "pillar": "access_to_finance"}, ["SME financing model"]),
    ],
)
def test_catalogue_filters_by_pillar_state_instrument_and_year(
    client, nigerian_practice, turkish_practice, nigeria, kosgeb, smedan, filters, expected
):
    BestPracticeFactory(
        state=nigeria,
        body=smedan,
        title="Green loans",
        pillar=Pillar.GREEN_TRANSITION,
        start_year=2015,
    )
    BestPracticeFactory(
        state=kosgeb.state,
        body=kosgeb,
        title="Training of trainers",
        pillar="",
        instrument=BestPractice.Instrument.TRAINING,
    )
    response = client.get(CATALOGUE, filters)
    assert response.status_code == 200
    assert sorted(_titles(response)) == expected


def test_catalogue_links_the_compendium_with_the_filters_applied(client, nigerian_practice):
    response = client.get(CATALOGUE, {"pillar": "access_to_finance", "q": "banks", "page": "1"})
    assert (
        'href="/best-practices/compendium.pdf?pillar=access_to_finance&amp;q=banks"'
        in response.content.decode()
    )


def test_catalogue_without_filters_links_the_compendium_of_all_practices(client, nigerian_practice):
    page = client.get(CATALOGUE).content.decode()
    assert 'href="/best-practices/compendium.pdf">Download the compendium of all published' in page


@pytest.mark.parametrize(
    "query",
    [
        {"q": ""},
        {"q": '"'},
        {"q": "'\"“”«»"},
        {"q": "cluster & !finance | (a <-> b)"},
        {"q": "' OR 1=1; --"},
        {"q": "%_%"},
        {"q": "or and not -"},
        {"q": "☃ 中文 فارسی"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "x"},
        {"year": ""},
    ],
)
def test_catalogue_answers_any_search_text_with_a_page(client, nigerian_practice, query):
    response = client.get(CATALOGUE, query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query, field",
    [
        ({"q": "cluster " * 1250}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"pillar": "quantum"}, "pillar"),
        ({"pillar": "' OR 1=1 --"}, "pillar"),
        ({"state": "atlantis"}, "state"),
        ({"state": "1"}, "state"),
        ({"instrument": "bond"}, "instrument"),
        ({"year": "1800"}, "year"),
        ({"year": "twenty"}, "year"),
        ({"year": "9" * 40}, "year"),
    ],
)
def test_catalogue_answers_bad_filters_with_400_and_the_fields_error(
    client, nigerian_practice, query, field
):
    response = client.get(CATALOGUE, query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["page"] is None


def _make_practices(n, codes):
    for _ in range(n):
        state = MemberStateFactory(iso_code=next(codes))
        practice = BestPracticeFactory(state=state, description="Firms in a cluster share tools.")
        practice.themes.set([ThemeFactory(), ThemeFactory()])


@pytest.mark.parametrize("query", [{}, {"q": "cluster", "pillar": "none"}])
def test_catalogue_runs_the_same_queries_for_3_and_30_practices(client, db, query):
    codes = itertools.cycle(code for code, _ in countries)
    client.get(CATALOGUE, query)
    _make_practices(3, codes)
    with CaptureQueriesContext(connection) as few:
        assert len(_titles(client.get(CATALOGUE, query))) == 3
    _make_practices(27, codes)
    with CaptureQueriesContext(connection) as many:
        assert len(_titles(client.get(CATALOGUE, query))) == 20
    assert len(few) == len(many)


@pytest.mark.parametrize("query", [{}, {"q": "cluster"}])
def test_catalogue_reads_no_description_its_cards_do_not_show(client, db, query):
    _make_practices(3, itertools.cycle(code for code, _ in countries))
    with CaptureQueriesContext(connection) as queries:
        assert len(_titles(client.get(CATALOGUE, query))) == 3
    assert not [q for q in queries if '"knowledge_bestpractice"."description"' in q["sql"]]


# A practice's page


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, "archived"])
@pytest.mark.parametrize("persona", [None, "delegate", "nigeria_focal"])
def test_unpublished_practices_are_404_to_everyone_but_their_state_and_the_secretariat(
    client, request, unpublished_turkish, status, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    practice = unpublished_turkish[status]
    assert client.get(practice.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["turkiye_focal", "secretariat"])
def test_the_state_and_the_secretariat_read_an_unpublished_practice(
    client, request, unpublished_turkish, persona
):
    client.force_login(request.getfixturevalue(persona))
    for practice in unpublished_turkish.values():
        response = client.get(practice.get_absolute_url())
        assert response.status_code == 200
        assert practice.title in response.content.decode()


def test_a_returned_practice_shows_the_secretariats_comment_to_its_state(
    client, turkiye_focal, unpublished_turkish
):
    client.force_login(turkiye_focal)
    response = client.get(unpublished_turkish[Status.RETURNED].get_absolute_url())
    assert "Please add the results." in response.content.decode()


def test_anyone_reads_a_published_practice_and_user_text_is_escaped(client, nigeria):
    practice = BestPracticeFactory(
        state=nigeria, title="<script>alert(1)</script> loans", description="<b>bold</b>"
    )
    response = client.get(practice.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; loans" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_contact_focal_points_address_is_shown_to_signed_in_users_only(
    client, nigerian_practice, smedan, delegate
):
    nigerian_practice.contact = FocalPointFactory(body=smedan, email="contact@smedan.example")
    nigerian_practice.save()
    assert (
        "contact@smedan.example"
        not in client.get(nigerian_practice.get_absolute_url()).content.decode()
    )
    client.force_login(delegate)
    assert (
        "contact@smedan.example"
        in client.get(nigerian_practice.get_absolute_url()).content.decode()
    )


def test_unknown_practice_is_404(client, db):
    assert client.get("/best-practices/999999/").status_code == 404


# Writing, editing and submitting


def _form(body, **overrides):
    data = {
        "title": "SME digital readiness vouchers",
        "body": body.pk,
        "pillar": Pillar.DIGITAL_TRANSFORMATION,
        "instrument": BestPractice.Instrument.FINANCING_INSTRUMENT,
        "summary": "Vouchers for a first digital tool.",
        "description": "Small firms redeem a voucher with accredited providers.",
        "results": "1,200 vouchers redeemed.",
        "start_year": "2021",
    }
    return {**data, **overrides}


def test_a_focal_point_writes_a_draft_of_their_state(client, nigeria_focal, smedan, nigeria):
    client.force_login(nigeria_focal)
    response = client.post("/best-practices/new/", _form(smedan, save=""))
    practice = BestPractice.objects.get()
    assert response.status_code == 302
    assert response.url == practice.get_absolute_url()
    assert (practice.state, practice.status, practice.created_by) == (
        nigeria,
        Status.DRAFT,
        nigeria_focal,
    )


def test_a_focal_point_writes_and_submits_in_one_go(client, nigeria_focal, smedan):
    client.force_login(nigeria_focal)
    client.post("/best-practices/new/", _form(smedan, submit=""))
    practice = BestPractice.objects.get()
    assert practice.status == Status.SUBMITTED
    assert practice.submitted_at is not None


def test_the_new_practice_form_offers_the_states_body_first(client, nigeria_focal, smedan):
    client.force_login(nigeria_focal)
    form = client.get("/best-practices/new/").context["form"]
    assert list(form.fields["body"].queryset) == [smedan]
    assert form["body"].value() == smedan.pk


def test_a_focal_point_cannot_write_for_another_states_body(client, nigeria_focal, smedan, kosgeb):
    client.force_login(nigeria_focal)
    response = client.post("/best-practices/new/", _form(kosgeb))
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not BestPractice.objects.exists()


def test_a_focal_point_cannot_name_another_states_focal_point_as_contact(
    client, nigeria_focal, smedan, turkiye_focal
):
    client.force_login(nigeria_focal)
    response = client.post(
        "/best-practices/new/", _form(smedan, contact=turkiye_focal.focal_point.pk)
    )
    assert "contact" in response.context["form"].errors
    assert not BestPractice.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "   "),
        ("summary", ""),
        ("description", "\n"),
        ("start_year", "1800"),
        ("summary", "x" * 1001),
        ("pillar", "space"),
    ],
)
def test_bad_fields_are_shown_and_nothing_is_saved(client, nigeria_focal, smedan, field, value):
    client.force_login(nigeria_focal)
    response = client.post("/best-practices/new/", _form(smedan, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not BestPractice.objects.exists()


@pytest.fixture
def links(db):
    """Meetings, action items and themes a practice may be linked to."""
    return {
        "meetings": [MeetingFactory(title=f"Meeting {n}") for n in range(3)],
        "action_items": [ActionItemFactory() for _ in range(3)],
        "themes": [ThemeFactory() for _ in range(3)],
    }


def _pks(objects):
    return [obj.pk for obj in objects]


def test_the_practice_form_offers_meetings_and_themes_as_checkboxes_in_fieldsets(
    client, nigeria_focal, smedan, links
):
    client.force_login(nigeria_focal)
    page = client.get("/best-practices/new/").content.decode()
    assert not re.search(r"<select[^>]*multiple", page) and "Hold Ctrl" not in page
    for name in ("meetings", "themes"):
        for obj in links[name]:
            assert f'type="checkbox" name="{name}" value="{obj.pk}"' in page
    for legend in ("Themes", "Meetings where the practice was presented"):
        assert re.search(rf"<fieldset[^>]*>\s*<legend[^>]*>{legend}", page), legend


def test_the_practice_form_asks_for_action_item_references_instead_of_listing_every_item(
    client, nigeria_focal, smedan, links
):
    client.force_login(nigeria_focal)
    page = client.get("/best-practices/new/").content.decode()
    assert re.search(r'<input type="text" name="action_items"[^>]*id="id_action_items"', page)
    for item in links["action_items"]:
        assert item.reference not in page


def test_a_focal_point_links_several_meetings_action_items_and_themes(
    client, nigeria_focal, smedan, links
):
    client.force_login(nigeria_focal)
    chosen = {name: objects[:2] for name, objects in links.items()}
    data = {n: _pks(o) for n, o in chosen.items()}
    data["action_items"] = " , ".join(item.reference for item in chosen["action_items"])
    response = client.post("/best-practices/new/", _form(smedan, save="", **data))
    assert response.status_code == 302
    practice = BestPractice.objects.get()
    for name, objects in chosen.items():
        assert set(getattr(practice, name).all()) == set(objects)


def test_an_unknown_action_item_reference_is_a_field_error_and_nothing_is_saved(
    client, nigeria_focal, smedan, links
):
    client.force_login(nigeria_focal)
    typed = f"{links['action_items'][0].reference}, AI-XX-99"
    response = client.post("/best-practices/new/", _form(smedan, action_items=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["action_items"] == [
        "No action item has the reference “AI-XX-99”. Separate references with commas."
    ]
    page = response.content.decode()
    assert 'href="#id_action_items"' in page
    assert f'value="{typed}"' in page
    assert not BestPractice.objects.exists()


def test_more_than_200_action_item_references_are_refused(client, nigeria_focal, smedan):
    client.force_login(nigeria_focal)
    typed = ", ".join(f"AI-{n:04d}" for n in range(201))
    response = client.post("/best-practices/new/", _form(smedan, action_items=typed))
    assert response.context["form"].errors["action_items"] == ["Name at most 200 action items."]
    assert not BestPractice.objects.exists()


def test_editing_a_practice_shows_its_action_items_references_and_replaces_them(
    client, nigeria_focal, nigerian_draft, smedan, links
):
    first, second, third = links["action_items"]
    nigerian_draft.action_items.set([second, first])
    client.force_login(nigeria_focal)
    url = f"/best-practices/{nigerian_draft.pk}/edit/"

    page = client.get(url).content.decode()
    assert f'value="{first.reference}, {second.reference}"' in page

    client.post(url, _form(smedan, action_items=third.reference))
    assert list(nigerian_draft.action_items.all()) == [third]


def test_editing_a_draft_replaces_its_links_with_the_boxes_ticked(
    client, nigeria_focal, nigerian_draft, smedan, links
):
    nigerian_draft.meetings.set(links["meetings"][:1])
    client.force_login(nigeria_focal)
    ticked = links["meetings"][1:]
    client.post(f"/best-practices/{nigerian_draft.pk}/edit/", _form(smedan, meetings=_pks(ticked)))
    assert set(nigerian_draft.meetings.all()) == set(ticked)


def test_an_unknown_choice_among_the_boxes_is_a_field_error_and_nothing_is_saved(
    client, nigeria_focal, smedan, links
):
    client.force_login(nigeria_focal)
    meetings = [*_pks(links["meetings"][:2]), 999999]
    response = client.post("/best-practices/new/", _form(smedan, meetings=meetings))
    assert response.status_code == 200
    assert "meetings" in response.context["form"].errors
    page = response.content.decode()
    assert 'href="#id_meetings_0"' in page  # the error summary leads to the first box
    assert 'id="id_meetings_0"' in page
    assert not BestPractice.objects.exists()


def test_a_bad_edit_keeps_the_drafts_links(client, nigeria_focal, nigerian_draft, smedan, links):
    nigerian_draft.meetings.set(links["meetings"][:1])
    client.force_login(nigeria_focal)
    data = _form(smedan, title=" ", meetings=_pks(links["meetings"][1:]))
    response = client.post(f"/best-practices/{nigerian_draft.pk}/edit/", data)
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    nigerian_draft.refresh_from_db()
    assert nigerian_draft.title == "Recycling of waste by small enterprises"
    assert list(nigerian_draft.meetings.all()) == links["meetings"][:1]


@pytest.mark.parametrize("persona", ["delegate", "secretariat"])
def test_only_focal_points_write_practices_on_the_portal(client, request, smedan, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/best-practices/new/").status_code == 403
    assert client.post("/best-practices/new/", _form(smedan)).status_code == 403
    assert not BestPractice.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_to_write(client, smedan):
    response = client.post("/best-practices/new/", _form(smedan))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not BestPractice.objects.exists()


def test_a_focal_point_edits_their_states_draft(client, nigeria_focal, nigerian_draft, smedan):
    client.force_login(nigeria_focal)
    response = client.post(
        f"/best-practices/{nigerian_draft.pk}/edit/", _form(smedan, title="Waste to value")
    )
    assert response.status_code == 302
    nigerian_draft.refresh_from_db()
    assert nigerian_draft.title == "Waste to value"
    assert nigerian_draft.status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.PUBLISHED])
def test_guessing_another_states_practice_id_to_edit_is_404_and_changes_nothing(
    client, nigeria_focal, unpublished_turkish, turkish_practice, smedan, kosgeb, status
):
    practice = turkish_practice if status == Status.PUBLISHED else unpublished_turkish[status]
    client.force_login(nigeria_focal)
    url = f"/best-practices/{practice.pk}/edit/"
    assert client.get(url).status_code == 404
    for body in (smedan, kosgeb):
        assert client.post(url, _form(body, title="Taken over")).status_code == 404
    assert client.post(f"/best-practices/{practice.pk}/submit/").status_code == 404
    practice.refresh_from_db()
    assert practice.title != "Taken over"
    assert practice.status == status
    assert practice.state.iso_code == "TR"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.PUBLISHED, Status.ARCHIVED])
def test_a_practice_with_the_secretariat_or_published_is_not_edited_by_its_state(
    client, nigeria_focal, nigeria, smedan, status
):
    practice = BestPracticeFactory(state=nigeria, body=smedan, status=status, title="Kept")
    client.force_login(nigeria_focal)
    response = client.post(f"/best-practices/{practice.pk}/edit/", _form(smedan, title="New"))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Kept"
    assert practice.status == status


def test_a_practice_taken_up_between_form_and_save_is_not_overwritten(
    client, nigeria_focal, nigerian_draft, smedan, secretariat
):
    from knowledge.forms import BestPracticeForm
    from knowledge.models import InvalidTransition
    from knowledge.services import best_practice_save

    form = BestPracticeForm(_form(smedan, title="Late edit"), instance=nigerian_draft)
    assert form.is_valid()
    BestPractice.objects.filter(pk=nigerian_draft.pk).update(status=Status.SUBMITTED)
    with pytest.raises(InvalidTransition):
        best_practice_save(form=form, user=nigeria_focal)
    nigerian_draft.refresh_from_db()
    assert nigerian_draft.title != "Late edit"


def test_a_focal_point_submits_their_states_draft(client, nigeria_focal, nigerian_draft):
    client.force_login(nigeria_focal)
    response = client.post(f"/best-practices/{nigerian_draft.pk}/submit/", follow=True)
    nigerian_draft.refresh_from_db()
    assert nigerian_draft.status == Status.SUBMITTED
    assert "submitted to the Secretariat" in response.content.decode()


def test_submitting_twice_says_so_and_changes_nothing(client, nigeria_focal, nigerian_draft):
    client.force_login(nigeria_focal)
    client.post(f"/best-practices/{nigerian_draft.pk}/submit/")
    submitted_at = BestPractice.objects.get().submitted_at
    response = client.post(f"/best-practices/{nigerian_draft.pk}/submit/", follow=True)
    assert "cannot be submitted" in response.content.decode()
    assert BestPractice.objects.get().submitted_at == submitted_at


def test_submit_is_post_only(client, nigeria_focal, nigerian_draft):
    client.force_login(nigeria_focal)
    assert client.get(f"/best-practices/{nigerian_draft.pk}/submit/").status_code == 405


# Attachments


def test_an_attachment_uploaded_with_the_practice_is_kept_under_a_generated_name(
    client, nigeria_focal, smedan, media
):
    client.force_login(nigeria_focal)
    upload = SimpleUploadedFile("Evaluation report.pdf", PDF, content_type="application/pdf")
    client.post("/best-practices/new/", _form(smedan, attachment=upload))
    attachment = BestPracticeAttachment.objects.get()
    assert attachment.name == "Evaluation report.pdf"
    assert attachment.uploaded_by == nigeria_focal
    assert "Evaluation" not in attachment.file.name


def test_an_attachment_with_a_name_over_200_characters_keeps_its_ending(
    client, nigeria_focal, smedan, media
):
    client.force_login(nigeria_focal)
    upload = SimpleUploadedFile("Evaluation " + "y" * 240 + ".pdf", PDF)
    client.post("/best-practices/new/", _form(smedan, attachment=upload))
    attachment = BestPracticeAttachment.objects.get()

    response = client.get(attachment.get_absolute_url())

    assert len(attachment.name) == 200
    assert attachment.name.endswith("y.pdf")
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "name, content",
    [("tool.exe", EXE), ("report.pdf", EXE), ("notes.txt", b"plain text"), ("a.docx", PDF)],
)
def test_an_attachment_breaking_the_upload_rules_is_refused_and_nothing_is_saved(
    client, nigeria_focal, smedan, media, name, content
):
    client.force_login(nigeria_focal)
    upload = SimpleUploadedFile(name, content)
    response = client.post("/best-practices/new/", _form(smedan, attachment=upload))
    assert "attachment" in response.context["form"].errors
    assert not BestPractice.objects.exists()
    assert not BestPracticeAttachment.objects.exists()


def test_an_attachment_over_the_size_limit_is_refused(
    client, nigeria_focal, smedan, media, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(nigeria_focal)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    response = client.post("/best-practices/new/", _form(smedan, attachment=upload))
    assert response.context["form"].errors["attachment"] == ["The file is larger than 1.0\xa0KB."]
    assert not BestPractice.objects.exists()


def _attach(practice):
    return BestPracticeAttachment.objects.create(
        practice=practice, file=ContentFile(PDF, name="a.pdf"), name="Figures.pdf"
    )


def test_anyone_downloads_the_attachment_of_a_published_practice(client, nigerian_practice, media):
    attachment = _attach(nigerian_practice)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="Figures.pdf"' in response["Content-Disposition"]


def test_the_attachment_of_an_unpublished_practice_is_404_to_other_states(
    client, nigeria_focal, unpublished_turkish, turkish_practice, media
):
    attachment = _attach(unpublished_turkish[Status.DRAFT])
    client.force_login(nigeria_focal)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    # Nor through a published practice's id.
    url = f"/best-practices/{turkish_practice.pk}/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 404


def test_a_focal_point_removes_an_attachment_of_their_draft(
    client, nigeria_focal, nigerian_draft, media
):
    attachment = _attach(nigerian_draft)
    client.force_login(nigeria_focal)
    client.post(f"{attachment.get_absolute_url()}remove/")
    assert not BestPracticeAttachment.objects.exists()


def test_another_states_focal_point_cannot_remove_an_attachment(
    client, turkiye_focal, nigerian_draft, media
):
    attachment = _attach(nigerian_draft)
    client.force_login(turkiye_focal)
    assert client.post(f"{attachment.get_absolute_url()}remove/").status_code == 404
    assert BestPracticeAttachment.objects.exists()


def test_attachments_of_a_published_practice_are_not_removed_by_its_state(
    client, nigeria_focal, nigerian_practice, media
):
    attachment = _attach(nigerian_practice)
    client.force_login(nigeria_focal)
    client.post(f"{attachment.get_absolute_url()}remove/")
    assert BestPracticeAttachment.objects.exists()


# The state's practices and the member state's page


def test_our_practices_lists_every_status_of_the_own_state_only(
    client, nigeria_focal, nigerian_practice, nigerian_draft, unpublished_turkish
):
    client.force_login(nigeria_focal)
    response = client.get("/best-practices/ours/")
    assert {p.title for p in response.context["page"]} == {
        "Micro-finance for SMEs",
        "Recycling of waste by small enterprises",
    }


def test_our_practices_are_shown_25_a_page_with_the_counts_per_status(
    client, nigeria_focal, nigeria, smedan
):
    BestPracticeFactory.create_batch(28, state=nigeria, body=smedan, status=Status.DRAFT)
    BestPracticeFactory.create_batch(2, state=nigeria, body=smedan, status=Status.RETURNED)
    client.force_login(nigeria_focal)

    first = client.get("/best-practices/ours/")
    second = client.get("/best-practices/ours/", {"page": 2})

    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 5
    assert "Page 1 of 2" in first.content.decode()
    assert "<li><strong>28</strong> Draft</li>" in first.content.decode()
    assert "<li><strong>2</strong> Returned by the Secretariat</li>" in first.content.decode()


def test_our_practices_are_filtered_by_status(client, nigeria_focal, nigeria, smedan):
    BestPracticeFactory.create_batch(3, state=nigeria, body=smedan, status=Status.DRAFT)
    returned = BestPracticeFactory(state=nigeria, body=smedan, status=Status.RETURNED)
    client.force_login(nigeria_focal)

    response = client.get("/best-practices/ours/", {"status": "returned"})

    assert list(response.context["page"]) == [returned]


def test_an_unknown_status_is_a_field_error_and_every_practice_is_listed(
    client, nigeria_focal, nigerian_practice, nigerian_draft
):
    client.force_login(nigeria_focal)

    response = client.get("/best-practices/ours/", {"status": "lost"})

    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    assert 'href="#id_status"' in response.content.decode()
    assert len(response.context["page"]) == 2


@pytest.mark.parametrize("persona", ["delegate", "secretariat"])
def test_our_practices_is_for_focal_points(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/best-practices/ours/").status_code == 403


def test_our_practices_runs_the_same_queries_for_3_and_30_practices(
    client, nigeria_focal, nigeria, smedan
):
    client.force_login(nigeria_focal)
    client.get("/best-practices/ours/")

    def count(n):
        BestPracticeFactory.create_batch(n, state=nigeria, body=smedan, status=Status.DRAFT)
        with CaptureQueriesContext(connection) as queries:
            client.get("/best-practices/ours/")
        return len(queries)

    assert count(3) == count(27)


def test_a_states_page_lists_its_published_practices_by_pillar(
    client, nigeria, smedan, nigerian_practice, nigerian_draft
):
    BestPracticeFactory(state=nigeria, body=smedan, title="Cluster training", pillar="")
    BestPracticeFactory(
        state=nigeria, body=smedan, title="Digital vouchers", pillar=Pillar.DIGITAL_TRANSFORMATION
    )
    page = client.get("/member-states/nigeria/").content.decode()
    section = page[page.index("Best practices</h2>") :]
    order = [
        "Digital transformation",
        "Digital vouchers",
        "Access to finance",
        "Micro-finance for SMEs",
        "Other SME policy areas",
        "Cluster training",
    ]
    positions = [section.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Recycling of waste" not in page


def test_a_states_page_runs_the_same_queries_for_3_and_30_practices(client, nigeria):
    client.get("/member-states/nigeria/")

    def count(n):
        for i in range(n):
            body = SMEBodyFactory(state=nigeria)
            BestPracticeFactory(state=nigeria, body=body, pillar=Pillar.values[i % 3])
        with CaptureQueriesContext(connection) as queries:
            client.get("/member-states/nigeria/")
        return len(queries)

    assert count(3) == count(27)
