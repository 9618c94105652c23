"""Issue 13: the front door as a new user meets it, in the browser, on a desktop and on a
390 px phone: anonymous search → guide → apply (logging in with a text-message code on
the way, the result by post) → track the case by number and code → the certificate →
the rating. Then the screenshots of the home page, a guide, the apply form and a case
page at 390 and 1366 px in the three languages (``var/screenshots/``, not committed).

Elements are found by ids, names and ``data-*`` attributes, not by translated text."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from dgov.accounts.models import Applicant, Department
from dgov.applications import actions
from dgov.applications.models import Application, ResultDelivery
from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import CertificateType
from dgov.certificates.sealing import do_issue
from dgov.documents.tests import files
from dgov.notifications.models import Channel, Notification
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def front_door_settings(settings, tmp_path: Path) -> None:
    settings.SEAL_KEY_DIR = tmp_path / "seal-keys"
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    settings.SEAL_CA_DIR = tmp_path / "ca-keys"
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    CSP_VIOLATIONS.clear()


@pytest.fixture
def food_licence(district, administrator):
    department = Department.objects.get(district=district, code="SCJG")
    Department.objects.filter(pk=department.pk).update(credit_code="11220103MB1234567X", name_en="Market Regulation")
    basis = "《食品经营许可和备案管理办法》第十二条"
    item = do_publish_version(
        None,
        {
            "code": "KC-SCJG-008",
            "name": "食品经营许可",
            "name_en": "Food business licence",
            "keywords": "开饭店 开餐馆",
            "keywords_en": "restaurant catering",
            "kind": Audience.ENTERPRISE,
            "department": department,
            "legal_basis": "《中华人民共和国食品安全法》第三十五条",
            "conditions": "有与经营的食品品种、数量相适应的经营场所。",
            "legal_limit_days": 20,
            "promised_limit_days": 5,
            "max_trips": Trips.ONE,
            "online_level": OnlineLevel.FULL,
            "fees": "",
            "fee_basis": "",
            "place": "长春市宽城区北京大街 1118 号 宽城区政务服务中心一楼",
            "hours": "周一至周五 8:30—16:30",
            "enquiry_phone": "0431-88880001",
            "complaint_phone": "12345",
            "result_name": "食品经营许可证",
        },
        [
            {"name": "食品经营许可申请书", "source": Material.Source.APPLICANT, "legal_basis": basis, "required": True},
            {"name": "营业执照", "source": Material.Source.SHARED, "legal_basis": basis, "required": True},
        ],
        [{"name": "现场核查", "counts_toward_limit": True, "max_days": 5}],
        by=administrator,
        complete=True,
    )
    CertificateType.objects.create(district=district, code="JYXK", name="食品经营许可证", item=item)
    today = timezone.localdate()
    do_create_seal(
        district=district,
        department=department,
        name="宽城区市场监督管理局行政审批专用章",
        valid_from=today,
        valid_to=today.replace(year=today.year + 5),
    )
    return item


def context_for(browser, live_server, viewport, language="zh-hans"):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN", accept_downloads=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda message: (
            CSP_VIOLATIONS.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    return context, page


CSP_VIOLATIONS: list[str] = []


def fits(page, viewport) -> None:
    """No horizontal scrolling: the page is no wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], page.url


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Draws two characters and compares the pixels: without a Chinese font both are the same
# empty box, and every screenshot in Chinese shows boxes instead of text.
DRAWS_CHINESE = """() => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 40;
  const pen = canvas.getContext("2d");
  const draw = (text) => { pen.clearRect(0, 0, 40, 40); pen.font = "32px sans-serif"; pen.fillText(text, 0, 32);
                           return pen.getImageData(0, 0, 40, 40).data.join(); };
  return draw("办") !== draw("辦");
}"""


