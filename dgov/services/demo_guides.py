"""The demo catalogue's complete guides: English names and keywords, results, and where,
when and whom to ask (issue 13). Kept beside ``demo.py``'s items, by item code.

English keywords are the words an English speaker types (restaurant, shop, marriage);
results are what the applicant holds in their hand at the end.
"""

# code: (English name, English keywords, result)
GUIDES: dict[str, tuple[str, str, str]] = {
    "SCJG-001": (
        "Registration of an individual business",
        "open a shop restaurant small business sole trader self-employed business licence hair salon online shop stall",
        "营业执照（个体工商户）",
    ),
    "SCJG-002": (
        "Change of registration of an individual business",
        "change business licence new address new name individual business",
        "营业执照（变更后换发）",
    ),
    "SCJG-003": (
        "Deregistration of an individual business",
        "close a shop close business cancel business licence individual business",
        "准予注销登记通知书",
    ),
    "SCJG-004": (
        "Registration of a company",
        "start a company set up a company incorporate business licence limited company",
        "营业执照（企业法人）",
    ),
    "SCJG-005": (
        "Change of company registration",
        "change company name address registered capital shareholders legal representative",
        "营业执照（变更后换发）",
    ),
    "SCJG-006": (
        "Deregistration of a company",
        "close a company wind up dissolve cancel registration",
        "准予注销登记通知书",
    ),
    "SCJG-007": (
        "Registration of a farmers' cooperative",
        "farmers cooperative agriculture cooperative registration",
        "营业执照（农民专业合作社）",
    ),
    "SCJG-008": (
        "Food business licence",
        "restaurant open a restaurant food licence catering cafe canteen food shop eatery",
        "食品经营许可证",
    ),
    "SCJG-009": (
        "Change of a food business licence",
        "food licence change restaurant change",
        "食品经营许可证（变更后）",
    ),
    "SCJG-010": (
        "Filing for selling prepackaged food only",
        "convenience store grocery supermarket packaged food filing",
        "仅销售预包装食品备案信息采集表（备案编号）",
    ),
    "SCJG-011": ("Pharmacy licence", "pharmacy drugstore chemist medicine shop", "药品经营许可证"),
    "SCJG-012": (
        "Registration of special equipment in use",
        "elevator lift boiler pressure vessel special equipment registration",
        "特种设备使用登记证",
    ),
    "WJJ-001": (
        "Public place hygiene licence",
        "hygiene licence hair salon beauty salon hotel bath spa gym public place",
        "公共场所卫生许可证",
    ),
    "WJJ-002": ("Filing of a clinic", "clinic open a clinic doctor practice", "诊所备案凭证"),
    "WJJ-003": (
        "Registration of a medical institution",
        "hospital medical institution practice licence",
        "医疗机构执业许可证",
    ),
    "WJJ-004": ("Registration of a physician", "doctor physician practising registration", "医师执业证书"),
    "WJJ-005": (
        "Change of a physician's registration",
        "doctor change workplace practice change",
        "医师执业证书（变更后）",
    ),
    "WJJ-006": ("Registration of a nurse", "nurse nursing practising registration", "护士执业证书"),
    "WJJ-007": ("Hygiene licence for drinking water suppliers", "drinking water supply water hygiene", "卫生许可证"),
    "WJJ-008": ("Birth registration", "baby birth child pregnancy having a baby", "生育登记服务单"),
    "WJJ-009": ("Filing of a childcare institution", "childcare nursery day care infant care", "托育机构备案回执"),
    "ZJJ-001": (
        "Construction permit for building works",
        "construction permit building works start construction",
        "建筑工程施工许可证",
    ),
    "ZJJ-002": (
        "Filing of completion acceptance of building works",
        "completion acceptance building finished filing",
        "竣工验收备案证明",
    ),
    "ZJJ-003": (
        "Fire safety design review of special works",
        "fire safety design review",
        "特殊建设工程消防设计审查意见书",
    ),
    "ZJJ-004": (
        "Fire safety acceptance of special works",
        "fire safety acceptance inspection",
        "特殊建设工程消防验收意见书",
    ),
    "ZJJ-005": (
        "Permit to discharge sewage into the sewer network",
        "sewage drainage permit restaurant wastewater",
        "城镇污水排入排水管网许可证",
    ),
    "ZRZY-001": ("Planning permit for construction works", "planning permit construction works", "建设工程规划许可证"),
    "ZRZY-002": (
        "Planning permit for construction land",
        "land planning permit construction land",
        "建设用地规划许可证",
    ),
    "MZJ-001": (
        "Registration of a social organisation",
        "association society social organisation ngo",
        "社会团体法人登记证书",
    ),
    "MZJ-002": (
        "Registration of a private non-enterprise unit",
        "non-profit private school nursing home non-enterprise",
        "民办非企业单位登记证书",
    ),
    "MZJ-003": (
        "Minimum living allowance (dibao)",
        "poverty low income allowance dibao welfare",
        "最低生活保障审核确认决定书",
    ),
    "MZJ-004": (
        "Support for people in extreme poverty",
        "extreme poverty support elderly without family",
        "特困人员救助供养审核确认决定书",
    ),
    "MZJ-005": ("Temporary assistance", "emergency help temporary hardship assistance", "临时救助决定书"),
    "MZJ-006": ("Marriage registration", "marriage get married wedding marriage certificate", "结婚证"),
    "MZJ-007": ("Divorce registration", "divorce", "离婚证"),
    "MZJ-008": (
        "Filing of an elderly care institution",
        "nursing home elderly care old people's home",
        "养老机构备案回执",
    ),
    "MZJ-009": (
        "Living and care allowances for people with disabilities",
        "disability allowance care allowance disabled",
        "补贴核定通知",
    ),
    "CL-001": ("Disability certificate", "disability certificate disabled card", "中华人民共和国残疾人证"),
    "RSJ-001": ("Employment registration", "new job employment registration work", "就业登记证明"),
    "RSJ-002": ("Unemployment registration", "unemployed lost my job unemployment registration", "失业登记证明"),
    "RSJ-003": (
        "Unemployment insurance benefit",
        "unemployment benefit unemployment insurance",
        "失业保险金待遇核定通知",
    ),
    "RSJ-004": (
        "Enrolment in the basic pension insurance for residents",
        "pension enrolment insurance residents",
        "参保登记回执",
    ),
    "RSJ-005": ("Claiming the basic pension for residents", "pension claim retirement old age", "养老保险待遇核定表"),
    "RSJ-006": ("Human resources service licence", "recruitment agency staffing headhunting", "人力资源服务许可证"),
    "RSJ-007": ("Labour dispatch licence", "labour dispatch staffing agency", "劳务派遣经营许可证"),
    "RSJ-008": (
        "Approval of flexible or averaged working hours",
        "working hours flexible hours shift work",
        "特殊工时制度审批决定书",
    ),
    "RSJ-009": (
        "Recognition of people with difficulty finding work",
        "job seeker difficulty employment assistance",
        "就业困难人员认定结果",
    ),
    "RSJ-010": ("Social security card", "social security card insurance card", "社会保障卡"),
    "JYJ-001": ("Licence to run a private kindergarten", "kindergarten preschool private school", "民办学校办学许可证"),
    "JYJ-002": ("Teacher qualification", "teacher qualification teaching certificate", "教师资格证书"),
    "WLJ-001": ("Entertainment venue licence", "karaoke ktv bar nightclub entertainment", "娱乐经营许可证"),
    "WLJ-002": ("Approval of commercial performances", "concert show performance event", "营业性演出批准文件"),
    "WLJ-003": ("Internet café licence", "internet cafe netbar gaming", "网络文化经营许可证"),
    "WLJ-004": ("Filing of a performance venue", "theatre venue performance place", "演出场所经营单位备案证明"),
    "WLJ-005": ("Licence to sell publications", "bookshop bookstore newspapers magazines", "出版物经营许可证"),
    "CGJ-001": (
        "Approval of construction waste disposal",
        "construction waste rubble disposal",
        "城市建筑垃圾处置核准文件",
    ),
    "CGJ-002": (
        "Approval of outdoor advertising and shop signs",
        "shop sign signboard billboard advertising",
        "户外广告设施设置审批决定书",
    ),
    "CGJ-003": (
        "Licence for commercial street cleaning and refuse collection",
        "cleaning rubbish collection refuse transport",
        "城市生活垃圾经营性服务许可证",
    ),
    "CGJ-004": (
        "Approval to occupy a city road temporarily",
        "road occupation street stall scaffolding",
        "临时占用城市道路审批决定书",
    ),
    "CGJ-005": ("Approval to dig up a city road", "road excavation digging pipeline", "挖掘城市道路审批决定书"),
    "CGJ-006": (
        "Approval to occupy urban green space temporarily",
        "green space park occupation",
        "临时占用城市绿地审批决定书",
    ),
    "CGJ-007": (
        "Approval to fell or move city trees",
        "tree felling cutting trees moving trees",
        "砍伐、迁移城市树木审批决定书",
    ),
    "STHJ-001": (
        "Approval of an environmental impact report form",
        "environmental impact assessment eia",
        "环境影响报告表审批意见",
    ),
    "STHJ-002": (
        "Filing of an environmental impact registration form",
        "environmental impact registration filing",
        "环境影响登记表备案回执",
    ),
    "YJJ-001": (
        "Licence to trade hazardous chemicals (without storage)",
        "hazardous chemicals dangerous goods trading",
        "危险化学品经营许可证",
    ),
    "YJJ-002": (
        "Licence to sell fireworks (retail)",
        "fireworks firecrackers spring festival",
        "烟花爆竹经营（零售）许可证",
    ),
    "YJJ-003": ("Filing of a work safety emergency plan", "emergency plan safety accident plan", "应急预案备案登记表"),
    "FGJ-001": ("Filing of an enterprise investment project", "investment project filing factory", "项目备案证明"),
    "FGJ-002": (
        "Energy-saving review of fixed-asset investment projects",
        "energy review energy saving",
        "节能审查意见",
    ),
    "SWJ-001": (
        "Filing of a prepaid card issuer",
        "prepaid card membership card gift card",
        "单用途卡发卡企业备案回执",
    ),
    "SWJ-002": ("Filing of a recycling business", "recycling scrap waste collection", "再生资源回收经营者备案回执"),
}

