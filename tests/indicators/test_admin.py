from indicators.models import DataCall, IndicatorValue

from ..factories import IndicatorValueFactory

CHANGELIST = "/admin/indicators/indicatorvalue/"


def test_secretariat_opens_a_data_call_in_the_admin(client, secretariat, share):
    client.force_login(secretariat)
    response = client.post(
        "/admin/indicators/datacall/add/",
        {
            "reference_year": 2025,
            "indicators": [share.pk],
            "deadline": "2026-04-30",
            "status": "open",
            "submissions-TOTAL_FORMS": 0,
            "submissions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    call = DataCall.objects.get()
    assert call.opened_by == secretariat
    assert list(call.indicators.all()) == [share]


def test_secretariat_returns_a_value_with_a_comment(client, secretariat, share, nigeria):
    value = IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="submitted")
    client.force_login(secretariat)
    form = client.post(CHANGELIST, {"action": "return_to_states", "_selected_action": [value.pk]})
    assert "Comment for the focal points" in form.content.decode()
    client.post(
        CHANGELIST,
        {
            "action": "return_to_states",
            "_selected_action": [value.pk],
            "apply": "1",
            "comment": "Use the 2025 labour survey",
        },
    )
    value.refresh_from_db()
    assert (value.status, value.return_comment) == ("draft", "Use the 2025 labour survey")


def test_secretariat_validates_and_publishes_in_the_admin(client, secretariat, share, nigeria):
    value = IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="submitted")
    client.force_login(secretariat)
    client.post(CHANGELIST, {"action": "validate", "_selected_action": [value.pk]})
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [value.pk]})
    value.refresh_from_db()
    assert value.status == IndicatorValue.Status.PUBLISHED


def test_publishing_a_draft_in_the_admin_changes_nothing(client, secretariat, share, nigeria):
    value = IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="draft")
    client.force_login(secretariat)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [value.pk]})
    value.refresh_from_db()
    assert value.status == IndicatorValue.Status.DRAFT


def test_a_states_figure_is_read_only_in_the_admin(client, secretariat, share, nigeria):
    value = IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="submitted")
    client.force_login(secretariat)
    page = client.get(f"{CHANGELIST}{value.pk}/change/").content.decode()
    assert 'name="value"' not in page
