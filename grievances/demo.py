"""Demo grievances, a survey and time-limit policies, loaded by `manage.py load_demo`.

Drawn from the district's report (shared/seed): 盛阳食品城 handed out 900+ satisfaction surveys
and rectified 47 of 60+ opinions, and this year handled 3 work-injury subsidy disputes, 2
complaints from sick workers and 7 labour and life disputes; 华夏家居港 runs a general
manager's mailbox and worker forums. The survey is scaled down keeping its proportions.

Every grievance has a fixed tracking code, its natural key. Only grievances that do not exist
yet are created and walked through the workflow by the real services (received, assigned,
accepted, replied, followed up, closed, returned, reopened, withdrawn, mediated), so a second
run changes nothing. The services stamp every step "now"; the demo then dates the steps back
over the last three months, so deadlines, breaches and the monthly trend look like real use.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from parks.demo_names import HUAXIA, SHENGYANG
from parks.models import GridZone, Organisation, Park, User

from . import services
from .choices import OFFICE_ACTIONS, Action, Category, Channel, MediationOutcome, Satisfaction
from .models import TRACKING_ALPHABET, Grievance, GrievanceEvent, SurveyCampaign, TimeLimitPolicy

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
]


def load_grievance_demo(sender, *, office, stdout, **kwargs):
    policies = _load_policies(office)
    survey, survey_created = _load_survey(office)
    created = _load_grievances(office, survey)
    stdout.write(
        f"  Grievance demo   policies {policies} created, surveys {int(survey_created)} created, "
        f"grievances {created} created"
    )


def _load_policies(office):
    existing = set(TimeLimitPolicy.objects.values_list("category", flat=True))
    created = 0
    for category, (hours, days) in POLICIES.items():
        if category in existing:
            continue  # the office may have changed it: leave it be
        policy = TimeLimitPolicy(
            category=category, respond_within_hours=hours, resolve_within_days=days
        )
        services.policy_save(policy=policy, actor=office)
        created += 1
    return created


def _load_survey(office):
    park = Park.objects.get(name=SHENGYANG)
    survey = SurveyCampaign.objects.filter(park=park, title=SURVEY_TITLE).first()
    if survey is not None:
        return survey, False
    survey = SurveyCampaign(
        park=park,
        title=SURVEY_TITLE,
        held_on=timezone.localdate() - timedelta(days=SURVEY_DAYS_AGO),
        handed_out=SURVEY_HANDED_OUT,
        returned=SURVEY_RETURNED,
    )
    services.survey_save(survey=survey, actor=office)
    return survey, True


class _People:
    """Who takes each step: the grievance's liaison or park manager, a unit's own staff, or
    the office where a unit has no account in the demo."""

    def __init__(self, office):
        self.office = office
        self.units = {org.name: org for org in Organisation.objects.all()}
        self.staff = {}
        for user in User.objects.filter(is_active=True, organisation__isnull=False).order_by("pk"):
            self.staff.setdefault(user.organisation_id, user)
        self.managers = {
            user.park_id: user
            for user in User.objects.filter(is_active=True, role="park_manager").order_by("-pk")
        }

    def logger(self, spec, park, zone):
        if spec.channel == Channel.ONLINE:
            return None
        if spec.channel == Channel.LIAISON_VISIT and zone is not None and zone.liaison:
            return zone.liaison
        if spec.channel in (Channel.GM_MAILBOX, Channel.FORUM):
            return self.managers.get(park.pk, self.office)
        return self.office

    def for_unit(self, grievance):
        return self.staff.get(grievance.handling_unit_id, self.office)


def _load_grievances(office, survey):
    specs = [*SURVEY_GRIEVANCES, *GRIEVANCES]
    existing = set(
        Grievance.objects.filter(tracking_code__in=[s.code for s in specs]).values_list(
            "tracking_code", flat=True
        )
    )
    fresh = [spec for spec in specs if spec.code not in existing]
    if not fresh:
        return 0
    now = timezone.now()
    parks = {park.name: park for park in Park.objects.filter(name__in=[SHENGYANG, HUAXIA])}
    zones = {
        (zone.park_id, zone.code): zone
        for zone in GridZone.objects.filter(park__in=parks.values()).select_related("liaison")
    }
    people = _People(office)
    for spec in fresh:
        _create(spec, now=now, parks=parks, zones=zones, people=people, survey=survey)
    return len(fresh)


def _create(spec, *, now, parks, zones, people, survey):
    park = parks[spec.park]
    zone = zones[park.pk, spec.zone] if spec.zone else None
    received_at = now - timedelta(days=spec.days_ago)
    grievance = Grievance(
        tracking_code=spec.code,
        park=park,
        grid_zone=zone,
        channel=spec.channel,
        category=spec.category,
        survey=survey if spec.channel == Channel.SURVEY else None,
        title=spec.title,
        description=spec.description,
        complainant_name=spec.name,
        complainant_phone=spec.phone,
        complainant_employer=spec.employer,
        received_at=received_at,
    )
    services.grievance_receive(grievance=grievance, actor=people.logger(spec, park, zone))

    # Each step but a mediation session writes one event; they are dated back below.
    event_times = [received_at]
    times = {}
    mediation = None
    for step in spec.steps:
        at = received_at + timedelta(hours=step.hours)
        if at >= now:
            raise ValueError(f"Demo grievance {spec.code}: step {step.action} is in the future.")
        times[step.action] = at
        if step.action != "mediation_session":
            event_times.append(at)
        if step.action == "withdraw_by_worker":
            grievance = services.grievance_withdraw_by_worker(
                tracking_code=spec.code, note=step.args["note"]
            )
        elif step.action.startswith("mediation_"):
            mediation = _mediate(step, at, grievance, mediation, people)
        else:
            args = dict(step.args)
            if "unit" in args:
                args["unit"] = people.units[args["unit"]]
            actor = people.office if step.action in OFFICE_ACTIONS else None
            grievance = services.STEP_SERVICES[step.action](
                grievance=grievance, actor=actor or people.for_unit(grievance), **args
            )

    # Demo only: the services date every step now; give each the time the spec says.
    events = list(GrievanceEvent.objects.filter(grievance=grievance).order_by("pk"))
    for event, at in zip(events, event_times, strict=True):
        event.at = at
    GrievanceEvent.objects.bulk_update(events, ["at"])
    Grievance.objects.filter(pk=grievance.pk).update(
        responded_at=times.get(Action.ACCEPT) if grievance.responded_at else None,
        resolved_at=times.get(Action.REPLY) if grievance.resolved_at else None,
        closed_at=times.get(Action.CLOSE) if grievance.closed_at else None,
    )


def _mediate(step, at, grievance, mediation, people):
    actor = people.for_unit(grievance)
    if step.action == "mediation_open":
        return services.mediation_open(
            grievance=grievance,
            actor=actor,
            applied_on=timezone.localdate(at),
            parties=step.args["parties"],
            mediator=actor,
        )
    if step.action == "mediation_session":
        services.mediation_session_add(
            mediation=mediation, actor=actor, held_at=at, place=step.args["place"]
        )
        return mediation
    return services.mediation_conclude(
        mediation=mediation,
        actor=actor,
        outcome=MediationOutcome.AGREEMENT,
        concluded_on=timezone.localdate(at),
        amount_agreed=step.args["amount"],
    )