DEPARTMENTS_EN: dict[str, str] = {
    "ZWFW": "Kuancheng Government Service Centre",
    "FGJ": "Kuancheng Development and Reform Bureau",
    "SCJG": "Kuancheng Market Regulation Bureau",
    "WJJ": "Kuancheng Health Commission",
    "ZJJ": "Kuancheng Housing and Urban-Rural Development Bureau",
    "ZRZY": "Kuancheng Branch of the Changchun Natural Resources Bureau",
    "MZJ": "Kuancheng Civil Affairs Bureau",
    "RSJ": "Kuancheng Human Resources and Social Security Bureau",
    "SWJ": "Kuancheng Commerce Bureau",
    "TCJ": "Kuancheng Investment Promotion Bureau",
    "JYJ": "Kuancheng Education Bureau",
    "WLJ": "Kuancheng Culture, Radio, Television and Tourism Bureau",
    "CGJ": "Kuancheng Urban Management Bureau",
    "STHJ": "Kuancheng Branch of the Changchun Ecology and Environment Bureau",
    "YJJ": "Kuancheng Emergency Management Bureau",
    "CZJ": "Kuancheng Finance Bureau",
    "CL": "Kuancheng Disabled Persons' Federation",
}

EVENTS_EN: dict[str, tuple[str, str]] = {
    "我要开饭店": (
        "Open a restaurant",
        "From the business licence to the food licence, drainage permit and shop sign.",
    ),
    "我要开小超市": ("Open a small grocery", "Selling packaged food only needs a filing."),
    "我要开诊所": ("Open a clinic", "Filing of the clinic and registration of its medical staff."),
    "我要开理发店、美容院": ("Open a hair or beauty salon", ""),
    "失业了": ("I lost my job", "Register as unemployed, claim unemployment benefit, get help finding work."),
    "找到工作了": ("I found a job", ""),
    "生活困难": ("Hard times", "Minimum living allowance, support in extreme poverty, temporary assistance."),
    "残疾人服务": ("Services for people with disabilities", ""),
    "我要结婚": ("Getting married", ""),
    "我要生孩子": ("Having a baby", ""),
    "我要当医生、护士": ("Becoming a doctor or nurse", ""),
    "我要当老师": ("Becoming a teacher", ""),
    "我要养老": ("Pensions and retirement", "Join the residents' pension insurance, claim the pension."),
    "企业开办": ("Starting a company", "Business licence fully online, done the same day."),
    "企业变更": ("Changing a company", ""),
    "企业注销": ("Closing a company", ""),
    "工程建设项目审批": (
        "Construction project approvals",
        "From project filing and planning to construction and acceptance.",
    ),
    "我要开药店": ("Open a pharmacy", ""),
    "我要开歌厅、网吧": ("Open a karaoke bar or internet café", ""),
    "我要办幼儿园、托育机构": ("Open a kindergarten or childcare centre", ""),
    "我要开养老院": ("Open a nursing home", ""),
    "我要开人力资源公司": ("Open a recruitment or staffing company", ""),
    "用工管理": ("Employing staff", ""),
    "安全生产与危险化学品": ("Work safety and hazardous chemicals", ""),
}

