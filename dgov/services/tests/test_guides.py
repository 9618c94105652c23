"""Issue 13 §2: a complete guide — its button, where and when, whom to ask, downloads,
the flow drawn from its data, the result, and the linter that keeps incomplete guides
from being published."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.accounts.models import ServiceWindow
from dgov.audit.models import AuditEntry
from dgov.documents.tests import files
from dgov.services import guide
from dgov.services.models import GuideFile, GuideFileKind, Handling, ServiceItemVersion
from dgov.services.tests.conftest import material
from dgov.services.tests.test_staff import form_data

pytestmark = pytest.mark.django_db

COMPLETE = {
    "place": "长春市宽城区北京大街 1118 号 政务服务中心一楼",
    "hours": "周一至周五 8:30—16:30",
    "enquiry_phone": "0431-88880001",
    "complaint_phone": "12345",
    "result_name": "食品经营许可证",
    "name_en": "Food business licence",
    "keywords_en": "restaurant food licence",
}


def guide_page(client, item):
    response = client.get(reverse("services:guide", args=[item.code]))
    assert response.status_code == 200
    return response.content.decode()


# -- The guide's button --------------------------------------------------------------------


def test_an_item_applied_for_online_has_the_apply_button_linked_to_the_form(client, publish):
    item = publish("SCJG-001", **COMPLETE)
    page = guide_page(client, item)
    assert 'data-guide-action="online"' in page
    assert f'href="{reverse("applications:apply", args=[item.code])}" data-apply' in page


def test_an_item_needing_an_appointment_has_the_booking_button(client, publish):
    item = publish("SCJG-001", handling=Handling.APPOINTMENT, **COMPLETE)
    page = guide_page(client, item)
    assert 'data-guide-action="appointment"' in page and "data-apply" in page


def test_an_item_handled_at_a_window_names_the_window_and_offers_no_online_form(client, publish, district):
    window = ServiceWindow.objects.get(district=district, number="01")
    item = publish("SCJG-001", handling=Handling.WINDOW, window=window, **COMPLETE)
    page = guide_page(client, item)
    assert 'data-guide-action="window"' in page
    assert "handled at window 01" in page and "data-apply" not in page


def test_the_guide_shows_where_when_whom_to_ask_and_what_comes_out(client, publish):
    item = publish("SCJG-001", **COMPLETE)
    page = guide_page(client, item)
    assert "北京大街 1118 号" in page and "8:30—16:30" in page
    assert 'href="tel:0431-88880001"' in page and 'href="tel:12345"' in page
    assert "食品经营许可证" in page and "have it posted to you" in page
    assert "第三十五条" in page  # the legal basis with its article


# -- The flow, drawn from the data ---------------------------------------------------------


def test_the_flow_is_drawn_from_the_items_data(client, publish):
    item = publish(
        "SCJG-001",
        procedures=[
            {"name": "现场核查", "counts_toward_limit": True, "max_days": 5},
            {"name": "专家评审", "counts_toward_limit": False, "max_days": 15},
        ],
        **COMPLETE,
    )
    page = guide_page(client, item)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "style=" not in svg  # no inline style: the CSP allows it
    assert svg.count("data-flow-step=") == 7  # apply, intake, review, two procedures, decision, result
    assert "现场核查" in svg and "专家评审" in svg and 'class="flow-clock"' in svg
    assert "Within 5 working days of acceptance (by law 20 working days)." in page  # also as text


def test_a_flow_on_the_spot_has_no_review_step(publish):
    item = publish("SCJG-001", promised_limit_days=0, legal_limit_days=0, **COMPLETE)
    steps = guide.flow(item.current_version, [])
    assert [s.title for s in steps][1] == "Accepted and decided on the spot"
    assert len(steps) == 3


def test_changing_the_data_changes_the_picture(client, publish, administrator):
    item = publish("SCJG-001", **COMPLETE)
    before = guide_page(client, item)
    publish(item=item, promised_limit_days=3, **COMPLETE)
    after = guide_page(client, item)
    assert "Within 5 working days" in before and "Within 3 working days" in after


# -- The linter ------------------------------------------------------------------------------


def test_the_linter_names_every_missing_mandatory_section(publish):
    item = publish("SCJG-001")
    version = item.current_version
    data = {
        f: getattr(version, f)
        for f in (
            "legal_basis",
            "place",
            "hours",
            "enquiry_phone",
            "complaint_phone",
            "result_name",
            "handling",
            "name_en",
            "conditions",
        )
    }
    findings = guide.lint(data, version.materials.all())
    mandatory = {f.message for f in findings if f.mandatory}
    assert mandatory == {
        "Say where the applicant goes (the place).",
        "Give the opening hours.",
        "Give a phone number for questions.",
        "Give a phone number for complaints (for example 12345).",
        "Name what the applicant receives (the result).",
    }
    advice = {f.message for f in findings if not f.mandatory}
    assert "“食品经营许可申请书” is a form: offer a blank one to download." in advice
    assert "The item has no English name." in advice


def test_a_window_only_item_must_name_its_window():
    findings = guide.lint(
        {"handling": Handling.WINDOW, "window": None, **COMPLETE, "legal_basis": "某法第一条"}, [material()]
    )
    assert [f.message for f in findings if f.mandatory] == ["The item is handled at a window only: name the window."]


def test_a_legal_basis_without_an_article_is_flagged_but_not_refused():
    findings = guide.lint({**COMPLETE, "legal_basis": "《再生资源回收管理办法》"}, [material()])
    assert not [f for f in findings if f.mandatory]
    assert any("names no article" in f.message for f in findings)


def test_publishing_a_guide_with_a_missing_section_is_refused_in_the_users_language(client, administrator, district):
    client.force_login(administrator)
    data = form_data(district, code="220103-SCJG-009", place="", complaint_phone="")
    response = client.post(reverse("services:staff_create"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-guide-refused" in page
    assert "请写明办理地点" in page and "请提供投诉电话" in page
    assert not ServiceItemVersion.objects.exists()
    assert not AuditEntry.objects.filter(verb="service_item.publish").exists()


def test_the_edit_page_shows_what_the_guide_lacks_before_publishing(client, administrator, publish):
    item = publish("SCJG-001")
    client.force_login(administrator)
    page = client.get(reverse("services:staff_edit", args=[item.pk])).content.decode()
    assert 'data-finding="mandatory"' in page and 'data-finding="advice"' in page


# -- Downloads -------------------------------------------------------------------------------


def docx_bytes(macro=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\0")
    return out.getvalue()


def attach(client, item, kind, material_name, upload):
    return client.post(
        reverse("services:staff_files", args=[item.pk]),
        {"kind": kind, "material_name": material_name, "file": upload},
    )


def test_blank_forms_and_samples_are_attached_audited_and_downloaded(client, administrator, publish):
    item = publish("SCJG-001", **COMPLETE)
    client.force_login(administrator)
    blank_bytes = docx_bytes()  # the archive's entries carry the time it is made
    blank = SimpleUploadedFile("申请书（空白）.docx", blank_bytes)
    assert attach(client, item, GuideFileKind.BLANK_FORM, "食品经营许可申请书", blank).status_code == 302
    sample = SimpleUploadedFile("申请书（示范文本）.pdf", files.pdf())
    assert attach(client, item, GuideFileKind.SAMPLE, "食品经营许可申请书", sample).status_code == 302
    result = SimpleUploadedFile("许可证样本.pdf", files.pdf())
    assert attach(client, item, GuideFileKind.RESULT_SAMPLE, "", result).status_code == 302
    assert AuditEntry.objects.filter(verb="service_item.file_attach").count() == 3

    client.logout()
    page = guide_page(client, item)
    assert 'data-guide-file="blank_form"' in page and 'data-guide-file="sample"' in page
    assert 'data-guide-file="result_sample"' in page
    blank_file = GuideFile.objects.get(kind=GuideFileKind.BLANK_FORM)
    response = client.get(reverse("services:guide_file", args=[item.code, blank_file.pk, blank_file.file_name]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in response["Content-Disposition"]
    assert response.content == blank_bytes


def test_a_file_with_macros_or_of_another_kind_is_refused(client, administrator, publish):
    item = publish("SCJG-001", **COMPLETE)
    client.force_login(administrator)
    macro = attach(
        client,
        item,
        GuideFileKind.BLANK_FORM,
        "食品经营许可申请书",
        SimpleUploadedFile("a.docm", docx_bytes(macro=True)),
    )
    assert macro.status_code == 400 and "macros" in macro.content.decode()
    exe = attach(
        client, item, GuideFileKind.BLANK_FORM, "食品经营许可申请书", SimpleUploadedFile("a.exe", b"MZ\x90\x00")
    )
    assert exe.status_code == 400
    assert not GuideFile.objects.exists()


def test_a_file_name_of_300_characters_is_refused_with_a_message(client, administrator, publish):
    item = publish("SCJG-001", **COMPLETE)
    client.force_login(administrator)
    long_name = "申" * 296 + ".pdf"
    response = attach(
        client, item, GuideFileKind.SAMPLE, "食品经营许可申请书", SimpleUploadedFile(long_name, files.pdf())
    )
    assert response.status_code == 400
    assert "is longer than 200 characters. Rename the file" in response.content.decode()
    assert not GuideFile.objects.exists()


def test_a_replaced_file_is_kept_out_of_the_guide(client, administrator, publish):
    item = publish("SCJG-001", **COMPLETE)
    client.force_login(administrator)
    attach(client, item, GuideFileKind.RESULT_SAMPLE, "", SimpleUploadedFile("old.pdf", files.pdf()))
    attach(client, item, GuideFileKind.RESULT_SAMPLE, "", SimpleUploadedFile("new.pdf", files.pdf()))
    assert list(GuideFile.objects.current().values_list("file_name", flat=True)) == ["new.pdf"]
    old = GuideFile.objects.get(file_name="old.pdf")
    assert client.get(reverse("services:guide_file", args=[item.code, old.pk, old.file_name])).status_code == 404


def test_only_catalogue_managers_attach_files(client, clerk, publish):
    item = publish("SCJG-001", **COMPLETE)
    client.force_login(clerk)
    upload = SimpleUploadedFile("x.pdf", files.pdf())
    assert attach(client, item, GuideFileKind.RESULT_SAMPLE, "", upload).status_code == 403
