"""Parks and parcels, the waiting list by 选商 score, .xlsx import and export."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from dgov.investment import actions
from dgov.investment.models import Allocation, Parcel, Park, Project, ResidentOffice, Stage
from dgov.investment.spreadsheet import COLUMNS
from dgov.investment.tests.conftest import login


@pytest.fixture
def park(district: Any) -> Park:
    park = Park.objects.create(district=district, name="智慧产业园")
    Parcel.objects.create(district=district, park=park, phase="一期", code="ZH-1", area=Decimal(80000))
    return park


def test_an_allocation_cannot_exceed_the_free_area(park, make_project, officer, client):
    parcel = park.parcels.get()
    first, second = make_project("一"), make_project("二")
    actions.do_allocate(parcel, first, area=Decimal(50000), by=officer)
    login(client, officer)
    response = client.post(
        f"/investment/parks/{park.pk}/",
        {"which": "allocate", "parcel": parcel.pk, "project": second.pk, "area": "30001"},
    )
    assert response.status_code == 400 and "Only 30000 ㎡ of ZH-1 is free." in response.content.decode()
    parcel.refresh_from_db()
    assert parcel.allocated == Decimal(50000) and Allocation.objects.count() == 1
    response = client.post(
        f"/investment/parks/{park.pk}/",
        {"which": "allocate", "parcel": parcel.pk, "project": second.pk, "area": "30000"},
    )
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.free == 0


def test_a_stale_parcel_cannot_overallocate(park, make_project, officer):
    stale = park.parcels.get()
    fresh = Parcel.objects.get(pk=stale.pk)
    actions.do_allocate(fresh, make_project("一"), area=Decimal(60000), by=officer)
    with pytest.raises(ValidationError):
        actions.do_allocate(stale, make_project("二"), area=Decimal(30000), by=officer)  # stale.free still says 80000
    assert Parcel.objects.get(pk=stale.pk).allocated == Decimal(60000)


def test_the_waiting_list_is_ordered_by_the_selection_score(park, make_project, officer, client):
    small = make_project("小项目", fixed_asset_investment=Decimal(3000), expected_tax=Decimal(100), land_mu=Decimal(20))
    big = make_project("大项目", fixed_asset_investment=Decimal(40000), expected_tax=Decimal(1200), land_mu=Decimal(40))
    actions.do_add_waiting(park, small, area=Decimal(5000), by=officer)
    actions.do_add_waiting(park, big, area=Decimal(8000), by=officer)
    assert [e.project for e in actions.waiting_list(park)] == [big, small]
    assert big.selection_score > small.selection_score
    page = login(client, officer).get(f"/investment/parks/{park.pk}/").content.decode()
    assert page.index("大项目") < page.index("小项目")
    assert "40 × min(40000" in page  # the formula is shown


def _book(rows: list[list[Any]], header: list[str] = COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "projects"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: Any, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/investment/projects/import/", {"file": SimpleUploadedFile("p.xlsx", content)})


def _row(**values: Any) -> list[Any]:
    return [values.get(column, "") for column in COLUMNS]


def test_an_import_with_errors_reports_every_one_and_writes_nothing(officer, encouraged, client, district):
    ResidentOffice.objects.create(district=district, name="上海驻点招商处", city="上海")
    content = _book(
        [
            _row(
                name="中融国投",
                investor="中融国投控股",
                stage="意向性协议",
                office="上海驻点招商处",
                agreed_amount=100000,
            ),
            _row(name="", investor="无名", agreed_amount="很多"),
            _row(name="签过的", investor="某公司", stage="signed", industry="NOPE", jobs="3.5"),
            _row(name="中融国投", investor="重复", is_key="maybe"),
        ]
    )
    response = _upload(login(client, officer), content)
    page = response.content.decode()
    assert response.status_code == 400
    for problem in [
        "Row 3, column name: this column is required.",
        "Row 3, column agreed_amount: must be a number",
        "Row 4, column stage: must be one of",
        "Row 4, column industry: no industry has the code “NOPE”.",
        "Row 4, column jobs: must be a whole number",
        "Row 5, column name: the same project is on row 2.",
        "Row 5, column is_key: must be yes or no",
    ]:
        assert problem in page, problem
    assert not Project.objects.exists()


def test_a_correct_import_creates_every_row_at_its_stage(officer, encouraged, client):
    content = _book(
        [
            _row(
                name="中融国投",
                investor="中融国投控股",
                stage="意向性协议",
                industry="C37",
                agreed_amount=100000,
                is_key="是",
            ),
            _row(name="青旅物流", investor="青旅物流有限公司", stage="talks", agreed_amount="20000.5", jobs=120),
        ]
    )
    assert _upload(login(client, officer), content).status_code == 302
    zr = Project.objects.get(name="中融国投")
    assert (zr.stage, zr.is_key, zr.industry, zr.created_by) == (Stage.LETTER_OF_INTENT, True, encouraged, officer)
    assert Project.objects.get(name="青旅物流").agreed_amount == Decimal("20000.50")
    assert zr.stage_changes.count() == 1


def test_a_file_that_is_not_a_workbook_is_refused(officer, client):
    response = _upload(login(client, officer), b"not a workbook")
    assert response.status_code == 400 and "not an .xlsx workbook" in response.content.decode()


def test_the_exported_list_imports_back(make_project, officer, client):
    make_project("世久电气")
    response = login(client, officer).get("/investment/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][: len(COLUMNS)] == tuple(COLUMNS) and rows[1][0] == "世久电气"
    Project.objects.all().delete()
    from openpyxl import Workbook as W

    book = W()
    out_sheet = book.active
    assert out_sheet is not None
    out_sheet.title = "projects"
    for row in rows:
        out_sheet.append(list(row[: len(COLUMNS)]))
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(client, buffer.getvalue()).status_code == 302
    assert Project.objects.get(name="世久电气").agreed_amount == Decimal(10000)


def test_the_demo_loads_twice_without_change(district, make_staff):
    from dgov.investment import demo

    make_staff("investment_officer", "investment", department=None)
    make_staff("district_leader", "leader", department=None)
    make_staff("hired_agent", "agent", department=None)
    # The secretaries' demo may have made a bare key project first: it is filled in.
    Project.objects.create(district=district, name="泰盟智慧化工厂", investor="泰盟", stage=Stage.SIGNED, is_key=True)
    demo.load(district)
    count = Project.objects.count()
    demo.load(district)
    assert Project.objects.count() == count
    assert Project.objects.filter(is_key=True, name="泰盟智慧化工厂", agreed_amount=250000, stage=Stage.LAND).exists()
    parts = Park.objects.get(name="零配件产业园")
    assert sum(r.output for r in parts.reports.all()) == 150000 and sum(r.tax for r in parts.reports.all()) == 12000
    assert Park.objects.get(name="智慧产业园").waiting.count() >= 10


def test_an_occupant_reports_output_and_tax_once_a_year(park, officer, client):
    login(client, officer)
    url = f"/investment/parks/{park.pk}/"
    report = {"which": "report", "enterprise": "世久电气", "year": "2018", "output": "40000", "tax": "2640"}
    assert client.post(url, report).status_code == 302
    assert client.post(url, report | {"tax": "2700"}).status_code == 302
    assert client.post(url, report | {"tax": "-1"}).status_code == 400
    assert [(r.enterprise, r.tax) for r in park.reports.all()] == [("世久电气", Decimal(2700))]
    page = client.get("/investment/parks/").content.decode()
    assert "40000" in page and "2700" in page


def test_an_exported_text_that_looks_like_a_formula_stays_text(make_project, officer, client):
    make_project('=HYPERLINK("http://x","点击")', investor="@SUM(1+1)")
    response = login(client, officer).get("/investment/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet is not None
    row = list(next(sheet.iter_rows(min_row=2, max_row=2)))
    assert row[0].data_type == "s" and row[0].value == '\'=HYPERLINK("http://x","点击")'
    assert row[1].value == "'@SUM(1+1)"


@pytest.mark.parametrize("parcel", ["²", "99999999999999999999999"])
def test_a_parcel_that_is_not_a_number_is_a_form_error(park, make_project, officer, client, parcel):
    response = login(client, officer).post(
        f"/investment/parks/{park.pk}/",
        {"which": "allocate", "parcel": parcel, "project": make_project().pk, "area": "100"},
    )
    assert response.status_code == 400 and "Choose a parcel of this park." in response.content.decode()
    assert not Allocation.objects.exists()


def test_an_import_with_odd_numbers_reports_them_as_row_errors(officer, encouraged, client):
    content = _book(
        [
            _row(name="一", investor="甲", jobs="²"),
            _row(name="二", investor="乙", jobs="12345678901234567890123"),
            _row(name="三", investor="丙", land_mu="100000000"),
            _row(name="四", investor="丁", floor_space="1e30"),
        ]
    )
    response = _upload(login(client, officer), content)
    page = response.content.decode()
    assert response.status_code == 400
    for problem in [
        "Row 2, column jobs: must be a whole number",
        "Row 3, column jobs: must be a whole number",
        "Row 4, column land_mu: must be less than",
        "Row 5, column floor_space: must be less than",
    ]:
        assert problem in page, problem
    assert not Project.objects.exists()