# Where, when and whom to ask: the service centre for every item; marriage and divorce at
# their own window, which cannot be applied for online (both parties appear in person).
PLACE = "长春市宽城区北京大街 1118 号 宽城区政务服务中心一楼综合受理区"
HOURS = "周一至周五 8:30—12:00，13:00—16:30（法定节假日除外；周六 9:00—15:00 延时服务）"
COMPLAINT_PHONE = "12345"
PHONE_PREFIX = "0431-8"
AT_WINDOW = {"MZJ-006": "08", "MZJ-007": "08"}


def enquiry_phone(department_code: str) -> str:
    """A demo number per department (0431-8xxxxxxx)."""
    digits = sum(ord(c) for c in department_code) * 7919 % 10_000_000
    return f"{PHONE_PREFIX}{digits:07d}"[:13]


# Downloads of the demo's best-known guide (食品经营许可): (kind, material, file name, title, lines).
FILES: dict[str, list[tuple[str, str, str, str, list[str]]]] = {
    "SCJG-008": [
        (
            "blank_form",
            "食品经营许可申请书",
            "食品经营许可申请书（空白）.pdf",
            "食品经营许可申请书",
            [
                "申请人名称：＿＿＿＿＿＿＿＿",
                "统一社会信用代码：＿＿＿＿＿＿",
                "经营场所：＿＿＿＿＿＿＿＿",
                "主体业态：＿＿＿＿",
                "经营项目：＿＿＿＿＿＿",
                "法定代表人（签字）：＿＿＿＿  日期：＿＿＿＿",
            ],
        ),
        (
            "sample",
            "食品经营许可申请书",
            "食品经营许可申请书（示范文本）.pdf",
            "食品经营许可申请书（示范文本）",
            [
                "申请人名称：长春宽城味道餐饮有限公司",
                "统一社会信用代码：91220103MA0Y8K2Q1X",
                "经营场所：长春市宽城区长江路 88 号",
                "主体业态：餐饮服务经营者（小型餐馆）",
                "经营项目：热食类食品制售",
                "法定代表人（签字）：赵建国  日期：2026 年 12 月 1 日",
            ],
        ),
        (
            "result_sample",
            "",
            "食品经营许可证（样本）.pdf",
            "食品经营许可证（样本）",
            [
                "经营者名称：××餐饮有限公司",
                "许可证编号：JY12201030000000",
                "主体业态：餐饮服务经营者",
                "经营项目：热食类食品制售",
                "有效期至：××××年××月××日",
                "发证机关：宽城区市场监督管理局（样本，无效）",
            ],
        ),
    ]
}


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with ``title`` and ``lines`` in the certificates' CJK font."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from dgov.certificates.pdf import register_font

    font = register_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True, initialFontName=font)
    width, height = A4
    page.setFont(font, 18)
    page.drawCentredString(width / 2, height - 90, title)
    page.setFont(font, 12)
    for number, line in enumerate(lines):
        page.drawString(72, height - 150 - 28 * number, line)
    page.showPage()
    page.save()
    return buffer.getvalue()
