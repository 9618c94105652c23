"""Kuancheng's certificate types, seals and issued certificates (idempotent).

Departments get unified social credit codes (the issuer code of GB/T 36904 identifiers),
the demo's licensing items get their certificate types, each issuing department a seal
whose keys go to ``settings.SEAL_KEY_DIR``, and completed demo cases their certificates,
issued by the demo seal officer.
"""

import datetime as dt
from typing import Any

from dgov.accounts.models import Department, User
from dgov.applications.models import Application, Status
from dgov.certificates.ca import DistrictCA, current_crl_needed, do_create_seal
from dgov.certificates.models import CertificateType, Layout, Seal
from dgov.certificates.sealing import add_years, do_issue
from dgov.lib import clock
from dgov.lib.idnumbers import uscc_check_character
from dgov.services.models import ServiceItem

# (item name, type code, certificate name, layout, validity in years)
TYPES = [
    ("个体工商户设立登记", "GTGSH", "营业执照（个体工商户）", Layout.LICENCE, 20),
    ("食品经营许可", "SPJY", "食品经营许可证", Layout.LICENCE, 5),
    ("公共场所卫生许可", "GGCSWS", "公共场所卫生许可证", Layout.LICENCE, 4),
    ("建设工程规划许可证核发", "JSGCGH", "建设工程规划许可证", Layout.PERMIT, 3),
    ("建筑工程施工许可证核发", "SGXK", "建筑工程施工许可证", Layout.PERMIT, 3),
    ("医师执业注册", "YSZY", "医师执业证书", Layout.PERMIT, 5),
    ("社会团体成立登记", "SHTT", "社会团体法人登记证书", Layout.LICENCE, 5),
]


def credit_code_for(district_code: str, index: int) -> str:
    """A well-formed code for a government organ (登记管理部门 1, 机构类别 1)."""
    first17 = f"11{district_code}MB{index:07d}"
    return first17 + uscc_check_character(first17)


def load(district: Any) -> None:
    for index, department in enumerate(Department.objects.filter(district=district).order_by("pk"), start=1):
        if not department.credit_code:
            department.credit_code = credit_code_for(district.code, index)
            department.save(update_fields=["credit_code"])
    today = clock.today()
    if Seal.objects.filter(district=district).exists() and current_crl_needed(district):
        DistrictCA(district).issue_crl()  # the demo plays the offline CA: a fresh CRL
    for item_name, code, name, layout, years in TYPES:
        item = ServiceItem.objects.filter(district=district, current_version__name=item_name).first()
        if item is None:
            continue
        CertificateType.objects.get_or_create(
            district=district,
            code=code,
            defaults={"name": name, "layout": layout, "validity_years": years, "item": item},
        )
        department = item.current_version.department
        if not Seal.objects.filter(district=district, department=department, valid_to__gte=today).exists():
            start = today.replace(month=1, day=1)
            do_create_seal(
                district=district,
                department=department,
                name=f"{department.name}行政审批专用章",
                valid_from=start,
                valid_to=add_years(start, 5) - dt.timedelta(days=1),
            )
    officer = User.objects.filter(district=district, username="seal").first()
    if officer is None:
        return
    completed = Application.objects.filter(
        district=district, status=Status.COMPLETED, item__certificate_types__isnull=False, certificates__isnull=True
    ).distinct()
    for application in completed.select_related("applicant__user", "item_version", "district"):
        do_issue(application, by=officer)
