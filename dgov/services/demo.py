"""Kuancheng's service catalogue: real district-level items with their guides (idempotent).

Names, implementing departments, legal bases and legal time limits follow the national
laws and regulations cited; promised limits, fees and keywords are what a district
typically publishes. Time limits are working days; 0 means handled on the spot (即办).
Article numbers are cited where the article is certain; otherwise the act is named.

``load(district)`` creates what is missing, by implementation code: an item that
exists already is left alone (an edited guide is never overwritten by the demo).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from dgov.accounts.demo import DEPARTMENTS
from dgov.accounts.models import Department, District, ServiceWindow, User
from dgov.services import search
from dgov.services.actions import do_publish_version, do_set_event_items
from dgov.services.demo_guides import (
    AT_WINDOW,
    COMPLAINT_PHONE,
    DEPARTMENTS_EN,
    EVENTS_EN,
    FILES,
    GUIDES,
    HOURS,
    PLACE,
    demo_pdf,
    enquiry_phone,
)
from dgov.services.models import Audience, Event, GuideFile, Handling, Material, OnlineLevel, ServiceItem, Trips

A = Material.Source.APPLICANT
S = Material.Source.SHARED
E = Material.Source.E_CERTIFICATE
ORIGINAL, COPY, EFILE = Material.Form.ORIGINAL, Material.Form.COPY, Material.Form.ELECTRONIC
CITIZEN, ENTERPRISE = Audience.CITIZEN, Audience.ENTERPRISE

# Departments the services demo needs beyond the organisation of ``accounts.demo``.
EXTRA_DEPARTMENTS = [("CL", "宽城区残疾人联合会", Department.Kind.UNIT)]

ONLINE_716 = "《国务院关于在线政务服务的若干规定》（国务院令第716号）第七条"


@dataclass
class M:
    """One material; an empty basis inherits the item's first legal basis."""

    name: str
    source: str = A
    form: str = ORIGINAL
    copies: int = 1
    basis: str = ""
    required: bool = True
    rongque: bool = False


@dataclass
class P:
    name: str
    max_days: int
    counts: bool = False


@dataclass
class Item:
    code: str
    name: str
    kind: str
    department: str
    basis: str
    legal: int
    promised: int
    trips: int
    keywords: str
    materials: list[M]
    conditions: str = ""
    fees: str = ""
    fee_basis: str = ""
    procedures: list[P] = field(default_factory=list)
    online: str = ""

    @property
    def online_level(self) -> str:
        if self.online:
            return self.online
        return {0: OnlineLevel.FULL, 1: OnlineLevel.PRE_REVIEW}.get(self.trips, OnlineLevel.FORMS)


def id_card(who: str = "申请人") -> M:
    return M(f"{who}身份证", E, basis=ONLINE_716 + "、第十条")


def licence() -> M:
    return M("营业执照", S, COPY, basis=ONLINE_716)


def property_title() -> M:
    return M("经营场所不动产权证书（自有房屋）", S, COPY, basis=ONLINE_716, required=False)


def lease() -> M:
    return M("经营场所租赁合同（租用房屋）", A, COPY, required=False)


