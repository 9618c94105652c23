import io

import openpyxl
import pytest
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.services import demo
from dgov.services.models import ServiceItem, ServiceItemVersion
from dgov.services.tests.conftest import material

pytestmark = pytest.mark.django_db

MATERIAL_LEGAL_BASIS = 6  # the column of ``legal_basis`` in the materials sheet
COMPLETE = {
    "place": "宽城区政务服务中心",
    "hours": "周一至周五",
    "enquiry_phone": "0431-88880000",
    "complaint_phone": "12345",
    "result_name": "营业执照",
}


def export(client):
    response = client.get(reverse("services:staff_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def upload(client, book):
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "catalogue.xlsx"
    return client.post(reverse("services:staff_import"), {"file": out})


def test_a_catalogue_exported_and_imported_again_changes_nothing(client, administrator, district):
    demo.load(district)
    versions = ServiceItemVersion.objects.count()
    client.force_login(administrator)

    response = upload(client, export(client))

    assert response.status_code == 302
    assert ServiceItemVersion.objects.count() == versions
    entry = AuditEntry.objects.get(verb="service_catalogue.import")
    assert entry.changes["created"] == [] and entry.changes["updated"] == []
    assert entry.changes["unchanged"] == ServiceItem.objects.count()


def test_an_edited_row_publishes_a_new_version_and_a_new_row_a_new_item(client, administrator, publish):
    item = publish("SCJG-001", materials=[material(), material("营业执照", source="shared")])
    client.force_login(administrator)
    book = export(client)
    items, materials = book["items"], book["materials"]
    header = [c.value for c in items[1]]
    items.cell(row=2, column=header.index("promised_limit_days") + 1, value=3)
    for column, value in COMPLETE.items():  # an import publishes complete guides only
        items.cell(row=2, column=header.index(column) + 1, value=value)
    items.append(
        [
            "220103-SCJG-002",
            "个体工商户设立登记",
            "citizen",
            "SCJG",
            "《市场主体登记管理条例》第十九条",
            "",
            3,
            1,
            0,
            "full",
            "",
            "",
            "开店",
            *[COMPLETE.get(column, "") for column in header[13:]],
        ]
    )
    materials.append(
        [
            "220103-SCJG-002",
            "个体工商户登记（备案）申请书",
            "electronic",
            1,
            "applicant",
            "《市场主体登记管理条例》第十九条",
            "yes",
            "no",
        ]
    )

    response = upload(client, book)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current.number == 2 and item.current.promised_limit_days == 3
    assert [m.source for m in item.current.materials.all()] == ["applicant", "shared"]
    new = ServiceItem.objects.get(code="220103-SCJG-002")
    assert new.current.max_trips == 0 and new.current.materials.get().form == "electronic"


def test_a_workbook_with_problems_lists_them_all_and_imports_nothing(client, administrator, publish):
    item = publish("SCJG-001")
    client.force_login(administrator)
    book = export(client)
    items, materials = book["items"], book["materials"]
    header = [c.value for c in items[1]]
    items.cell(row=2, column=header.index("promised_limit_days") + 1, value=3)  # a good change, not kept
    items.append(["SCJG-002", "X", "martian", "NOPE", "某法", "", "twenty", 1, 5, "full", "", "", ""])
    materials.append(["SCJG-001", "其他材料", "original", 1, "applicant", "", "yes", "maybe"])
    materials.append(["SCJG-404", "申请书", "original", 1, "applicant", "某法", "yes", "no"])

    response = upload(client, book)

    assert response.status_code == 400
    page = response.content.decode()
    for expected in ["martian", "NOPE", "twenty", "max_trips", "maybe", "SCJG-404"]:
        assert expected in page, expected
    item.refresh_from_db()
    assert item.current.number == 1
    assert not ServiceItem.objects.filter(code="SCJG-002").exists()


def test_guide_check_problems_in_a_workbook_are_listed_per_item(client, administrator, publish):
    publish("SCJG-001")
    client.force_login(administrator)
    book = export(client)
    book["materials"].append(["SCJG-001", "有关材料", "original", 1, "applicant", "", "yes", "no"])

    response = upload(client, book)

    assert response.status_code == 400
    page = response.content.decode()
    assert "SCJG-001: Material “有关材料” is a catch-all" in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert ServiceItemVersion.objects.count() == 1


def test_a_file_that_is_not_a_workbook_is_refused(client, administrator):
    client.force_login(administrator)
    out = io.BytesIO(b"not a workbook")
    out.name = "catalogue.xlsx"
    response = client.post(reverse("services:staff_import"), {"file": out})
    assert response.status_code == 400
    assert "not an .xlsx workbook" in response.content.decode()


def test_only_administrators_export_and_import(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("services:staff_export")).status_code == 403
    assert client.get(reverse("services:staff_import")).status_code == 403


def test_a_new_item_whose_code_lacks_the_gb_t_39554_structure_is_refused(client, administrator, publish):
    publish("SCJG-001")  # an existing item keeps its code: re-importing it is fine
    client.force_login(administrator)
    book = export(client)
    row = [
        "",
        "个体工商户设立登记",
        "citizen",
        "SCJG",
        "《市场主体登记管理条例》第十九条",
        "",
        3,
        1,
        0,
        "full",
        "",
        "",
        "",
    ]
    book["items"].append(["x!", *row[1:]])
    book["items"].append(["220103-WJJ-002", *row[1:]])
    response = upload(client, book)
    assert response.status_code == 400
    page = response.content.decode()
    assert "x!" in page and "implementing agency" in page
    assert not ServiceItem.objects.filter(code__in=["x!", "220103-WJJ-002"]).exists()


def test_a_value_that_looks_like_a_formula_is_exported_as_text_and_reads_back_unchanged(client, administrator, publish):
    formula = '=HYPERLINK("http://example.com","x")'
    item = publish(
        "SCJG-001",
        fees=formula,
        fee_basis="+86 0431 热线",
        materials=[material(legal_basis="-《食品经营许可和备案管理办法》第十二条")],
    )
    client.force_login(administrator)
    book = export(client)
    items = book["items"]
    header = [c.value for c in items[1]]
    fees = items.cell(row=2, column=header.index("fees") + 1)
    assert fees.data_type == "s" and fees.value == "'" + formula  # text, never run
    assert book["materials"].cell(row=2, column=MATERIAL_LEGAL_BASIS).data_type == "s"

    response = upload(client, book)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current.number == 1  # nothing changed: the values read back as they were
    assert item.current.fees == formula and item.current.fee_basis == "+86 0431 热线"
