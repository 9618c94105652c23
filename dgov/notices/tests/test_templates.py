"""Templates are data: a district edits the wording per kind, every version is kept, a
template without an element the law requires is refused, and an issued document never
changes when its template does."""

import pytest
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.notices import drafting, sealing, templating
from dgov.notices.models import Kind, NoticeSettings, NoticeTemplate, NumberPrefix
from dgov.notices.tests.conftest import notice_of

pytestmark = pytest.mark.django_db

REFUSAL_TITLE, REFUSAL_BODY = templating.DEFAULTS[Kind.REFUSAL]
REMEDY_SENTENCE = templating._REMEDY_TEXT


def edit(client, kind, **data):
    return client.post(reverse("notices:template", args=[kind]), {"note": "", **data})


def test_every_default_wording_has_every_required_element():
    for kind in Kind:
        title, body = templating.DEFAULTS[kind]
        assert templating.check(kind, title, body) == [], kind


def test_a_refusal_template_without_the_remedy_clause_is_refused_and_nothing_is_saved(client, administrator, district):
    client.force_login(administrator)
    drafting.ensure_templates(district.pk)
    body = REFUSAL_BODY.replace(REMEDY_SENTENCE, "")
    response = edit(client, Kind.REFUSAL, title=REFUSAL_TITLE, body=body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The template lacks a required element: the remedy clause" in page
    assert "{{reconsideration_body}}" in page and "{{court}}" in page
    assert NoticeTemplate.objects.filter(district=district, kind=Kind.REFUSAL).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.replace("{{reasons}}", ""), "The template lacks a required element: the reasons."),
        (lambda b: b.replace("{{date}}", ""), "The template lacks a required element: the date."),
        (lambda b: b.replace("{{seal}}", ""), "The template lacks a required element: the seal."),
        (lambda b: b + "{{holder}}", "{{holder}} is not a placeholder this kind of document can use."),
        (lambda b: b + "{{ reasons }", "A placeholder is written wrongly"),
        (lambda b: b + "{{seal}}", "The seal goes in one place only."),
    ],
)
def test_a_template_missing_an_element_is_refused_with_the_reason(client, administrator, district, change, message):
    client.force_login(administrator)
    response = edit(client, Kind.REFUSAL, title=REFUSAL_TITLE, body=change(REFUSAL_BODY))
    assert response.status_code == 400 and message in response.content.decode()


def test_an_extension_template_without_the_reason_or_the_new_date_is_refused():
    title, body = templating.DEFAULTS[Kind.EXTENSION]
    problems = templating.check(Kind.EXTENSION, title, body.replace("{{reason}}", "").replace("{{new_due}}", ""))
    assert any("the reason for the extension" in p for p in problems)
    assert any("the new due date" in p for p in problems)


def test_editing_keeps_every_version_and_the_next_act_uses_the_new_one(client, administrator, district, cases):
    client.force_login(administrator)
    first = notice_of(cases.refused(), Kind.REFUSAL)
    body = REFUSAL_BODY.replace("经审查，不予受理的理由如下：", "经本中心审查，不予受理，理由是：")
    response = edit(client, Kind.REFUSAL, title=REFUSAL_TITLE, body=body, note="措辞调整")
    assert response.status_code == 302
    versions = list(NoticeTemplate.objects.filter(district=district, kind=Kind.REFUSAL).order_by("version"))
    assert [v.version for v in versions] == [1, 2] and versions[0].body == REFUSAL_BODY
    assert AuditEntry.objects.filter(verb="notice_template.save").exists()
    second = notice_of(cases.refused(), Kind.REFUSAL)
    assert second.template_id == versions[1].pk and "经本中心审查，不予受理，理由是：" in second.text
    assert first.template_id == versions[0].pk
    page = client.get(reverse("notices:template", args=[Kind.REFUSAL])).content.decode()
    assert 'data-version="1"' in page and 'data-version="2"' in page


def test_an_issued_document_stays_the_same_when_its_template_is_edited(cases, seal, seal_officer, administrator):
    from dgov.notices.actions import do_save_template

    notice = sealing.do_seal(notice_of(cases.refused(), Kind.REFUSAL), by=seal_officer)
    text, notes, data = notice.text, notice.notes, notice.path.read_bytes()
    do_save_template(
        notice.district,
        Kind.REFUSAL,
        title="不予受理通知",
        body=REFUSAL_BODY.replace("本机关", "本局"),
        by=administrator,
    )
    notice.refresh_from_db()
    assert (notice.text, notice.notes, notice.title) == (text, notes, "不予受理决定书")
    assert notice.path.read_bytes() == data
    assert "本局" in notice_of(cases.refused(), Kind.REFUSAL).text


def test_only_those_who_edit_the_wording_may(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("notices:templates")).status_code == 403
    assert edit(client, Kind.REFUSAL, title=REFUSAL_TITLE, body=REFUSAL_BODY).status_code == 403


def test_the_number_format_and_prefixes_are_district_settings(
    client, administrator, district, cases, seal, seal_officer
):
    from dgov.accounts.models import Department

    client.force_login(administrator)
    scjg = Department.objects.get(district=district, code="SCJG")
    bad = client.post(
        reverse("notices:settings"),
        {
            "number_format": "{prefix}-{serial}",
            "reconsideration_body": "长春市宽城区人民政府",
            "court": "长春铁路运输法院",
        },
    )
    assert bad.status_code == 400 and "must contain {year} and {serial}" in bad.content.decode()
    odd = client.post(
        reverse("notices:settings"),
        {"number_format": "{prefix.__class__}{year}{serial}", "reconsideration_body": "x", "court": "y"},
    )
    assert odd.status_code == 400 and "Use only {prefix}, {year} and {serial}" in odd.content.decode()
    response = client.post(
        reverse("notices:settings"),
        {
            "number_format": "{prefix}〔{year}〕第{serial}号",
            "reconsideration_body": "长春市宽城区人民政府",
            "court": "长春铁路运输法院",
            f"prefix_{scjg.pk}": "宽市监许",
        },
    )
    assert response.status_code == 302
    assert NumberPrefix.objects.get(department=scjg).prefix == "宽市监许"
    assert NoticeSettings.objects.get(district=district).court == "长春铁路运输法院"
    notice = notice_of(cases.refused(), Kind.REFUSAL)
    assert "6个月内依法向长春铁路运输法院提起行政诉讼" in notice.text
    assert sealing.do_seal(notice, by=seal_officer).number == f"宽市监许〔{notice.dated.year}〕第1号"
