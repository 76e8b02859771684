"""The grievance demo's data tables: time-limit policies, the survey, and every demo grievance.

The literal rows loaded by `grievances.demo` (see its docstring for where they come from): the
time-limit policy per category, the 盛阳 satisfaction survey and its 12 opinions, and the
grievances of both parks with the steps taken on each, `hours` after it was received. Pure data
and the small helpers that build it; nothing here touches the database.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from grievances.choices import Action, Category, Channel, Satisfaction
from grievances.models import TRACKING_ALPHABET
from parks.structure.demo_names import HUAXIA, SHENGYANG

# category: (respond within hours, resolve within days)
POLICIES = {
    Category.LABOUR_DISPUTE: (24, 15),
    Category.INJURY_SUBSIDY: (24, 30),
    Category.ILLNESS: (8, 7),
    Category.WAGES: (24, 10),
    Category.LIFE_DISPUTE: (48, 15),
    Category.SAFETY: (4, 3),
    Category.OPINION: (72, 30),
    Category.PROPOSAL: (72, 30),
}

# The office's standard replies (标准答复): (category, title, text).
REPLY_TEMPLATES = (
    (
        Category.WAGES,
        "已督促企业补发",
        "您反映的工资问题已转交承办单位。经协调，企业已承诺于＿月＿日前足额补发。"
        "如到期仍未发放，请凭查询码再次反映。",
    ),
    (
        Category.OPINION,
        "已安排维修",
        "您反映的问题已转市场管理方，已安排人员于＿月＿日前维修到位。感谢您的监督。",
    ),
    (Category.SAFETY, "隐患已整改", "经现场核查，您反映的安全隐患已整改到位，我们将持续巡查。"),
    (
        Category.LABOUR_DISPUTE,
        "组织调解",
        "您反映的劳动争议已受理，我们将组织双方调解；自申请之日起十五日内未达成调解协议的，"
        "可依法申请劳动仲裁。",
    ),
)

SURVEY_TITLE = "经营户及进货商满意度调查"
SURVEY_DAYS_AGO = 80
SURVEY_HANDED_OUT = 900
SURVEY_RETURNED = 612

SY_COMMITTEE = "盛阳食品城市场党委"
HX_COMMITTEE = "华夏家居港市场党委"
HX_UNION = "华夏家居港行业工会联合会"
UNION = "区总工会"
HRSS = "区人社局"
JUSTICE = "区司法局"


@dataclass(frozen=True)
class Step:
    """One thing done to a demo grievance, `hours` after it was received."""

    action: str
    hours: float
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoGrievance:
    """One demo grievance: where and how it came in, and the steps taken on it since."""

    code: str
    park: str
    zone: str | None
    channel: str
    category: str
    title: str
    description: str
    days_ago: float
    steps: tuple[Step, ...] = ()
    name: str = ""
    phone: str = ""
    employer: str = ""


def _code(prefix, number):
    return f"{prefix}DEM{TRACKING_ALPHABET[number // 32]}{TRACKING_ALPHABET[number % 32]}"


def _handled(
    unit,
    *,
    accept=4,
    reply=72,
    follow_up=96,
    satisfaction=Satisfaction.SATISFIED,
    rectified=None,
    reply_text="已处理，情况已向您反馈。",
):
    """Assigned, accepted, replied, followed up and closed: the usual full loop."""
    follow = {"satisfaction": satisfaction}
    if rectified is not None:
        follow["rectified"] = rectified
    return (
        Step(Action.ASSIGN, 1, {"unit": unit}),
        Step(Action.ACCEPT, accept),
        Step(Action.REPLY, reply, {"note": reply_text}),
        Step(Action.FOLLOW_UP, follow_up, follow),
        Step(Action.CLOSE, follow_up + 0.5),
    )


# The survey's opinions: 12 of them, 9 rectified (the report: 60+ opinions, 47 rectified).
SURVEY_OPINIONS = [
    ("G09", "冷库通道照明不足", "一号冷库装卸通道晚上太暗，搬货容易摔倒。", True),
    ("G10", "公共卫生间保洁不及时", "综合楼一楼卫生间下午经常没人打扫。", True),
    ("G10", "进货车辆停车难", "早市进货时停车场满，车辆堵在门口。", True),
    ("G01", "摊位租金标准希望公示", "希望把各区摊位租金标准在公告栏公示。", True),
    ("G08", "加工区排水沟有异味", "加工车间外排水沟夏天异味大。", True),
    ("G03", "电子秤定期校准", "建议市场统一组织电子秤校准，减少纠纷。", True),
    ("G02", "夏季防暑降温", "河鲜区棚内温度高，希望增加风扇和防暑药品。", True),
    ("G06", "消防通道堆放杂物", "冻品楼消防通道常有纸箱堆放。", True),
    ("G07", "垃圾清运时间调整", "干货街垃圾清运在营业高峰，影响顾客。", True),
    ("G04", "增加休息座椅", "虾蟹区没有休息的地方，希望加几张座椅。", False),
    ("G05", "夜班照明线路检修", "贝类区夜里有几盏灯不亮。", False),
    ("G01", "希望降低管理费", "今年生意难做，希望管理费能适当减免。", False),
]


def _survey_steps(index, rectified):
    if rectified:
        return _handled(
            SY_COMMITTEE,
            accept=6,
            reply=24 * (5 + index),
            follow_up=24 * (7 + index),
            rectified=True,
            reply_text="已整改到位，欢迎继续监督。",
        )
    if index == 9:  # still being handled
        return (
            Step(Action.ASSIGN, 2, {"unit": SY_COMMITTEE}),
            Step(Action.ACCEPT, 20),
            Step(Action.START, 30),
        )
    if index == 10:  # replied, waiting for the follow-up call
        return (
            Step(Action.ASSIGN, 2, {"unit": SY_COMMITTEE}),
            Step(Action.ACCEPT, 10),
            Step(Action.REPLY, 24 * 20, {"note": "已列入线路改造计划，年内完成。"}),
        )
    return _handled(
        SY_COMMITTEE,
        accept=8,
        reply=24 * 12,
        follow_up=24 * 14,
        rectified=False,
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        reply_text="管理费标准由物价部门核定，已为困难经营户申请减免。",
    )


SURVEY_GRIEVANCES = [
    DemoGrievance(
        code=_code("SV", index),
        park=SHENGYANG,
        zone=zone,
        channel=Channel.SURVEY,
        category=Category.OPINION,
        title=title,
        description=description,
        days_ago=SURVEY_DAYS_AGO - 1 - index * 0.5,
        steps=_survey_steps(index, rectified),
    )
    for index, (zone, title, description, rectified) in enumerate(SURVEY_OPINIONS)
]

GRIEVANCES = [
    # 盛阳: three work-injury subsidy disputes.
    DemoGrievance(
        code=_code("SY", 1),
        park=SHENGYANG,
        zone="G09",
        channel=Channel.LIAISON_VISIT,
        category=Category.INJURY_SUBSIDY,
        title="冷库搬运工腰部扭伤，工伤补贴金额有争议",
        description="搬运冻品时腰部扭伤，休息一个月，老板只愿意按半个月工资补贴。",
        days_ago=62,
        name="周建华",
        phone="13800001234",
        employer="冷链仓储区三号冷库",
        steps=(
            Step(Action.ASSIGN, 2, {"unit": UNION}),
            Step(Action.ACCEPT, 6),
            Step("mediation_open", 24, {"parties": "周建华（职工）\n三号冷库经营者"}),
            Step("mediation_session", 120, {"place": "产改指导站调解室"}),
            Step("mediation_conclude", 200, {"amount": Decimal("8600.00")}),
            Step(Action.REPLY, 210, {"note": "经调解，双方达成协议，一次性补贴8600元。"}),
            Step(Action.FOLLOW_UP, 240, {"satisfaction": Satisfaction.SATISFIED}),
            Step(Action.CLOSE, 241),
        ),
    ),
    DemoGrievance(
        code=_code("SY", 2),
        park=SHENGYANG,
        zone="G08",
        channel=Channel.WALK_IN,
        category=Category.INJURY_SUBSIDY,
        title="加工车间切割伤，经营者不认可工伤",
        description="剖鱼时手被割伤缝了六针，经营者说是自己不小心，不给补贴。",
        days_ago=40,
        phone="13800005678",
        steps=(
            Step(Action.ASSIGN, 3, {"unit": HRSS}),
            Step(Action.ACCEPT, 20),
            Step(Action.START, 30),
            Step(Action.REPLY, 400, {"note": "已认定为工伤，补贴已由经营者支付。"}),
            Step(Action.FOLLOW_UP, 430, {"satisfaction": Satisfaction.BASICALLY_SATISFIED}),
            Step(Action.CLOSE, 431),
        ),
    ),
    DemoGrievance(
        code=_code("SY", 3),
        park=SHENGYANG,
        zone="G09",
        channel=Channel.HOTLINE,
        category=Category.INJURY_SUBSIDY,
        title="装卸时被叉车碰伤，补贴迟迟未发",
        description="上月在装卸平台被叉车碰伤脚踝，说好的补贴到现在没发。",
        days_ago=22,
        name="钱师傅",
        steps=(
            Step(Action.ASSIGN, 4, {"unit": HRSS}),
            Step(Action.ACCEPT, 40),  # late: the response limit is 24 hours
            Step(Action.START, 48),
        ),
    ),
    # 盛阳: two complaints from sick workers.
    DemoGrievance(
        code=_code("SY", 4),
        park=SHENGYANG,
        zone="G02",
        channel=Channel.LIAISON_VISIT,
        category=Category.ILLNESS,
        title="患病后被要求离岗，工资停发",
        description="查出肝病需要定期治疗，老板让我回家休息并停发工资。",
        days_ago=50,
        employer="河鲜区 B12 摊位",
        steps=_handled(
            UNION,
            accept=3,
            reply=100,
            follow_up=130,
            reply_text="已协调经营者按病假规定发放病假工资。",
        ),
    ),
    DemoGrievance(
        code=_code("SY", 5),
        park=SHENGYANG,
        zone="G05",
        channel=Channel.ONLINE,
        category=Category.ILLNESS,
        title="摊主患病住院，医疗救助申请无人受理",
        description="丈夫住院手术，想申请工会医疗救助，不知道找谁。",
        days_ago=5 / 24,  # respond within 8 hours: due soon
        steps=(Step(Action.ASSIGN, 0.5, {"unit": UNION}),),
    ),
    # 盛阳: seven labour and life disputes.
    DemoGrievance(
        code=_code("SY", 6),
        park=SHENGYANG,
        zone="G01",
        channel=Channel.WALK_IN,
        category=Category.LABOUR_DISPUTE,
        title="辞职后押金不退",
        description="在摊位干了两年，辞职时老板扣着2000元押金不退。",
        days_ago=75,
        steps=_handled(
            HRSS, accept=5, reply=150, follow_up=170, reply_text="经协调，押金已全额退还。"
        ),
    ),
    DemoGrievance(
        code=_code("SY", 7),
        park=SHENGYANG,
        zone="G03",
        channel=Channel.FORUM,
        category=Category.LABOUR_DISPUTE,
        title="加班费计算有争议",
        description="旺季每天干十二个小时，加班费按天给，觉得少算了。",
        days_ago=55,
        steps=(
            Step(Action.ASSIGN, 2, {"unit": HRSS}),
            Step(Action.ACCEPT, 8),
            Step(Action.START, 24),
            Step(Action.REPLY, 200, {"note": "已向经营者宣讲加班工资计算规定。"}),
            Step(Action.FOLLOW_UP, 230, {"satisfaction": Satisfaction.UNSATISFIED}),
            Step(Action.REOPEN, 231, {"note": "职工表示加班费仍未补发，重新办理。"}),
        ),
    ),
    DemoGrievance(
        code=_code("SY", 8),
        park=SHENGYANG,
        zone="G04",
        channel=Channel.LIAISON_VISIT,
        category=Category.LABOUR_DISPUTE,
        title="未签劳动合同",
        description="在虾蟹区做了八个月，一直没签劳动合同。",
        days_ago=30,
        steps=(
            Step(Action.ASSIGN, 2, {"unit": JUSTICE}),
            Step(Action.RETURN, 5, {"note": "劳动合同事宜应由人社部门办理。"}),
            Step(Action.ASSIGN, 6, {"unit": HRSS}),
            Step(Action.ACCEPT, 10),
            Step(Action.REPLY, 200, {"note": "经营者已与职工补签劳动合同。"}),
            Step(Action.FOLLOW_UP, 220, {"satisfaction": Satisfaction.SATISFIED}),
            Step(Action.CLOSE, 221),
        ),
    ),
    DemoGrievance(
        code=_code("SY", 9),
        park=SHENGYANG,
        zone="G07",
        channel=Channel.HOTLINE,
        category=Category.LABOUR_DISPUTE,
        title="试用期被辞退，要求经济补偿",
        description="试用期第五个月被辞退，没有任何补偿。",
        days_ago=12,
        name="吴小梅",
        phone="13800009012",
        steps=(
            Step(Action.ASSIGN, 1, {"unit": UNION}),
            Step(Action.ACCEPT, 4),
            Step("mediation_open", 24, {"parties": "吴小梅（职工）\n干货街 18 号经营者"}),
            Step("mediation_session", 72, {"place": "产改指导站调解室"}),
        ),
    ),
    DemoGrievance(
        code=_code("SY", 10),
        park=SHENGYANG,
        zone="G10",
        channel=Channel.LIAISON_VISIT,
        category=Category.LIFE_DISPUTE,
        title="集体宿舍作息冲突",
        description="宿舍里夜班和白班的人住一起，经常吵架。",
        days_ago=35,
        steps=_handled(
            SY_COMMITTEE, accept=10, reply=90, follow_up=110, reply_text="已按班次重新调整宿舍。"
        ),
    ),
    DemoGrievance(
        code=_code("SY", 11),
        park=SHENGYANG,
        zone="G06",
        channel=Channel.WALK_IN,
        category=Category.LIFE_DISPUTE,
        title="相邻摊位占道纠纷",
        description="隔壁摊位把货堆到通道上，说了几次还吵起来。",
        days_ago=18,
        steps=(
            Step(Action.ASSIGN, 1, {"unit": SY_COMMITTEE}),
            Step(Action.ACCEPT, 5),
            Step(Action.REPLY, 100, {"note": "已划定摊位界线，双方签字确认。"}),
            # Not satisfied: waiting for the office to reopen it.
            Step(Action.FOLLOW_UP, 130, {"satisfaction": Satisfaction.UNSATISFIED}),
        ),
    ),
    DemoGrievance(
        code=_code("SY", 12),
        park=SHENGYANG,
        zone="G10",
        channel=Channel.ONLINE,
        category=Category.LIFE_DISPUTE,
        title="停车位被占引发争执",
        description="每天早上送货车位被私家车占用，和车主发生争执。",
        days_ago=1,
    ),
    DemoGrievance(
        code=_code("SY", 13),
        park=SHENGYANG,
        zone="G09",
        channel=Channel.ONLINE,
        category=Category.WAGES,
        title="外包装卸工工资被克扣",
        description="外包公司每月扣三百元“管理费”，工资条上看不到。",
        days_ago=8.5,  # resolve within 10 days: due soon
        steps=(
            Step(Action.ASSIGN, 2, {"unit": HRSS}),
            Step(Action.ACCEPT, 10),
            Step(Action.START, 24),
        ),
    ),
    # 华夏: the general manager's mailbox, worker forums and the QR code.
    DemoGrievance(
        code=_code("HX", 1),
        park=HUAXIA,
        zone="G03",
        channel=Channel.GM_MAILBOX,
        category=Category.OPINION,
        title="建议在 B 馆增设职工休息区",
        description="B 馆职工中午没地方休息，建议利用楼梯间空地设休息区。",
        days_ago=70,
        steps=_handled(
            HX_COMMITTEE,
            accept=20,
            reply=240,
            follow_up=260,
            rectified=True,
            reply_text="B 馆二楼已设职工休息区。",
        ),
    ),
    DemoGrievance(
        code=_code("HX", 2),
        park=HUAXIA,
        zone="G07",
        channel=Channel.GM_MAILBOX,
        category=Category.PROPOSAL,
        title="合理化建议：建材样品统一仓储",
        description="各商户样品分散堆放，建议统一仓储、按需调取，节省场地。",
        days_ago=45,
        steps=_handled(
            HX_COMMITTEE,
            accept=30,
            reply=400,
            follow_up=420,
            satisfaction=Satisfaction.BASICALLY_SATISFIED,
            reply_text="建议已采纳，将在明年仓库改造时实施。",
        ),
    ),
    DemoGrievance(
        code=_code("HX", 3),
        park=HUAXIA,
        zone=None,
        channel=Channel.GM_MAILBOX,
        category=Category.OPINION,
        title="母婴室开放时间太短",
        description="母婴室下午五点就关门，晚班的妈妈用不上。",
        days_ago=20,
        steps=(
            Step(Action.ASSIGN, 3, {"unit": HX_COMMITTEE}),
            Step(Action.ACCEPT, 12),
            Step(Action.REPLY, 96, {"note": "母婴室已延长开放至晚上九点。"}),
        ),
    ),
    DemoGrievance(
        code=_code("HX", 4),
        park=HUAXIA,
        zone="G05",
        channel=Channel.FORUM,
        category=Category.WAGES,
        title="装修工人工资结算周期过长",
        description="装修队工资三个月才结一次，生活困难。",
        days_ago=60,
        steps=_handled(
            HX_UNION,
            accept=6,
            reply=200,
            follow_up=220,
            reply_text="工会联合会已与装修队约定按月结算。",
        ),
    ),
    DemoGrievance(
        code=_code("HX", 5),
        park=HUAXIA,
        zone="G10",
        channel=Channel.FORUM,
        category=Category.SAFETY,
        title="E 馆消防通道堆放货物",
        description="座谈会上职工反映 E 馆消防通道常被家具堵住。",
        days_ago=26,
        steps=_handled(
            HX_COMMITTEE,
            accept=2,
            reply=48,
            follow_up=60,
            reply_text="已清理通道并设置禁止堆放标识，每日巡查。",
        ),
    ),
    DemoGrievance(
        code=_code("HX", 6),
        park=HUAXIA,
        zone="G06",
        channel=Channel.ONLINE,
        category=Category.SAFETY,
        title="灯具区照明线路老化",
        description="C 馆二层有一段电线外皮破损。",
        days_ago=6,
        steps=(
            Step(Action.ASSIGN, 1, {"unit": HX_COMMITTEE}),
            Step("withdraw_by_worker", 3, {"note": "商户已自行请电工修好了。"}),
        ),
    ),
    DemoGrievance(
        code=_code("HX", 7),
        park=HUAXIA,
        zone="G02",
        channel=Channel.ONLINE,
        category=Category.PROPOSAL,
        title="想参加技师学院技能培训",
        description="卫浴安装工想报名技能培训，请问怎么报名？",
        days_ago=2 / 24,
    ),
    # Four workers of one workshop report the same broken air conditioner from the QR poster:
    # likely duplicates (grievances.duplicates) for the office to merge into one case.
    *(
        DemoGrievance(
            code=_code("HX", 8 + number),
            park=HUAXIA,
            zone=zone,
            channel=Channel.ONLINE,
            category=Category.OPINION,
            title="车间空调坏了三天",
            description=description,
            days_ago=days_ago,
        )
        for number, (zone, description, days_ago) in enumerate(
            [
                ("G03", "B 馆加工车间的空调坏了三天，闷热难耐。", 1.5),
                ("G03", "车间空调不制冷，已经三天了。", 1.2),
                ("G04", "加工车间空调坏了，没人来修。", 0.8),
                (None, "车间太热，空调坏了三天。", 0.3),
            ]
        )
    ),
]