def latest_code(phone: str) -> str:
    text = Notification.objects.filter(channel=Channel.SMS, address=phone).order_by("pk").last()
    return re.search(r"\b(\d{6})\b", text.body).group(1)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_new_user_finds_applies_tracks_and_rates(
    browser, live_server, viewport, food_licence, citizen, clerk, approver, make_staff, tmp_path
):
    citizen.phone, citizen.phone_verified = "13812345678", True
    citizen.save()
    context, page = context_for(browser, live_server, viewport)

    # Search from the home page, anonymously.
    page.goto("/")
    fits(page, viewport)
    page.fill("main form[role=search] input[name=q]", "开饭店")
    with page.expect_navigation():
        page.press("main form[role=search] input[name=q]", "Enter")
    page.click(f"[data-item='{food_licence.code}'] a")

    # The guide: its button, the flow drawn from the data, where and whom to ask.
    assert page.locator("[data-guide-action=online]").count() == 1
    assert page.locator("svg.flow [data-flow-step]").count() == 6
    fits(page, viewport)
    with page.expect_navigation():
        page.click("[data-apply]")

    # Not logged in: the log-in page, then a code by text message, and on to the form.
    assert "/accounts/login/" in page.url
    with page.expect_navigation():
        page.click("[data-login-code]")
    page.fill("#id_phone", "１３８ １２３４ ５６７８")  # a phone keyboard's full-width digits
    with page.expect_navigation():
        page.click("[data-step=send]")
    assert page.locator("[data-code-sent]").count() == 1
    page.fill("#id_code", latest_code("13812345678"))
    with page.expect_navigation():
        page.click("[data-step=verify]")
    assert page.url.endswith(f"/applications/apply/{food_licence.code}/")

    # The apply form: the material uploaded, the result by post.
    fits(page, viewport)
    material = food_licence.current_version.materials.get(source=Material.Source.APPLICANT)
    upload = tmp_path / "申请书.pdf"
    upload.write_bytes(files.pdf())
    page.set_input_files(f"input[name=file_{material.pk}]", upload)
    page.check("input[name=delivery][value=post]")
    page.fill("#id_address", "吉林省长春市宽城区长江路 88 号 3 单元 501")
    with page.expect_navigation():
        page.click("[data-submit=apply]")
    application = Application.objects.get()
    assert page.url.endswith(f"/applications/{application.pk}/")
    assert page.locator("[data-delivery=post]").count() == 1
    assert "长江路" not in page.content()  # the address is shown masked
    fits(page, viewport)

    # Anybody tracks it with the number and the code, without logging in.
    anonymous_context, anonymous = context_for(browser, live_server, viewport)
    anonymous.goto("/")
    anonymous.fill("[data-home-lookup] input[name=number]", application.number)
    anonymous.fill("[data-home-lookup] input[name=code]", application.verification_code)
    with anonymous.expect_navigation():
        anonymous.click("[data-home-lookup] button[type=submit]")
    assert anonymous.locator("[data-lookup-result] [data-status]").get_attribute("data-status") == "submitted"

    # The office: intake, review, approval, the seal; the clerk records the posting.
    reviewer = make_staff("reviewer", "reviewer")
    sealer = make_staff("seal_officer", "sealer", department="ZWFW")
    sealer.user_permissions.add(
        Permission.objects.get(content_type__app_label="certificates", codename="issue_certificate")
    )
    actions.do_accept(application, by=clerk)
    actions.do_review(application, by=reviewer)
    actions.do_decide(application, by=approver, approve=True)
    application.refresh_from_db()
    certificate = do_issue(application, by=type(sealer).objects.get(pk=sealer.pk))[0]
    clerk_context, clerk_page = context_for(browser, live_server, viewport)
    clerk_page.goto("/accounts/login/")
    clerk_page.fill("#id_username", "clerk")
    from conftest import PASSWORD

    clerk_page.fill("#id_password", PASSWORD)
    with clerk_page.expect_navigation():
        clerk_page.click("main form button[type=submit]")
    clerk_page.goto(f"/applications/{application.pk}/")
    clerk_page.fill("input[name=record_post-tracking_number]", "EA123456789CN")
    with clerk_page.expect_navigation():
        clerk_page.click("[data-submit=record_post]")
    assert ResultDelivery.objects.get().tracking_number == "EA123456789CN"
    actions.do_complete(application, by=clerk)

    # The applicant: the tracking number, the certificate (valid when checked), the rating.
    page.goto(f"/applications/{application.pk}/")
    assert page.locator("[data-tracking=EA123456789CN]").count() == 1
    shot(page, f"journey-case-{viewport['width']}")
    with page.expect_navigation():
        page.click("[data-certificate-verify]")
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "valid"
    page.goto(f"/applications/{application.pk}/")
    with page.expect_navigation():
        page.click("[data-rate-link]")
    page.check("input[name=level][value='5']")
    with page.expect_navigation():
        page.click("[data-submit=rate]")
    assert page.locator("[data-thanks]").count() == 1
    fits(page, viewport)
    assert Notification.objects.filter(channel=Channel.SMS, body__contains=certificate.verification_code).exists()
    for opened in (context, anonymous_context, clerk_context):
        opened.close()
    assert CSP_VIOLATIONS == []  # no inline style or script the policy blocks, on any page walked


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_screenshots_of_the_front_door_in_each_language_fit_a_phone(
    browser, live_server, language, food_licence, citizen
):
    citizen_profile = Applicant.objects.get(user=citizen)
    application, _ = actions.do_submit(
        item=food_licence, applicant=citizen_profile, by=citizen, channel="online", idempotency_key="shots"
    )
    for viewport in (PHONE, DESKTOP):
        context, page = context_for(browser, live_server, viewport, language)
        for name, url in (("home", "/"), ("guide", f"/services/item/{food_licence.code}/")):
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == language
            assert page.evaluate(DRAWS_CHINESE), "no Chinese font: `make system-deps` installs fonts-wqy-zenhei"
            fits(page, viewport)
            shot(page, f"{name}-{language}-{viewport['width']}")
        page.goto("/accounts/login/")
        page.fill("#id_username", citizen.username)
        from conftest import PASSWORD

        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        for name, url in (
            ("apply", f"/applications/apply/{food_licence.code}/"),
            ("case", f"/applications/{application.pk}/"),
        ):
            page.goto(url)
            fits(page, viewport)
            shot(page, f"{name}-{language}-{viewport['width']}")
        # The large-text mode: switched from the top bar, remembered, and still no wider than a phone.
        with page.expect_navigation():
            page.click("[data-large-text-toggle] button")
        assert page.url.endswith(f"/applications/{application.pk}/")
        page.goto(f"/services/item/{food_licence.code}/")
        assert "large-text" in (page.locator("body").get_attribute("class") or "")
        fits(page, viewport)
        shot(page, f"guide-large-{language}-{viewport['width']}")
        context.close()
    assert CSP_VIOLATIONS == []