ITEMS: list[Item] = [
    # -- 市场监督管理局 ------------------------------------------------------------------
    Item(
        "SCJG-001",
        "个体工商户设立登记",
        CITIZEN,
        "SCJG",
        "《市场主体登记管理条例》第三条、第十九条；《促进个体工商户发展条例》",
        3,
        1,
        Trips.NONE,
        "开店 开饭店 开小卖部 开便利店 开理发店 办营业执照 个体户 开网店 摆摊",
        [
            M("个体工商户登记（备案）申请书", form=EFILE),
            id_card("经营者"),
            property_title(),
            lease(),
        ],
        conditions="有经营能力的自然人；经营场所符合规定；名称（如有）符合名称登记管理规定。材料齐全、符合法定形式的当场登记。",
    ),
    Item(
        "SCJG-002",
        "个体工商户变更登记",
        CITIZEN,
        "SCJG",
        "《市场主体登记管理条例》第二十四条；《促进个体工商户发展条例》",
        3,
        1,
        Trips.NONE,
        "改营业执照 换地址 改名字 变更经营范围 个体户变更",
        [M("个体工商户变更登记申请书", form=EFILE), id_card("经营者"), licence(), property_title(), lease()],
    ),
    Item(
        "SCJG-003",
        "个体工商户注销登记",
        CITIZEN,
        "SCJG",
        "《市场主体登记管理条例》第三十一条；《促进个体工商户发展条例》",
        3,
        1,
        Trips.NONE,
        "关店 不干了 注销营业执照 个体户注销",
        [M("个体工商户注销登记申请书", form=EFILE), id_card("经营者"), licence()],
    ),
    Item(
        "SCJG-004",
        "公司设立登记",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国公司法》第二十九条；《市场主体登记管理条例》第十九条",
        3,
        1,
        Trips.NONE,
        "开公司 注册公司 办营业执照 开饭店 企业开办 成立公司",
        [
            M("公司登记（备案）申请书", form=EFILE),
            M("公司章程", form=EFILE),
            M("股东的主体资格文件或者自然人身份证明", E),
            M("法定代表人、董事、监事和高级管理人员的任职文件", form=EFILE),
            M("住所使用相关文件", A, COPY),
        ],
        conditions="有符合公司章程规定的股东；有公司名称和住所；有符合规定的组织机构。材料齐全、符合法定形式的当场登记，企业开办全程网上办理。",
    ),
    Item(
        "SCJG-005",
        "公司变更登记",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国公司法》第三十四条；《市场主体登记管理条例》第二十四条",
        3,
        1,
        Trips.NONE,
        "公司改名 换法人 变更股东 迁址 增资 减资",
        [
            M("公司变更登记申请书", form=EFILE),
            licence(),
            M("股东会关于变更事项的决议或者决定", form=EFILE),
            M("修改后的公司章程或者章程修正案", form=EFILE, required=False),
        ],
    ),
    Item(
        "SCJG-006",
        "公司注销登记",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国公司法》第二百三十九条、第二百四十条；《市场主体登记管理条例》第三十一条、第三十三条",
        3,
        1,
        Trips.NONE,
        "注销公司 公司关门 简易注销 企业注销",
        [
            M("公司注销登记申请书", form=EFILE),
            licence(),
            M("清算报告或者全体投资人承诺书", form=EFILE),
            M("清税证明", S, basis=ONLINE_716),
        ],
        conditions="未发生债权债务或者已将债权债务清偿完结的，可以按照简易程序办理注销登记，公示期20日不计入办理时限。",
        procedures=[P("简易注销公示", 20)],
    ),
    Item(
        "SCJG-007",
        "农民专业合作社设立登记",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国农民专业合作社法》第十六条；《市场主体登记管理条例》第十九条",
        3,
        1,
        Trips.NONE,
        "办合作社 成立合作社 种植合作社 养殖合作社",
        [
            M("农民专业合作社登记（备案）申请书", form=EFILE),
            M("全体设立人签名、盖章的设立大会纪要", form=EFILE),
            M("全体设立人签名、盖章的章程", form=EFILE),
            M("法定代表人、理事的任职文件及身份证明", E),
            M("成员名册及出资清单", form=EFILE),
            M("住所使用证明", A, COPY),
        ],
    ),
    Item(
        "SCJG-008",
        "食品经营许可",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        10,
        5,
        Trips.ONE,
        "开饭店 开餐馆 卖熟食 开小吃店 开奶茶店 开咖啡店 开面包店 开超市 卖盒饭 餐饮 外卖 食堂 食品经营许可证",
        [
            M("食品经营许可申请书", form=EFILE),
            licence(),
            id_card("法定代表人（负责人）"),
            M("与食品经营相适应的主要设备设施、经营布局、操作流程等文件", form=EFILE),
            M(
                "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度目录清单",
                rongque=True,
            ),
        ],
        conditions="具有与经营的食品品种、数量相适应的经营场所、设备设施；有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；设备布局和工艺流程合理。",
        procedures=[P("现场核查", 5, counts=True)],
    ),
    Item(
        "SCJG-009",
        "食品经营许可变更",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        10,
        3,
        Trips.NONE,
        "饭店改名 增加经营项目 换负责人 食品经营许可证变更",
        [
            M("食品经营许可变更申请书", form=EFILE),
            licence(),
            M("食品经营许可证", E),
            M("与变更事项有关的材料", form=EFILE),
        ],
    ),
    Item(
        "SCJG-010",
        "仅销售预包装食品备案",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        0,
        0,
        Trips.NONE,
        "开小卖部 开便利店 卖零食 卖饮料 卖包装食品 小超市",
        [M("仅销售预包装食品备案信息采集表", form=EFILE), licence(), id_card("经营者")],
        conditions="只销售预包装食品的，不需要取得食品经营许可，在开始销售前备案即可，当场办结。",
    ),
    Item(
        "SCJG-011",
        "药品零售企业经营许可",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国药品管理法》第五十一条、第五十二条；《药品经营和使用质量监督管理办法》（国家市场监督管理总局令第84号）",
        20,
        10,
        Trips.ONE,
        "开药店 开药房 卖药 连锁药店 药品经营许可证",
        [
            M("药品经营许可证申请表", form=EFILE),
            licence(),
            M("质量负责人执业药师注册证", E),
            M("经营场所和仓库的平面布置图", form=EFILE),
            M("药品质量管理制度文件", form=EFILE),
            M("计算机管理系统基本情况说明", form=EFILE, rongque=True),
        ],
        conditions="有依法经过资格认定的药师或者其他药学技术人员；有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境；有保证药品质量的规章制度。",
        procedures=[P("现场检查", 10, counts=True)],
    ),
    Item(
        "SCJG-012",
        "特种设备使用登记",
        ENTERPRISE,
        "SCJG",
        "《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》（TSG 08—2017）",
        15,
        1,
        Trips.NONE,
        "电梯登记 锅炉登记 叉车上牌 压力容器登记 特种设备",
        [
            M("特种设备使用登记表", form=EFILE),
            licence(),
            M("特种设备产品合格证", A, COPY),
            M("监督检验证明或者定期检验报告", E),
        ],
        conditions="特种设备在投入使用前或者投入使用后三十日内办理使用登记。",
    ),
    # -- 卫生健康局 ----------------------------------------------------------------------
    Item(
        "WJJ-001",
        "公共场所卫生许可",
        ENTERPRISE,
        "WJJ",
        "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
        20,
        5,
        Trips.ONE,
        "开宾馆 开旅店 开招待所 开理发店 开美容院 开浴池 开洗浴中心 开游泳馆 开KTV 卫生许可证",
        [
            M("公共场所卫生许可申请表", form=EFILE),
            licence(),
            id_card("法定代表人或者负责人"),
            M("公共场所地址方位示意图、平面图和卫生设施平面布局图", form=EFILE),
            M("公共场所卫生检测或者评价报告", rongque=True),
            M("公共场所卫生管理制度", form=EFILE),
        ],
        conditions="饭馆、咖啡馆、酒吧、茶座已不再需要公共场所卫生许可（国发〔2016〕12号）；宾馆、理发店、美容店、公共浴室、游泳场馆、歌舞厅等仍需办理。",
        procedures=[P("现场审查", 5, counts=True), P("卫生检测", 20)],
    ),
    Item(
        "WJJ-002",
        "诊所备案",
        ENTERPRISE,
        "WJJ",
        "《医疗机构管理条例》；《诊所备案管理暂行办法》（国卫医政发〔2022〕33号）",
        0,
        0,
        Trips.ONE,
        "开诊所 开门诊 开中医诊所 开牙科诊所 开口腔诊所 私人诊所",
        [
            M("诊所备案信息表", form=EFILE),
            licence(),
            M("诊所房屋平面布局图", form=EFILE),
            M("诊所用房产权证明或者使用证明", A, COPY),
            M("医务人员执业证书", E),
            M("诊所规章制度", form=EFILE),
        ],
        conditions="诊所实行备案管理：材料齐全的当场备案，发给诊所备案凭证；卫生健康部门在备案后30日内现场核查。",
        procedures=[P("备案后现场核查", 30)],
    ),
    Item(
        "WJJ-003",
        "医疗机构执业登记",
        ENTERPRISE,
        "WJJ",
        "《医疗机构管理条例》；《医疗机构管理条例实施细则》",
        45,
        20,
        Trips.ONE,
        "开门诊部 开医院 开卫生院 办医疗机构执业许可证",
        [
            M("医疗机构申请执业登记注册书", form=EFILE),
            licence(),
            M("医疗机构用房产权证明或者使用证明", A, COPY),
            M("医疗机构建筑设计平面图", form=EFILE),
            M("验资证明、资产评估报告", rongque=True),
            M("医疗机构规章制度", form=EFILE),
            M("医疗机构法定代表人或者主要负责人以及各科室负责人名录和有关资格证书、执业证书", E),
        ],
        procedures=[P("现场审查", 10, counts=True)],
    ),
    Item(
        "WJJ-004",
        "医师执业注册",
        CITIZEN,
        "WJJ",
        "《中华人民共和国医师法》第十三条；《医师执业注册管理办法》",
        20,
        5,
        Trips.NONE,
        "当医生 医生注册 医师证 执业注册 医师资格",
        [
            M("医师执业注册申请审核表", form=EFILE),
            id_card(),
            M("医师资格证书", E),
            M("近6个月内的县级以上医疗机构出具的健康体检证明", rongque=True),
            M("拟执业医疗机构的聘用证明", form=EFILE),
            M("医疗机构执业许可证", S, basis=ONLINE_716),
        ],
        conditions="取得医师资格，受聘于拟执业的医疗机构；通过国家医师电子化注册系统办理。",
    ),
    Item(
        "WJJ-005",
        "医师执业变更注册",
        CITIZEN,
        "WJJ",
        "《中华人民共和国医师法》第十七条；《医师执业注册管理办法》",
        20,
        5,
        Trips.NONE,
        "医生换单位 医生调动 变更执业地点 变更执业范围",
        [
            M("医师变更执业注册申请审核表", form=EFILE),
            M("医师执业证书", E),
            M("拟执业医疗机构的聘用证明", form=EFILE),
        ],
    ),
    Item(
        "WJJ-006",
        "护士执业注册",
        CITIZEN,
        "WJJ",
        "《护士条例》第七条、第八条；《护士执业注册管理办法》",
        20,
        5,
        Trips.NONE,
        "当护士 护士注册 护士证 护士执业证",
        [
            M("护士执业注册申请审核表", form=EFILE),
            id_card(),
            M("学历证书及专业学习中的临床实习证明", A, COPY),
            M("护士执业资格考试成绩合格证明", E),
            M("近6个月内二级以上医疗机构出具的健康体检证明", rongque=True),
            M("医疗卫生机构拟聘用的相关材料", form=EFILE),
        ],
    ),
    Item(
        "WJJ-007",
        "饮用水供水单位卫生许可",
        ENTERPRISE,
        "WJJ",
        "《中华人民共和国传染病防治法》；《生活饮用水卫生监督管理办法》",
        20,
        10,
        Trips.ONE,
        "二次供水 自来水 供水卫生许可证 水厂",
        [
            M("供水单位卫生许可申请表", form=EFILE),
            licence(),
            M("供水设施平面图和工艺流程图", form=EFILE),
            M("水质检验报告", rongque=True),
            M("直接从事供、管水人员健康体检合格证明", A, COPY),
            M("卫生管理制度", form=EFILE),
        ],
        procedures=[P("现场审查", 5, counts=True), P("水质检测", 15)],
    ),
    Item(
        "WJJ-008",
        "生育登记",
        CITIZEN,
        "WJJ",
        "《中华人民共和国人口与计划生育法》；《吉林省人口与计划生育条例》",
        0,
        0,
        Trips.NONE,
        "生孩子 生二胎 生三胎 准生证 生育服务证 怀孕登记",
        [
            M("生育登记信息表", form=EFILE),
            id_card("夫妻双方"),
            M("结婚证", E, basis=ONLINE_716 + "、第十条"),
            M("户口簿", S, basis=ONLINE_716),
        ],
        conditions="夫妻生育子女实行登记服务，网上填报即时办结。",
    ),
    Item(
        "WJJ-009",
        "托育机构备案",
        ENTERPRISE,
        "WJJ",
        "《托育机构登记和备案办法（试行）》（国卫人口发〔2019〕25号）",
        0,
        0,
        Trips.NONE,
        "办托儿所 开托育园 开早教中心 带孩子 婴幼儿照护",
        [
            M("托育机构备案书", form=EFILE),
            M("托育机构备案承诺书", form=EFILE),
            licence(),
            M("评价为“合格”的《托幼机构卫生评价报告》", A, COPY),
            M("消防安全检查合格证明或者消防验收备案材料", A, COPY, rongque=True),
        ],
    ),
    # -- 住房和城乡建设局 ------------------------------------------------------------------
    Item(
        "ZJJ-001",
        "建筑工程施工许可证核发",
        ENTERPRISE,
        "ZJJ",
        "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）第五条",
        7,
        3,
        Trips.NONE,
        "盖房子 盖楼 开工 工地开工 施工许可证 建厂房",
        [
            M("建筑工程施工许可申请表", form=EFILE),
            M("建设工程规划许可证", E),
            M("用地批准手续（不动产权证书）", S, basis=ONLINE_716),
            M("中标通知书及施工合同", form=EFILE),
            M("施工图设计文件审查合格书", S, basis=ONLINE_716),
            M("建设资金已经落实承诺书", form=EFILE),
        ],
        conditions="已办理用地批准手续；依法应当办理建设工程规划许可证的，已取得；已确定施工企业；有满足施工需要的资金安排、施工图纸及技术资料。",
    ),
    Item(
        "ZJJ-002",
        "房屋建筑和市政基础设施工程竣工验收备案",
        ENTERPRISE,
        "ZJJ",
        "《建设工程质量管理条例》第四十九条；《房屋建筑和市政基础设施工程竣工验收备案管理办法》",
        15,
        3,
        Trips.NONE,
        "竣工验收 竣工备案 交房 盖完了",
        [
            M("工程竣工验收备案表", form=EFILE),
            M("工程竣工验收报告", form=EFILE),
            M("规划、消防等部门出具的认可文件或者准许使用文件", S, basis=ONLINE_716),
            M("施工单位签署的工程质量保修书", form=EFILE),
        ],
    ),
    Item(
        "ZJJ-003",
        "特殊建设工程消防设计审查",
        ENTERPRISE,
        "ZJJ",
        "《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）",
        15,
        10,
        Trips.NONE,
        "消防审图 消防设计 消防报建",
        [
            M("消防设计审查申请表", form=EFILE),
            M("消防设计文件", form=EFILE),
            M("依法需要办理建设工程规划许可的，建设工程规划许可文件", E),
        ],
        procedures=[P("专家评审（特殊消防设计）", 20)],
    ),
    Item(
        "ZJJ-004",
        "特殊建设工程消防验收",
        ENTERPRISE,
        "ZJJ",
        "《中华人民共和国消防法》第十三条；《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）",
        15,
        10,
        Trips.TWO_OR_MORE,
        "消防验收 消防检查 验收消防",
        [
            M("消防验收申请表", form=EFILE),
            M("工程竣工验收报告", form=EFILE),
            M("涉及消防的建设工程竣工图纸", form=EFILE),
        ],
        conditions="消防验收须现场评定，建设单位须组织设计、施工、监理等单位到场。",
        procedures=[P("现场评定", 5, counts=True)],
    ),
    Item(
        "ZJJ-005",
        "城镇污水排入排水管网许可",
        ENTERPRISE,
        "ZJJ",
        "《城镇排水与污水处理条例》第二十一条；《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号）",
        15,
        5,
        Trips.ONE,
        "排水许可 排污 开饭店 开洗车店 餐饮排水 下水道",
        [
            M("城镇污水排入排水管网许可申请表", form=EFILE),
            licence(),
            M("排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明", form=EFILE),
            M("排水水质、水量检测报告", rongque=True),
        ],
        conditions="从事工业、建筑、餐饮、医疗等活动，向城镇排水设施排放污水的企业和个体工商户须申领。",
        procedures=[P("现场核查", 3, counts=True)],
    ),
    # -- 自然资源局宽城分局 ----------------------------------------------------------------
    Item(
        "ZRZY-001",
        "建设工程规划许可证核发",
        ENTERPRISE,
        "ZRZY",
        "《中华人民共和国城乡规划法》第四十条；《吉林省城乡规划条例》",
        20,
        10,
        Trips.TWO_OR_MORE,
        "盖房子 盖楼 规划许可 建厂房 报建",
        [
            M("建设工程规划许可申请表", form=EFILE),
            M("不动产权证书（土地）", S, basis=ONLINE_716),
            M("建设工程设计方案", form=EFILE),
            M("建设项目总平面图", form=EFILE),
        ],
        conditions="设计方案须经批前公示；建设单位须到场配合放线、验线核查。",
        procedures=[P("批前公示", 7), P("专家评审", 10)],
    ),
    Item(
        "ZRZY-002",
        "建设用地规划许可证核发",
        ENTERPRISE,
        "ZRZY",
        "《中华人民共和国城乡规划法》第三十七条、第三十八条",
        20,
        5,
        Trips.ONE,
        "用地规划 拿地 土地规划许可",
        [
            M("建设用地规划许可申请表", form=EFILE),
            M("国有建设用地使用权出让合同或者划拨决定书", S, basis=ONLINE_716),
            M("建设项目批准、核准或者备案文件", S, basis=ONLINE_716),
            M("地形图及用地红线图", form=EFILE),
        ],
    ),
    # -- 民政局 --------------------------------------------------------------------------
    Item(
        "MZJ-001",
        "社会团体成立登记",
        ENTERPRISE,
        "MZJ",
        "《社会团体登记管理条例》",
        30,
        15,
        Trips.ONE,
        "成立协会 办商会 成立学会 社团登记 成立联合会",
        [
            M("社会团体法人登记申请表", form=EFILE),
            M("业务主管单位的批准文件", A, COPY),
            M("章程草案", form=EFILE),
            M("验资报告或者资金证明", rongque=True),
            M("住所使用权证明", A, COPY),
            M("拟任负责人的基本情况和身份证明", E),
            M("会员名单（50个以上个人会员或者30个以上单位会员）", form=EFILE),
        ],
        conditions="有50个以上的个人会员或者30个以上的单位会员；有规范的名称和相应的组织机构；有固定的住所；有与其业务活动相适应的专职工作人员和合法的资产。",
    ),
    Item(
        "MZJ-002",
        "民办非企业单位成立登记",
        ENTERPRISE,
        "MZJ",
        "《民办非企业单位登记管理暂行条例》",
        60,
        20,
        Trips.ONE,
        "办社会组织 办民非 办培训学校登记 办养老院登记 社会服务机构",
        [
            M("民办非企业单位登记申请书", form=EFILE),
            M("业务主管单位的批准文件", A, COPY),
            M("场所使用权证明", A, COPY),
            M("验资报告", rongque=True),
            M("拟任负责人的基本情况和身份证明", E),
            M("章程草案", form=EFILE),
        ],
    ),
    Item(
        "MZJ-003",
        "最低生活保障审核确认",
        CITIZEN,
        "MZJ",
        "《社会救助暂行办法》第九条、第十一条；《最低生活保障审核确认办法》（民发〔2021〕57号）",
        30,
        20,
        Trips.ONE,
        "低保 生活困难 家里困难 没钱生活 吃不上饭 救济",
        [
            M("最低生活保障申请书", form=EFILE),
            id_card("共同生活家庭成员"),
            M("户口簿", S, basis=ONLINE_716),
            M("家庭经济状况声明及核对授权书", form=EFILE),
            M("残疾人证", E, required=False, basis=ONLINE_716 + "、第十条"),
            M("患病的诊断证明", A, COPY, required=False, rongque=True),
        ],
        conditions="共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产状况符合规定。可向户籍所在地街道办事处提出申请，也可网上申请。",
        procedures=[P("入户调查", 10, counts=True), P("审核结果公示", 7)],
    ),
    Item(
        "MZJ-004",
        "特困人员救助供养审核确认",
        CITIZEN,
        "MZJ",
        "《社会救助暂行办法》第十四条；《特困人员认定办法》（民发〔2021〕43号）",
        20,
        15,
        Trips.ONE,
        "五保 孤寡老人 没有子女 无依无靠 生活困难",
        [
            M("特困人员救助供养申请书", form=EFILE),
            id_card(),
            M("户口簿", S, basis=ONLINE_716),
            M("残疾人证", E, required=False, basis=ONLINE_716 + "、第十条"),
            M("家庭经济状况声明及核对授权书", form=EFILE),
        ],
        procedures=[P("入户调查", 10, counts=True), P("审核结果公示", 7)],
    ),
    Item(
        "MZJ-005",
        "临时救助",
        CITIZEN,
        "MZJ",
        "《社会救助暂行办法》第四十七条、第四十八条；《民政部 财政部关于进一步加强和改进临时救助工作的意见》（民发〔2018〕23号）",
        15,
        5,
        Trips.ONE,
        "急难 生活困难 突发困难 家里出事 看病没钱 救急",
        [
            M("临时救助申请书", form=EFILE),
            id_card(),
            M("户口簿", S, basis=ONLINE_716),
            M("遭遇困难的相关证明（医疗费用票据、事故证明等）", A, COPY, rongque=True),
        ],
        conditions="因火灾、交通事故等意外事件，家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭或者个人。情况紧急的，先行救助，事后补齐材料。",
    ),
    Item(
        "MZJ-006",
        "内地居民结婚登记",
        CITIZEN,
        "MZJ",
        "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》",
        0,
        0,
        Trips.ONE,
        "结婚 领证 登记结婚 结婚证 扯证",
        [
            M("本人身份证", basis="《婚姻登记条例》"),
            M("双方近期半身免冠合影照片", copies=2, basis="《婚姻登记工作规范》"),
            M("本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明", basis="《婚姻登记条例》"),
        ],
        conditions="男女双方须亲自到婚姻登记机关（不限户籍地），符合结婚条件的当场登记，发给结婚证。可网上预约。",
    ),
    Item(
        "MZJ-007",
        "内地居民离婚登记",
        CITIZEN,
        "MZJ",
        "《中华人民共和国民法典》第一千零七十六条、第一千零七十七条、第一千零七十八条；《婚姻登记条例》",
        0,
        0,
        Trips.TWO_OR_MORE,
        "离婚 协议离婚 离婚证 离婚冷静期",
        [
            M("本人身份证", basis="《婚姻登记条例》"),
            M("结婚证", basis="《婚姻登记条例》"),
            M("双方签署的离婚协议书", copies=3, basis="《中华人民共和国民法典》第一千零七十六条"),
        ],
        conditions="双方须亲自到场两次：申请时一次；离婚冷静期30日届满后30日内双方再次到场申请发给离婚证。",
        # 30 days hold at most 22 working days.
        procedures=[P("离婚冷静期（30日）", 22)],
    ),
    Item(
        "MZJ-008",
        "养老机构备案",
        ENTERPRISE,
        "MZJ",
        "《中华人民共和国老年人权益保障法》第四十三条；《养老机构管理办法》（民政部令第66号）",
        0,
        0,
        Trips.NONE,
        "开养老院 办敬老院 养老公寓 老年公寓",
        [
            M("养老机构备案书", form=EFILE),
            M("养老机构备案承诺书", form=EFILE),
            licence(),
        ],
    ),
    Item(
        "MZJ-009",
        "困难残疾人生活补贴和重度残疾人护理补贴",
        CITIZEN,
        "MZJ",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        20,
        10,
        Trips.NONE,
        "残疾人补贴 两项补贴 护理补贴 残疾补助",
        [
            M("残疾人两项补贴申请审批表", form=EFILE),
            id_card(),
            M("第二代残疾人证", E, basis=ONLINE_716 + "、第十条"),
            M("最低生活保障证明", S, basis=ONLINE_716, required=False),
        ],
    ),
    # -- 残疾人联合会 --------------------------------------------------------------------
    Item(
        "CL-001",
        "残疾人证核发",
        CITIZEN,
        "CL",
        "《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》；《残疾人残疾分类和分级》（GB/T 26341—2010）",
        15,
        10,
        Trips.TWO_OR_MORE,
        "办残疾证 残疾人证 残疾鉴定 残疾评定",
        [
            M("残疾人证申请表", form=EFILE),
            id_card(),
            M("户口簿", S, basis=ONLINE_716),
            M("近期2寸免冠白底彩色照片", copies=2),
        ],
        conditions="须本人到指定医疗机构进行残疾评定；评定后发证。",
        procedures=[P("残疾评定", 20)],
    ),
    # -- 人力资源和社会保障局 --------------------------------------------------------------
    Item(
        "RSJ-001",
        "就业登记",
        CITIZEN,
        "RSJ",
        "《中华人民共和国就业促进法》；《就业服务与就业管理规定》",
        0,
        0,
        Trips.NONE,
        "找到工作了 就业 上班登记 灵活就业登记",
        [M("就业登记表", form=EFILE), id_card(), M("劳动合同", S, basis=ONLINE_716, required=False)],
    ),
    Item(
        "RSJ-002",
        "失业登记",
        CITIZEN,
        "RSJ",
        "《中华人民共和国就业促进法》；《中华人民共和国社会保险法》第五十条；《就业服务与就业管理规定》",
        0,
        0,
        Trips.NONE,
        "失业了 没工作 下岗 被辞退 找工作 失业证",
        [M("失业登记表", form=EFILE), id_card()],
        conditions="法定劳动年龄内、有劳动能力、有就业要求、处于无业状态的城乡劳动者，可在常住地办理。",
    ),
    Item(
        "RSJ-003",
        "失业保险金申领",
        CITIZEN,
        "RSJ",
        "《中华人民共和国社会保险法》第四十五条、第五十条；《失业保险条例》第十四条、第十六条",
        10,
        1,
        Trips.NONE,
        "失业了 领失业金 失业补助 失业保险 被辞退",
        [
            M("失业保险金申领登记表", form=EFILE),
            id_card(),
            M("终止或者解除劳动关系的证明", S, basis=ONLINE_716),
            M("本人社会保障卡", E, basis=ONLINE_716 + "、第十条"),
        ],
        conditions="失业前用人单位和本人已缴纳失业保险费满一年；非因本人意愿中断就业；已办理失业登记并有求职要求。",
    ),
    Item(
        "RSJ-004",
        "城乡居民基本养老保险参保登记",
        CITIZEN,
        "RSJ",
        "《中华人民共和国社会保险法》第二十条、第二十二条；《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        0,
        0,
        Trips.NONE,
        "交养老保险 居民养老 没单位交社保 农民养老保险 参保",
        [M("城乡居民基本养老保险参保登记表", form=EFILE), id_card(), M("户口簿", S, basis=ONLINE_716)],
        conditions="年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民。",
    ),
    Item(
        "RSJ-005",
        "城乡居民基本养老保险待遇申领",
        CITIZEN,
        "RSJ",
        "《中华人民共和国社会保险法》第二十条、第二十二条；《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        20,
        5,
        Trips.NONE,
        "领养老金 退休 60岁领钱 居民养老金",
        [
            M("城乡居民基本养老保险待遇申领表", form=EFILE),
            id_card(),
            M("本人社会保障卡", E, basis=ONLINE_716 + "、第十条"),
        ],
    ),
    Item(
        "RSJ-006",
        "人力资源服务许可",
        ENTERPRISE,
        "RSJ",
        "《中华人民共和国就业促进法》第四十条；《人力资源市场暂行条例》第十八条、第十九条",
        20,
        5,
        Trips.NONE,
        "开中介 职业中介 开职介所 猎头 招聘中介 人力资源公司",
        [
            M("人力资源服务许可申请书", form=EFILE),
            licence(),
            M("开展业务必备的场所、设施证明", A, COPY),
            M("专职工作人员名单及其资格证明", form=EFILE),
            M("工作规则和管理制度", form=EFILE),
        ],
    ),
    Item(
        "RSJ-007",
        "劳务派遣经营许可",
        ENTERPRISE,
        "RSJ",
        "《中华人民共和国劳动合同法》第五十七条；《劳务派遣行政许可实施办法》（人力资源社会保障部令第19号）",
        20,
        10,
        Trips.NONE,
        "劳务派遣 派遣公司 劳务公司",
        [
            M("劳务派遣经营许可申请书", form=EFILE),
            licence(),
            M("公司章程以及验资机构出具的验资报告或者财务审计报告", form=EFILE),
            M("经营场所的使用证明以及与开展业务相适应的办公设施设备、信息管理系统等清单", form=EFILE),
            M("法定代表人的身份证明", E),
            M("劳务派遣管理制度", form=EFILE),
        ],
        conditions="注册资本不得少于人民币200万元；有与开展业务相适应的固定的经营场所和设施；有符合法律、行政法规规定的劳务派遣管理制度。",
    ),
    Item(
        "RSJ-008",
        "企业实行不定时工作制和综合计算工时工作制审批",
        ENTERPRISE,
        "RSJ",
        "《中华人民共和国劳动法》第三十九条；《关于企业实行不定时工作制和综合计算工时工作制的审批办法》（劳部发〔1994〕503号）",
        20,
        10,
        Trips.NONE,
        "综合工时 不定时工作制 特殊工时 加班审批",
        [
            M("实行特殊工时制度申请表", form=EFILE),
            licence(),
            M("实行特殊工时制度的岗位及人员名单", form=EFILE),
            M("职工代表大会或者工会意见", A, COPY),
        ],
    ),
    Item(
        "RSJ-009",
        "就业困难人员认定",
        CITIZEN,
        "RSJ",
        "《中华人民共和国就业促进法》第五十二条",
        15,
        5,
        Trips.NONE,
        "失业了 就业困难 零就业家庭 大龄失业 找工作难",
        [M("就业困难人员认定申请表", form=EFILE), id_card(), M("失业登记信息", S, basis=ONLINE_716)],
    ),
    Item(
        "RSJ-010",
        "社会保障卡申领",
        CITIZEN,
        "RSJ",
        "《中华人民共和国社会保险法》第五十八条",
        20,
        5,
        Trips.ONE,
        "办社保卡 补社保卡 换社保卡 医保卡",
        [M("社会保障卡申领表", form=EFILE), id_card(), M("近期免冠照片", A, EFILE)],
        conditions="网上申请后可选择邮寄或者到银行网点领卡。",
    ),
    # -- 教育局 --------------------------------------------------------------------------
    Item(
        "JYJ-001",
        "民办幼儿园办学许可",
        ENTERPRISE,
        "JYJ",
        "《中华人民共和国民办教育促进法》第十二条；《中华人民共和国民办教育促进法实施条例》",
        60,
        30,
        Trips.ONE,
        "办幼儿园 开幼儿园 民办幼儿园 办学许可证",
        [
            M("民办幼儿园设立申请书", form=EFILE),
            M("举办者的资格证明文件", E),
            M("拟设立民办幼儿园的章程", form=EFILE),
            M("园舍产权证明或者租赁合同（租期不少于3年）", A, COPY),
            M("资产来源、资金数额及有效证明文件", rongque=True),
            M("园长、教师、保育员、卫生保健人员的资格证明", E),
            M("卫生评价报告和消防验收材料", A, COPY),
        ],
        conditions="法定时限为受理之日起三个月，此处折算为60个工作日。",
        procedures=[P("现场评估", 10, counts=True), P("专家评审", 15)],
    ),
    Item(
        "JYJ-002",
        "教师资格认定",
        CITIZEN,
        "JYJ",
        "《中华人民共和国教师法》第十条、第十三条；《教师资格条例》（国务院令第188号）",
        30,
        20,
        Trips.NONE,
        "当老师 教师资格证 认定教师资格 考教师证",
        [
            M("教师资格认定申请表", form=EFILE),
            id_card(),
            M("学历证书", S, basis=ONLINE_716),
            M("中小学教师资格考试合格证明", S, basis=ONLINE_716),
            M("普通话水平测试等级证书", S, basis=ONLINE_716),
            M("体检合格证明", rongque=True),
        ],
        conditions="幼儿园、小学、初级中学教师资格由户籍或者居住证所在地县级教育行政部门认定。",
    ),
    # -- 文化广播电视和旅游局 ----------------------------------------------------------------
    Item(
        "WLJ-001",
        "娱乐场所经营许可",
        ENTERPRISE,
        "WLJ",
        "《娱乐场所管理条例》第九条；《娱乐场所管理办法》",
        20,
        5,
        Trips.ONE,
        "开KTV 开歌厅 开舞厅 开游艺厅 开电玩城 娱乐场所",
        [
            M("娱乐场所经营许可申请书", form=EFILE),
            licence(),
            id_card("法定代表人、主要负责人"),
            M("娱乐场所平面示意图", form=EFILE),
            M("房产权属证明或者租赁合同", A, COPY),
        ],
        procedures=[P("现场核查", 5, counts=True), P("听证（周边居民有异议时）", 20)],
    ),
    Item(
        "WLJ-002",
        "营业性演出审批",
        ENTERPRISE,
        "WLJ",
        "《营业性演出管理条例》第十三条",
        3,
        2,
        Trips.NONE,
        "办演唱会 搞演出 商演 演出审批 办晚会",
        [
            M("营业性演出申请登记表", form=EFILE),
            M("演出经纪机构营业性演出许可证", E),
            M("演出节目内容材料及节目单", form=EFILE),
            M("演出场所合同", form=EFILE),
            M("演员身份证明", E),
        ],
    ),
    Item(
        "WLJ-003",
        "互联网上网服务营业场所经营许可",
        ENTERPRISE,
        "WLJ",
        "《互联网上网服务营业场所管理条例》",
        20,
        5,
        Trips.ONE,
        "开网吧 开网咖 电竞馆 上网服务",
        [
            M("互联网上网服务营业场所经营许可申请表", form=EFILE),
            licence(),
            M("营业场所产权证明或者租赁合同", A, COPY),
            M("网络安全技术措施说明", form=EFILE),
            M("消防安全检查合格证明或者告知承诺书", A, COPY, rongque=True),
        ],
        procedures=[P("现场核查", 5, counts=True)],
    ),
    Item(
        "WLJ-004",
        "演出场所经营单位备案",
        ENTERPRISE,
        "WLJ",
        "《营业性演出管理条例》第七条",
        0,
        0,
        Trips.NONE,
        "剧场 演出场所 livehouse 小剧场",
        [M("演出场所经营单位备案表", form=EFILE), licence(), M("消防安全检查合格证明", A, COPY)],
    ),
    Item(
        "WLJ-005",
        "出版物零售业务经营许可",
        ENTERPRISE,
        "WLJ",
        "《出版管理条例》；《出版物市场管理规定》",
        20,
        5,
        Trips.NONE,
        "开书店 卖书 书报亭 卖杂志",
        [
            M("出版物零售业务经营许可申请表", form=EFILE),
            licence(),
            M("经营场所使用证明", A, COPY),
        ],
    ),
    # -- 城市管理局 ----------------------------------------------------------------------
    Item(
        "CGJ-001",
        "城市建筑垃圾处置核准",
        ENTERPRISE,
        "CGJ",
        "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；《城市建筑垃圾管理规定》（建设部令第139号）第七条",
        20,
        5,
        Trips.NONE,
        "拉渣土 倒建筑垃圾 装修垃圾 渣土运输 建筑垃圾",
        [
            M("建筑垃圾处置核准申请表", form=EFILE),
            M("建筑垃圾处置方案", form=EFILE),
            M("与符合规定的运输单位签订的运输合同", form=EFILE),
            M("建筑垃圾消纳场所的证明", A, COPY),
        ],
    ),
    Item(
        "CGJ-002",
        "户外广告设施设置审批",
        ENTERPRISE,
        "CGJ",
        "《城市市容和环境卫生管理条例》第十一条；《吉林省城市市容和环境卫生管理条例》",
        20,
        5,
        Trips.ONE,
        "挂招牌 做广告牌 门头 牌匾 广告牌 开饭店 开店",
        [
            M("户外广告设施设置申请表", form=EFILE),
            licence(),
            M("设置效果图及位置示意图", form=EFILE),
            M("设置场地的产权证明或者使用协议", A, COPY),
            M("大型设施的结构安全证明", required=False, rongque=True),
        ],
        procedures=[P("现场踏勘", 3, counts=True)],
    ),
    Item(
        "CGJ-003",
        "城市生活垃圾经营性清扫、收集、运输服务许可",
        ENTERPRISE,
        "CGJ",
        "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；《城市生活垃圾管理办法》（建设部令第157号）",
        20,
        10,
        Trips.ONE,
        "垃圾清运 保洁公司 收垃圾 环卫作业",
        [
            M("城市生活垃圾经营性清扫、收集、运输服务许可申请表", form=EFILE),
            licence(),
            M("机械清扫设备、垃圾运输车辆的行驶证", E),
            M("垃圾运输车辆停车场地的证明", A, COPY),
            M("管理制度", form=EFILE),
        ],
        procedures=[P("现场核查", 5, counts=True)],
    ),
    Item(
        "CGJ-004",
        "临时占用城市道路审批",
        ENTERPRISE,
        "CGJ",
        "《城市道路管理条例》第三十一条、第三十七条",
        20,
        3,
        Trips.ONE,
        "占道 占用道路 搭棚子 堆放材料 占道施工",
        [
            M("临时占用城市道路申请表", form=EFILE),
            M("占道位置示意图", form=EFILE),
            M("公安交通管理部门的意见", S, basis=ONLINE_716),
        ],
        fees="城市道路占用费，按占用面积和期限计收",
        fee_basis="《城市道路管理条例》第三十七条；吉林省物价部门核定的收费标准",
    ),
    Item(
        "CGJ-005",
        "挖掘城市道路审批",
        ENTERPRISE,
        "CGJ",
        "《城市道路管理条例》第三十条、第三十三条",
        20,
        5,
        Trips.TWO_OR_MORE,
        "挖马路 挖路 修管道 道路开挖",
        [
            M("挖掘城市道路申请表", form=EFILE),
            M("设计文件及施工方案", form=EFILE),
            M("规划部门批准文件", S, basis=ONLINE_716),
            M("公安交通管理部门的意见", S, basis=ONLINE_716),
        ],
        conditions="须到现场确认开挖范围；施工完毕后须到现场验收恢复情况。",
        procedures=[P("现场勘查", 3, counts=True)],
        fees="城市道路挖掘修复费，按挖掘面积计收",
        fee_basis="《城市道路管理条例》第三十三条；吉林省物价部门核定的收费标准",
    ),
    Item(
        "CGJ-006",
        "临时占用城市绿地审批",
        ENTERPRISE,
        "CGJ",
        "《城市绿化条例》",
        20,
        5,
        Trips.ONE,
        "占用绿地 占草坪 绿化带施工",
        [
            M("临时占用城市绿地申请表", form=EFILE),
            M("占用绿地位置图及恢复方案", form=EFILE),
        ],
        procedures=[P("现场踏勘", 3, counts=True)],
    ),
    Item(
        "CGJ-007",
        "砍伐、迁移城市树木审批",
        CITIZEN,
        "CGJ",
        "《城市绿化条例》",
        20,
        5,
        Trips.TWO_OR_MORE,
        "砍树 移树 修剪大树 树挡光",
        [
            M("砍伐、迁移城市树木申请表", form=EFILE),
            M("树木位置图及现状照片", form=EFILE),
            M("补植方案", form=EFILE, required=False),
        ],
        conditions="须到现场确认树木情况；砍伐、迁移后须到现场核验补植。",
        procedures=[P("现场勘查", 3, counts=True)],
    ),
    # -- 生态环境局宽城分局 ----------------------------------------------------------------
    Item(
        "STHJ-001",
        "建设项目环境影响报告表审批",
        ENTERPRISE,
        "STHJ",
        "《中华人民共和国环境影响评价法》第二十二条；《建设项目环境保护管理条例》",
        30,
        10,
        Trips.NONE,
        "环评 建工厂 办厂 环境影响评价 环评审批",
        [
            M("建设项目环境影响报告表", form=EFILE),
            M("建设项目环境影响评价文件审批申请", form=EFILE),
        ],
        procedures=[P("技术评估", 20), P("受理和拟审批公示", 10)],
    ),
    Item(
        "STHJ-002",
        "建设项目环境影响登记表备案",
        ENTERPRISE,
        "STHJ",
        "《中华人民共和国环境影响评价法》第二十二条；《建设项目环境影响登记表备案管理办法》（环境保护部令第41号）",
        0,
        0,
        Trips.NONE,
        "环评备案 登记表 小项目环评",
        [M("建设项目环境影响登记表", form=EFILE)],
        conditions="网上填报即完成备案，无需审批。",
    ),
    # -- 应急管理局 ----------------------------------------------------------------------
    Item(
        "YJJ-001",
        "危险化学品经营许可（不带储存设施）",
        ENTERPRISE,
        "YJJ",
        "《危险化学品安全管理条例》第三十三条、第三十四条、第三十五条；《危险化学品经营许可证管理办法》（国家安全生产监督管理总局令第55号）",
        30,
        15,
        Trips.ONE,
        "卖化学品 开化工店 卖油漆 卖酒精 危化品",
        [
            M("危险化学品经营许可证申请表", form=EFILE),
            licence(),
            M("经营和储存场所的产权证明或者租赁证明", A, COPY),
            M("主要负责人、安全生产管理人员安全资格证", E),
            M("安全生产规章制度和岗位操作规程目录清单", form=EFILE),
            M("生产安全事故应急救援预案", form=EFILE),
        ],
        procedures=[P("现场核查", 10, counts=True)],
    ),
    Item(
        "YJJ-002",
        "烟花爆竹经营（零售）许可",
        ENTERPRISE,
        "YJJ",
        "《烟花爆竹安全管理条例》第十八条、第十九条；《烟花爆竹经营许可实施办法》（国家安全生产监督管理总局令第65号）",
        20,
        5,
        Trips.ONE,
        "卖鞭炮 卖烟花 过年卖炮 烟花爆竹",
        [
            M("烟花爆竹经营（零售）许可证申请书", form=EFILE),
            licence(),
            M("零售场所的产权证明或者租赁证明", A, COPY),
            M("主要负责人安全培训合格证明", E),
        ],
        procedures=[P("现场核查", 5, counts=True)],
    ),
    Item(
        "YJJ-003",
        "生产经营单位生产安全事故应急预案备案",
        ENTERPRISE,
        "YJJ",
        "《生产安全事故应急条例》；《生产安全事故应急预案管理办法》（应急管理部令第2号）",
        0,
        0,
        Trips.NONE,
        "应急预案 预案备案 安全预案",
        [
            M("生产经营单位生产安全事故应急预案备案申报表", form=EFILE),
            M("应急预案评审意见", form=EFILE),
            M("生产经营单位生产安全事故应急预案", form=EFILE),
        ],
    ),
    # -- 发展和改革局 --------------------------------------------------------------------
    Item(
        "FGJ-001",
        "企业投资项目备案",
        ENTERPRISE,
        "FGJ",
        "《企业投资项目核准和备案管理条例》第三条、第十三条；《企业投资项目核准和备案管理办法》",
        0,
        0,
        Trips.NONE,
        "投资项目 立项 项目备案 建厂 投资",
        [M("项目备案信息（通过全国投资项目在线审批监管平台填报）", form=EFILE)],
        conditions="在开工建设前通过在线平台告知项目信息，信息齐全即完成备案。",
    ),
    Item(
        "FGJ-002",
        "固定资产投资项目节能审查",
        ENTERPRISE,
        "FGJ",
        "《中华人民共和国节约能源法》第十五条；《固定资产投资项目节能审查办法》（国家发展和改革委员会令2023年第2号）",
        20,
        15,
        Trips.NONE,
        "节能审查 能评 用能 能源消费",
        [
            M("节能审查申请", form=EFILE),
            M("项目节能报告", form=EFILE),
        ],
        conditions="年综合能源消费量1000吨标准煤以上、5000吨标准煤以下的项目由区发展和改革局审查。",
        procedures=[P("专家评审", 15)],
    ),
    # -- 商务局 --------------------------------------------------------------------------
    Item(
        "SWJ-001",
        "单用途商业预付卡发卡企业备案",
        ENTERPRISE,
        "SWJ",
        "《单用途商业预付卡管理办法（试行）》（商务部令2012年第9号）",
        0,
        0,
        Trips.NONE,
        "办会员卡 充值卡 预付卡 储值卡",
        [M("单用途卡发卡企业备案表", form=EFILE), licence(), M("单用途卡章程及购卡协议样本", form=EFILE)],
    ),
    Item(
        "SWJ-002",
        "再生资源回收经营者备案",
        ENTERPRISE,
        "SWJ",
        "《再生资源回收管理办法》",
        0,
        0,
        Trips.NONE,
        "收废品 开废品站 回收站 收破烂",
        [M("再生资源回收经营者备案登记表", form=EFILE), licence()],
        conditions="取得营业执照后30日内备案。",
    ),
]

