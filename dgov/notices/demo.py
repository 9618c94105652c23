"""Kuancheng's document settings: number prefixes, the service centre's seal (for joint
documents), and the demo's waiting documents sealed by the demo seal officer
(idempotent)."""

import datetime as dt
from typing import Any

from dgov.accounts.models import Department, User
from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import Seal
from dgov.certificates.sealing import add_years
from dgov.lib import clock
from dgov.notices import drafting, sealing
from dgov.notices.models import NumberPrefix

PREFIXES = {
    "ZWFW": "宽政务许",
    "FGJ": "宽发改许",
    "SCJG": "宽市监许",
    "WJJ": "宽卫健许",
    "ZJJ": "宽住建许",
    "ZRZY": "长自然资宽许",
    "MZJ": "宽民许",
    "RSJ": "宽人社许",
    "SWJ": "宽商务许",
    "JYJ": "宽教许",
    "WLJ": "宽文旅许",
    "CGJ": "宽城管许",
    "STHJ": "长环宽许",
    "YJJ": "宽应急许",
}


def load(district: Any) -> None:
    drafting.ensure_templates(district.pk)
    drafting.district_settings(district.pk)
    for department in Department.objects.filter(district=district, code__in=PREFIXES):
        NumberPrefix.objects.get_or_create(department=department, defaults={"prefix": PREFIXES[department.code]})
    today = clock.today()
    centre = Department.objects.filter(district=district, kind=Department.Kind.SERVICE_CENTRE).first()
    if (
        centre is not None
        and Seal.objects.filter(district=district).exists()  # the certificates demo made the CA
        and not Seal.objects.filter(district=district, department=centre, valid_to__gte=today).exists()
    ):
        start = today.replace(month=1, day=1)
        do_create_seal(
            district=district,
            department=centre,
            name=f"{centre.name}行政审批专用章",
            valid_from=start,
            valid_to=add_years(start, 5) - dt.timedelta(days=1),
        )
    officer = User.objects.filter(district=district, username="seal").first()
    if officer is not None:
        sealing.do_seal_batch(list(sealing.waiting(district.pk)[:100]), officer)
