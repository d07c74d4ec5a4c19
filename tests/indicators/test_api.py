import datetime

from indicators.models import IndicatorValue

from ..factories import IndicatorValueFactory

URL = "/api/v1/indicator-values/"


def post(data_call, **extra):
    return {
        "data_call": data_call.pk,
        "state": "nigeria",
        "indicator": "sme-employment-share",
        "year": 2025,
        "value": "41.5",
        **extra,
    }


def test_indicators_are_listed_by_code(api, share):
    response = api.get("/api/v1/indicators/")
    assert response.status_code == 200
    assert [i["code"] for i in response.json()["results"]] == ["sme-employment-share"]
    assert api.get("/api/v1/indicators/sme-employment-share/").json()["unit"] == "percent"


def test_anonymous_readers_get_published_values_only(api, share, nigeria):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024)
    IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="submitted")
    years = [v["year"] for v in api.get(URL).json()["results"]]
    assert years == [2024]


def test_focal_point_reads_their_own_states_drafts(api, share, nigeria, nigeria_focal):
    draft = IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="draft")
    api.force_authenticate(nigeria_focal)
    assert api.get(f"{URL}{draft.pk}/").status_code == 200


def test_focal_point_gets_404_for_another_states_submitted_value(
    api, share, turkiye, nigeria_focal
):
    value = IndicatorValueFactory(indicator=share, state=turkiye, year=2025, status="submitted")
    api.force_authenticate(nigeria_focal)
    assert api.get(f"{URL}{value.pk}/").status_code == 404
    assert api.get(URL, {"state": "turkiye"}).json()["results"] == []


def test_values_are_filtered_by_indicator_state_and_years(api, share, count, nigeria, turkiye):
    for year in (2020, 2022, 2024):
        IndicatorValueFactory(indicator=share, state=nigeria, year=year)
        IndicatorValueFactory(indicator=count, state=turkiye, year=year)
    query = {"indicator": "sme-count", "state": "turkiye", "year_min": 2021, "year_max": 2024}
    results = api.get(URL, query).json()["results"]
    assert [(v["indicator"], v["state"], v["year"]) for v in results] == [
        ("sme-count", "turkiye", 2022),
        ("sme-count", "turkiye", 2024),
    ]


def test_secretariat_filters_by_status(api, share, nigeria, secretariat):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024)
    IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="submitted")
    api.force_authenticate(secretariat)
    results = api.get(URL, {"status": "submitted"}).json()["results"]
    assert [v["year"] for v in results] == [2025]


def test_focal_point_posts_a_figure_through_the_data_calls_rules(api, data_call, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    response = api.post(URL, post(data_call), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    assert IndicatorValue.objects.get().value == 41.5


def test_a_share_of_140_answers_400_with_the_field_message(api, data_call, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    response = api.post(URL, post(data_call, value="140"), format="json")
    assert response.status_code == 400
    assert response.json() == {"value": ["A share must be between 0 and 100 %."]}
    assert not IndicatorValue.objects.exists()


def test_a_year_outside_the_call_answers_400(api, data_call, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    response = api.post(URL, post(data_call, year=2019), format="json")
    assert response.status_code == 400
    assert "year" in response.json()
    assert not IndicatorValue.objects.exists()


def test_a_non_number_answers_400(api, data_call, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    response = api.post(URL, post(data_call, value="lots"), format="json")
    assert response.json() == {"value": ["Enter a number."]}


def test_focal_point_cannot_post_for_another_state(api, data_call, turkiye, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    response = api.post(URL, post(data_call, state="turkiye"), format="json")
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_posting_after_the_deadline_answers_400(api, data_call, nigeria_focal, secretariat_clock):
    secretariat_clock.set(data_call.deadline + datetime.timedelta(days=1))
    api.force_authenticate(nigeria_focal)
    response = api.post(URL, post(data_call), format="json")
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()


def test_anonymous_cannot_post(api, data_call):
    assert api.post(URL, post(data_call), format="json").status_code in (401, 403)
    assert not IndicatorValue.objects.exists()


def test_value_list_queries_are_constant(api, share, nigeria, django_assert_max_num_queries):
    for year in range(2000, 2020):
        IndicatorValueFactory(indicator=share, state=nigeria, year=year)
    with django_assert_max_num_queries(4):
        api.get(URL, {"page_size": 100})