# (kind, name, description, item codes)
EVENTS: list[tuple[str, str, str, list[str]]] = [
    (
        CITIZEN,
        "我要开饭店",
        "从营业执照到食品经营许可、排水许可和门头招牌。",
        ["SCJG-001", "SCJG-004", "SCJG-008", "ZJJ-005", "CGJ-002"],
    ),
    (CITIZEN, "我要开小超市", "只卖包装食品的，备案即可。", ["SCJG-001", "SCJG-010", "SCJG-008", "CGJ-002"]),
    (CITIZEN, "我要开诊所", "诊所备案和医务人员注册。", ["SCJG-001", "WJJ-002", "WJJ-004", "WJJ-006", "CGJ-002"]),
    (CITIZEN, "我要开理发店、美容院", "", ["SCJG-001", "WJJ-001", "CGJ-002"]),
    (CITIZEN, "失业了", "登记失业、领取失业保险金、申请就业援助。", ["RSJ-002", "RSJ-003", "RSJ-009", "RSJ-004"]),
    (CITIZEN, "找到工作了", "", ["RSJ-001", "RSJ-010"]),
    (CITIZEN, "生活困难", "低保、特困供养和临时救助。", ["MZJ-003", "MZJ-004", "MZJ-005"]),
    (CITIZEN, "残疾人服务", "", ["CL-001", "MZJ-009"]),
    (CITIZEN, "我要结婚", "", ["MZJ-006"]),
    (CITIZEN, "我要生孩子", "", ["WJJ-008"]),
    (CITIZEN, "我要当医生、护士", "", ["WJJ-004", "WJJ-005", "WJJ-006"]),
    (CITIZEN, "我要当老师", "", ["JYJ-002"]),
    (CITIZEN, "我要养老", "参加城乡居民养老保险、领取养老金。", ["RSJ-004", "RSJ-005", "RSJ-010"]),
    (ENTERPRISE, "企业开办", "营业执照全程网上办理，当日办结。", ["SCJG-004", "SCJG-007", "SCJG-001"]),
    (ENTERPRISE, "企业变更", "", ["SCJG-005", "SCJG-002", "SCJG-009"]),
    (ENTERPRISE, "企业注销", "", ["SCJG-006", "SCJG-003"]),
    (
        ENTERPRISE,
        "工程建设项目审批",
        "从立项、规划到施工和竣工验收。",
        [
            "FGJ-001",
            "FGJ-002",
            "ZRZY-002",
            "ZRZY-001",
            "STHJ-001",
            "STHJ-002",
            "ZJJ-003",
            "ZJJ-001",
            "ZJJ-004",
            "ZJJ-002",
            "CGJ-001",
        ],
    ),
    (ENTERPRISE, "我要开药店", "", ["SCJG-004", "SCJG-011", "CGJ-002"]),
    (ENTERPRISE, "我要开歌厅、网吧", "", ["SCJG-004", "WLJ-001", "WLJ-003", "WJJ-001"]),
    (ENTERPRISE, "我要办幼儿园、托育机构", "", ["MZJ-002", "JYJ-001", "WJJ-009"]),
    (ENTERPRISE, "我要开养老院", "", ["MZJ-002", "MZJ-008", "SCJG-004"]),
    (ENTERPRISE, "我要开人力资源公司", "", ["SCJG-004", "RSJ-006", "RSJ-007"]),
    (ENTERPRISE, "用工管理", "", ["RSJ-008", "RSJ-001"]),
    (ENTERPRISE, "安全生产与危险化学品", "", ["YJJ-001", "YJJ-002", "YJJ-003", "SCJG-012"]),
]


