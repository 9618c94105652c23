"""Kuancheng's bundles (N证联办 / 一件事一次办), built on the services demo (idempotent).

Each bundle joins items of several departments the way Jilin's "一件事一次办" lists do:
opening a restaurant, a pharmacy, a small hotel, and starting construction. One item the
services demo lacks (the public-security licence of the hotel trade) is published here.
A bundle that exists already is left alone, so an administrator's edits survive.
"""

from django.db import transaction

from dgov.accounts.models import Applicant, Department, District, User
from dgov.applications.models import Channel
from dgov.bundles import actions
from dgov.bundles.models import Bundle, BundleApplication, OnDenial
from dgov.services.actions import do_publish_version
from dgov.services.demo import ONLINE_716, item_code
from dgov.services.models import Audience, Material, OnlineLevel, ServiceItem, Trips

POLICE = ("GAJ", "长春市公安局宽城区分局", Department.Kind.DEPARTMENT)
HOTEL_BASIS = "《旅馆业治安管理办法》第四条；《吉林省旅馆业治安管理办法》"

# Published here because the services demo has no public-security items.
HOTEL_LICENCE = {
    "code": "GAJ-001",
    "name": "旅馆业特种行业许可证核发",
    "kind": Audience.ENTERPRISE,
    "legal_basis": HOTEL_BASIS,
    "conditions": "房屋建筑、消防设备、出入口和通道等符合消防安全要求；有必要的防盗安全设施；有治安保卫制度和专（兼）职保卫人员。",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "max_trips": Trips.ONE,
    "online_level": OnlineLevel.PRE_REVIEW,
    "fees": "",
    "fee_basis": "",
    "keywords": "开旅馆 开宾馆 开民宿 开招待所 特种行业许可证",
}
HOTEL_MATERIALS = [
    ("旅馆业特种行业许可申请登记表", Material.Source.APPLICANT, Material.Form.ELECTRONIC, HOTEL_BASIS),
    ("营业执照", Material.Source.SHARED, Material.Form.COPY, ONLINE_716),
    ("法定代表人（负责人）身份证", Material.Source.E_CERTIFICATE, Material.Form.ORIGINAL, ONLINE_716 + "、第十条"),
    # Named exactly as in the individual-business registration, so the bundle asks once.
    ("经营场所租赁合同（租用房屋）", Material.Source.APPLICANT, Material.Form.COPY, HOTEL_BASIS),
    ("旅馆平面图及安全防范设施说明", Material.Source.APPLICANT, Material.Form.ELECTRONIC, HOTEL_BASIS),
    ("治安保卫制度及保卫人员名单", Material.Source.APPLICANT, Material.Form.ELECTRONIC, HOTEL_BASIS),
]

# code, name, description, items (services demo codes), on denial
BUNDLES = [
    (
        "restaurant",
        "我要开饭店",
        "个体工商户登记、食品经营许可、排水许可和门头招牌一次申请；营业执照由共享数据获取，不再提交。",
        ["SCJG-001", "SCJG-008", "ZJJ-005", "CGJ-002"],
        OnDenial.CONTINUE,
    ),
    (
        "pharmacy",
        "我要开药店",
        "药品零售企业经营许可和门头招牌一次申请；药品经营许可不予批准的，整件事终止。",
        ["SCJG-011", "CGJ-002"],
        OnDenial.STOP,
    ),
    (
        "hotel",
        "我要开旅馆",
        "个体工商户登记、旅馆业特种行业许可、公共场所卫生许可和门头招牌一次申请；租赁合同只交一次。",
        ["SCJG-001", "GAJ-001", "WJJ-001", "CGJ-002"],
        OnDenial.STOP,
    ),
    (
        "construction-start",
        "工程建设项目开工",
        "建设工程规划许可、消防设计审查、施工许可和建筑垃圾处置核准联合办理。",
        ["ZRZY-001", "ZJJ-003", "ZJJ-001", "CGJ-001"],
        OnDenial.STOP,
    ),
]


def _hotel_licence(district: District, by: User | None) -> ServiceItem:
    code = item_code(district, HOTEL_LICENCE["code"])  # type: ignore[arg-type]
    existing = ServiceItem.objects.filter(district=district, code=code).first()
    if existing is not None:
        return existing
    department, _created = Department.objects.get_or_create(
        district=district, code=POLICE[0], defaults={"name": POLICE[1], "kind": POLICE[2]}
    )
    data = {**HOTEL_LICENCE, "code": code, "district": district, "department": department}
    materials = [
        {"name": n, "source": s, "form": f, "copies": 1, "legal_basis": b, "required": True, "rongque": False}
        for n, s, f, b in HOTEL_MATERIALS
    ]
    return do_publish_version(None, data, materials, [], by)


def load(district: District) -> None:
    """Create the bundles that are missing, and one restaurant bundle in parallel
    approval for the demo enterprise."""
    with transaction.atomic():
        admin = User.objects.filter(username="admin", district=district).first()
        if admin is None:
            return
        _hotel_licence(district, admin)
        items = {item.code: item for item in ServiceItem.objects.published().filter(district=district)}
        for code, name, description, codes, on_denial in BUNDLES:
            if Bundle.objects.filter(district=district, code=code).exists():
                continue
            chosen = [items[item_code(district, c)] for c in codes if item_code(district, c) in items]
            if len(chosen) < 2:
                continue
            data = {
                "code": code,
                "name": name,
                "description": description,
                "limit_days": actions.max_limit_for(chosen),
                "on_denial": on_denial,
                "published": True,
            }
            actions.do_save_bundle(None, district=district, data=data, items=chosen, by=admin)
        _demo_application(district)


def _demo_application(district: District) -> None:
    enterprise = User.objects.filter(username="enterprise").first()
    clerk = User.objects.filter(username="clerk", district=district).first()
    bundle = Bundle.objects.filter(district=district, code="restaurant").first()
    applicant = Applicant.objects.filter(user=enterprise, district=district).first() if enterprise else None
    if bundle is None or applicant is None or clerk is None or enterprise is None:
        return
    if BundleApplication.objects.filter(submitted_by=enterprise, idempotency_key="demo-restaurant").exists():
        return
    bundle_application, _created = actions.do_submit_bundle(
        bundle, applicant=applicant, by=enterprise, channel=Channel.ONLINE, idempotency_key="demo-restaurant"
    )
    actions.do_accept_bundle(bundle_application, by=clerk)
