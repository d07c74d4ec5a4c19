import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from indicators.models import IndicatorValue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _template(client, data_call):
    response = client.get(f"{data_call.get_absolute_url()}template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _upload(client, data_call, book, name="figures.xlsx"):
    output = io.BytesIO()
    book.save(output)
    upload = SimpleUploadedFile(name, output.getvalue(), content_type=XLSX)
    return client.post(f"{data_call.get_absolute_url()}upload/", {"file": upload})


def test_template_has_one_row_per_indicator_of_the_call(client, data_call, turkiye_focal):
    client.force_login(turkiye_focal)
    rows = list(_template(client, data_call).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["sme-employment-share", "sme-count"]


def test_filled_template_is_saved_as_drafts(client, data_call, turkiye, turkiye_focal):
    client.force_login(turkiye_focal)
    book = _template(client, data_call)
    book.active["E2"] = 72.9
    book.active["E3"] = 3_300_000
    response = _upload(client, data_call, book)
    assert response.status_code == 302
    stored = dict(
        IndicatorValue.objects.filter(state=turkiye).values_list("indicator__code", "value")
    )
    assert stored == {"sme-employment-share": Decimal("72.9"), "sme-count": 3_300_000}


def test_a_template_with_bad_rows_saves_nothing_and_lists_every_bad_row(
    client, data_call, turkiye_focal
):
    client.force_login(turkiye_focal)
    book = _template(client, data_call)
    book.active["E2"] = 140
    book.active["E3"] = "lots"
    book.active.append(["sme-count", "", "", "", 5])
    response = _upload(client, data_call, book)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 2: A share must be between 0 and 100 %." in page
    assert "Row 3: Enter a number." in page
    assert "Row 4: A second row for" in page
    label = "Filled-in template (.xlsx)"
    assert f'<a href="#id_file">{label}: Row 2: A share must be between 0 and 100 %.</a>' in page
    assert not IndicatorValue.objects.exists()


def test_a_file_that_is_not_an_xlsx_is_refused_by_content(client, data_call, turkiye_focal):
    client.force_login(turkiye_focal)
    fake = SimpleUploadedFile("figures.xlsx", b"indicator,value\nsme-count,5\n", content_type=XLSX)
    response = client.post(f"{data_call.get_absolute_url()}upload/", {"file": fake})
    assert response.status_code == 400
    assert "content" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_word_document_named_xlsx_is_refused(client, data_call, turkiye_focal):
    client.force_login(turkiye_focal)
    book = Workbook()
    output = io.BytesIO()
    book.save(output)
    upload = SimpleUploadedFile("figures.docx", output.getvalue())
    response = client.post(f"{data_call.get_absolute_url()}upload/", {"file": upload})
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()


def test_template_cells_that_look_like_formulas_are_neutralised(client, data_call, share):
    from indicators.spreadsheets import neutralise

    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-2") == "'-2"
    assert neutralise("plain") == "plain"


def test_another_states_focal_point_cannot_upload_into_the_grid_of_a_state(
    client, data_call, delegate
):
    client.force_login(delegate)
    book = Workbook()
    assert _upload(client, data_call, book).status_code == 404