def _files(items: dict[str, ServiceItem], by: User | None) -> None:
    """The demo guides' downloads (``demo_guides.FILES``), where missing."""
    import hashlib

    from dgov.lib import clock

    for code, files in FILES.items():
        item = items.get(code)
        if item is None or by is None or GuideFile.objects.filter(item=item).exists():
            continue
        for kind, material, file_name, title, lines in files:
            data = demo_pdf(title, lines)
            GuideFile.objects.create(
                item=item,
                kind=kind,
                material_name=material,
                file_name=file_name,
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                uploaded_by=by,
                uploaded_at=clock.now(),
            )


def item_code(district: District, code: str) -> str:
    return f"{district.code}-{code}"


def _data(entry: Item, department: Department, district: District) -> dict[str, Any]:
    return {
        "code": item_code(district, entry.code),
        "district": district,
        "name": entry.name,
        "kind": entry.kind,
        "department": department,
        "legal_basis": entry.basis,
        "conditions": entry.conditions,
        "legal_limit_days": entry.legal,
        "promised_limit_days": entry.promised,
        "max_trips": entry.trips,
        "online_level": entry.online_level,
        "fees": entry.fees,
        "fee_basis": entry.fee_basis,
        "keywords": entry.keywords,
        **_guide(entry, district),
    }


def _guide(entry: Item, district: District) -> dict[str, Any]:
    """The complete guide's sections of a demo item (``demo_guides``)."""
    name_en, keywords_en, result = GUIDES[entry.code]
    window_number = AT_WINDOW.get(entry.code)
    values: dict[str, Any] = {
        "name_en": name_en,
        "keywords_en": keywords_en,
        "result_name": result,
        "place": PLACE,
        "hours": HOURS,
        "enquiry_phone": enquiry_phone(entry.department),
        "complaint_phone": COMPLAINT_PHONE,
        "post_available": window_number is None,
    }
    windows = ServiceWindow.objects.filter(district=district).order_by("number")
    window = windows.filter(number=window_number).first() or windows.first() if window_number else None
    if window is not None:
        values["handling"] = Handling.WINDOW
        values["window"] = window
    return values


def _materials(entry: Item) -> list[dict[str, Any]]:
    first_basis = entry.basis.split("；")[0]
    return [
        {
            "name": m.name,
            "form": m.form,
            "copies": m.copies,
            "source": m.source,
            "legal_basis": m.basis or first_basis,
            "required": m.required,
            "rongque": m.rongque,
        }
        for m in entry.materials
    ]


def _procedures(entry: Item) -> list[dict[str, Any]]:
    return [{"name": p.name, "counts_toward_limit": p.counts, "max_days": p.max_days} for p in entry.procedures]


def load(district: District) -> list[ServiceItem]:
    """Publish the demo items and events that are missing; return every demo item. Search
    text is built once at the end, after the departments' English names are set."""
    with transaction.atomic(), search.deferred():
        by = User.objects.filter(username="admin", district=district).first()
        departments = {}
        for code, name, kind in [*DEPARTMENTS, *EXTRA_DEPARTMENTS]:
            departments[code], _created = Department.objects.get_or_create(
                district=district, code=code, defaults={"name": name, "kind": kind}
            )
        existing = {item.code: item for item in ServiceItem.objects.filter(district=district)}
        items: dict[str, ServiceItem] = {}
        for entry in ITEMS:
            code = item_code(district, entry.code)
            if code in existing:
                items[entry.code] = existing[code]
                continue
            items[entry.code] = do_publish_version(
                None,
                _data(entry, departments[entry.department], district),
                _materials(entry),
                _procedures(entry),
                by,
                complete=True,
            )
        _files(items, by)
        for code, name_en in DEPARTMENTS_EN.items():
            Department.objects.filter(district=district, code=code, name_en="").update(name_en=name_en)
        for order, (audience, title, description, codes) in enumerate(EVENTS, start=1):
            name_en, description_en = EVENTS_EN.get(title, ("", ""))
            event, created = Event.objects.get_or_create(
                district=district,
                kind=audience,
                name=title,
                defaults={
                    "description": description,
                    "order": order,
                    "name_en": name_en,
                    "description_en": description_en,
                },
            )
            if created:
                do_set_event_items(event, [items[code] for code in codes], by=by)
        return list(items.values())
