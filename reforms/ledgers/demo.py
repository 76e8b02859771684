"""Demo reform ledgers (台账), loaded by `manage.py load_demo` with the reform tasks.

The figures echo the source document (shared/seed) for 无锡盛阳食品城:
- care: 23 care activities in the year (送清凉, 中医理疗, 留锡过节, 慰问一线职工), each a row of
  the care ledger linked to its entry in the grid log; at four of them the special subsidy was
  paid to 42 frontline workers, 42,000 yuan in all (search the ledger for 特殊补贴);
- publicity over the last two years (近两年), exactly as counted: 90 on online platforms, 70 in
  print, 33 on television, 41 on government websites;
- skills training at the technician college's base (技师学院产业工人培训基地);
- rationalisation proposals and innovations in every status of their workflow.
华夏家居港 has smaller ledgers of its own, and the district office a few district-wide reports.

Dates are spread back from today (parks.gridlog.demo.care_window), never into the future.
Rows go through reforms.services like a person's. A park whose ledger already has rows is left
alone, so a second run adds nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from parks.gridlog.demo import (
    SHENGYANG_CARE_COUNT,
    SUBSIDY_VISITS,
    care_client_id,
    care_title,
    care_window,
    client_id,
    spread,
)
from parks.gridlog.models import Activity
from parks.structure.demo_names import HUAXIA, SHENGYANG
from parks.structure.models import Park, User
from reforms.ledgers import services
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.ledgers.policy import may_write_ledger

MANAGERS = {SHENGYANG: "manager_sy", HUAXIA: "manager_hx"}

# --- Care -------------------------------------------------------------------------------------

# The special subsidy at each of SUBSIDY_VISITS: 12 + 10 + 10 + 10 = 42 people, 1,000 yuan each.
SUBSIDY_PEOPLE = (12, 10, 10, 10)
SUBSIDY_EACH = Decimal("1000.00")
SUBSIDY_REASON = "防疫保供人员特殊补贴"
# Yuan a head of the other care activities (drinks, treatments, holiday gifts).
CARE_PER_HEAD = {
    "夏季送清凉": Decimal("25"),
    "中医理疗进市场": Decimal("60"),
    "“留锡过节”职工慰问": Decimal("200"),
    "慰问水产行业一线职工": Decimal("100"),
}
# 华夏: (event, people, yuan, reason, grid-log key or None)
HUAXIA_CARE = [
    ("夏季送清凉", 150, Decimal("3000.00"), "防暑降温用品", "hx/park/3"),
    ("生活帮扶走访", 8, Decimal("4000.00"), "困难职工生活帮扶", "hx/park/5"),
    ("职工医疗救助", 2, Decimal("6000.00"), "大病医疗救助", None),
    ("职工子女教育资助", 5, Decimal("5000.00"), "教育资助", None),
    ("春节慰问一线职工", 60, Decimal("9000.00"), "节日慰问", None),
]

# --- Publicity --------------------------------------------------------------------------------

SHENGYANG_TOPICS = [
    "买水产到盛阳：保供稳价一线见闻",
    "盛阳食品城打造企业文化长廊",
    "288字《盛阳礼约》倡导诚信经营",
    "“一讯一号”讲好盛阳故事",
    "盛阳食品城党群网格服务经营户",
    "水产市场里的产改联络员",
    "盛阳食品城开展“送清凉”活动",
    "特色产业园区产改试点的盛阳实践",
    "党工共建推动非公企业提质增效",
    "盛阳食品城满意度调查整改落实",
    "水产职工走进技师学院学技能",
    "盛阳食品城“留锡过节”暖人心",
    "盛阳食品城获评文明诚信经营示范市场",
    "食安守护：盛阳食品城的一天",
    "盛阳中华传统美德教育宣传专栏开栏",
    "中医理疗进市场 关爱水产职工",
    "劳动争议早调解 市场和谐促发展",
]
# channel: (count, outlets). The counts are the source document's, for the last two years.
# With 17 topics the (topic, outlet) pairs never repeat within a channel.
SHENGYANG_PUBLICITY = {
    PublicityChannel.ONLINE_PLATFORM: (
        90,
        ["无锡观察", "国际在线", "学习强国", "今日头条", "新华网", "澎湃新闻"],
    ),
    PublicityChannel.PRINT: (
        70,
        ["无锡日报", "江南晚报", "工人日报", "江苏工人报", "中国食品安全报"],
    ),
    PublicityChannel.TV: (33, ["无锡新闻综合频道", "江苏卫视", "无锡都市资讯频道"]),
    PublicityChannel.GOVERNMENT_WEBSITE: (
        41,
        ["梁溪区人民政府网", "无锡市人民政府网", "无锡市总工会网站", "江苏省总工会网站"],
    ),
}
HUAXIA_TOPICS = [
    "华夏家居港成立行业工会联合会",
    "200平方米产改阵地在华夏家居港落成",
    "建材市场的“网格化”产改",
    "华夏家居港职工心理咨询室开放",
    "绿色家居 品质生活：华夏家居港产改纪实",
]
HUAXIA_PUBLICITY = {
    PublicityChannel.OFFICIAL_ACCOUNT: (12, ["华夏家居港公众号"]),
    PublicityChannel.ONLINE_PLATFORM: (8, ["无锡观察", "今日头条"]),
    PublicityChannel.PRINT: (3, ["江南晚报"]),
}
DISTRICT_PUBLICITY = [
    "梁溪区推进特色产业园区产改工作",
    "梁溪区产改办召开联席会议",
    "梁溪区两级协调小组部署产改任务",
    "梁溪区产改办走访调研试点园区",
    "《党工共建，良性互动，整体推进》入选全省典型案例",
]

# --- Training ---------------------------------------------------------------------------------

COLLEGE = "无锡技师学院产业工人培训基地"
# park: [(course, provider, hours, trainees, certificates)]
TRAINING = {
    SHENGYANG: [
        ("水产品加工技能培训", COLLEGE, "32", 36, 30),
        ("冷链物流操作员培训", COLLEGE, "24", 28, 25),
        ("食品安全管理员培训", COLLEGE, "16", 40, 38),
        ("叉车司机上岗培训", COLLEGE, "48", 20, 18),
        ("电工（低压）上岗培训", COLLEGE, "64", 15, 12),
    ],
    HUAXIA: [
        ("建材导购技能提升培训", COLLEGE, "16", 45, 40),
        ("瓷砖铺贴工技能培训", COLLEGE, "40", 24, 19),
        ("家具安装工培训", COLLEGE, "32", 30, 26),
        ("门窗安装工培训", COLLEGE, "32", 22, 20),
        ("消防设施操作员培训", "梁溪区消防救援大队", "8", 60, 0),
        ("电工（低压）上岗培训", COLLEGE, "64", 12, 11),
    ],
}

# --- Proposals --------------------------------------------------------------------------------


RATIONALISATION, INNOVATION = ProposalKind.RATIONALISATION, ProposalKind.INNOVATION
S = ProposalStatus
# park: [(kind, title, submitter, submitter's employer, status the demo brings it to)]
PROPOSALS = {
    SHENGYANG: [
        (RATIONALISATION, "冷库夜间错峰用电节能改造", "周建华", "盛阳冷链仓储部", S.REWARDED),
        (INNOVATION, "活鲜暂养池循环水增氧装置改进", "钱志刚", "盛阳水产加工车间", S.REWARDED),
        (RATIONALISATION, "交易大厅分时段卸货通道管理", "孙美华", "活鲜批发区经营户", S.ADOPTED),
        (RATIONALISATION, "冻品区电子温度巡检记录", "李强", "冻品区经营户", S.ADOPTED),
        (INNOVATION, "贝类分拣台防滑改造", "王海军", "贝类区经营户", S.EVALUATED),
        (RATIONALISATION, "经营户用工合同模板统一", "陈丽", "盛阳食品城市场党委", S.EVALUATED),
        (RATIONALISATION, "增设进货商休息区饮水点", "张敏", "综合服务区", S.SUBMITTED),
        (RATIONALISATION, "干货街消防通道标识更新", "刘伟", "干货区经营户", S.NOT_ADOPTED),
    ],
    HUAXIA: [
        (INNOVATION, "瓷砖切割粉尘收集罩", "陈卫东", "瓷砖区经营户", S.REWARDED),
        (RATIONALISATION, "大件家具配送预约系统", "赵磊", "家具软装区经营户", S.ADOPTED),
        (INNOVATION, "门窗样品快速安装支架", "杨帆", "门窗区经营户", S.EVALUATED),
        (RATIONALISATION, "石材展场夜间照明优化", "吴刚", "石材区经营户", S.SUBMITTED),
        (RATIONALISATION, "卫浴区样品间排水改造", "郑芳", "卫浴区经营户", S.SUBMITTED),
        (RATIONALISATION, "导购员技能比武常态化", "冯静", "华夏行业工会联合会", S.NOT_ADOPTED),
    ],
}
# title: (benefit in words, benefit yuan, reward yuan), recorded when adopted and rewarded.
OUTCOMES = {
    "冷库夜间错峰用电节能改造": ("冷库压缩机改在谷电时段运行，年节约电费约6万元", "60000", "2000"),
    "活鲜暂养池循环水增氧装置改进": ("鱼虾暂养损耗下降三成", "85000", "5000"),
    "交易大厅分时段卸货通道管理": ("早高峰车辆拥堵明显缓解", None, None),
    "冻品区电子温度巡检记录": ("减少冻品变质损失", "12000", None),
    "瓷砖切割粉尘收集罩": ("切割粉尘明显减少，职工职业健康更有保障", "30000", "3000"),
    "大件家具配送预约系统": ("配送等待时间缩短一半", "40000", None),
}
# The steps that lead to each status, and what each step records.
PATHS = {
    S.SUBMITTED: (),
    S.EVALUATED: (S.EVALUATED,),
    S.ADOPTED: (S.EVALUATED, S.ADOPTED),
    S.REWARDED: (S.EVALUATED, S.ADOPTED, S.REWARDED),
    S.NOT_ADOPTED: (S.EVALUATED, S.NOT_ADOPTED),
}


def load_ledger_demo_on_signal(sender, *, office: User, stdout, **kwargs) -> None:
    """`manage.py load_demo` (through parks.signals), after the grid log's demo entries."""
    load_ledger_demo(office=office, stdout=stdout)


def load_ledger_demo(*, office: User, stdout, today: date | None = None) -> dict:
    """Fill the demo parks' ledgers that are still empty. Returns rows created per ledger."""
    today = today or timezone.localdate()
    parks = {park.name: park for park in Park.objects.filter(name__in=MANAGERS)}
    managers = {user.username: user for user in User.objects.filter(username__in=MANAGERS.values())}
    created = dict.fromkeys(("care", "publicity", "training", "proposals"), 0)
    for name, park in parks.items():
        actor = managers.get(MANAGERS[name], office)
        if not CarePayment.objects.filter(park=park).exists():
            rows = _shengyang_care(park, today) if name == SHENGYANG else _huaxia_care(park, today)
            created["care"] += _save_all(rows, actor)
        if not Publicity.objects.filter(park=park).exists():
            plan = SHENGYANG_PUBLICITY if name == SHENGYANG else HUAXIA_PUBLICITY
            topics = SHENGYANG_TOPICS if name == SHENGYANG else HUAXIA_TOPICS
            created["publicity"] += _bulk_save(_publicity(park, plan, topics, today), actor)
        if not Training.objects.filter(park=park).exists():
            created["training"] += _save_all(_trainings(park, TRAINING[name], today), actor)
        if not Proposal.objects.filter(park=park).exists():
            created["proposals"] += _load_proposals(park, PROPOSALS[name], actor, today)
    if not Publicity.objects.filter(park__isnull=True).exists():
        created["publicity"] += _save_all(_district_publicity(today), office)
    stdout.write(
        "  Ledgers       "
        + ", ".join(f"{ledger} {count} created" for ledger, count in created.items())
    )
    return created


def _save_all(entries, actor) -> int:
    for entry in entries:
        services.ledger_save(entry=entry, actor=actor)
    return len(entries)


def _bulk_save(entries, actor) -> int:
    """The 260 publicity rows in one insert: saved one by one through the service they would
    take seconds of `make run`. Each is checked as the service would (who may write, every
    field, the date not in the future) before any is written."""
    for entry in entries:
        if not may_write_ledger(actor, entry.park):
            raise PermissionDenied
        entry.recorded_by = actor
        # The park and the recorder are rows just read; checking them again costs a query each.
        entry.clean_fields(exclude=["park", "recorded_by"])
        entry.clean()
    Publicity.objects.bulk_create(entries)
    return len(entries)


def _activities(ids: dict) -> dict:
    """The grid-log entries with these client ids, by the name `ids` gives each, in one query."""
    return {ids[a.client_id]: a for a in Activity.objects.filter(client_id__in=ids)}


def _shengyang_care(park, today):
    """A ledger row for each of 盛阳's 23 care activities; four of them paid the subsidy."""
    start, end = care_window(today)
    activities = _activities({care_client_id(n): n for n in range(SHENGYANG_CARE_COUNT)})
    rows = []
    for number in range(SHENGYANG_CARE_COUNT):
        activity = activities.get(number)
        day = (
            timezone.localdate(activity.occurred_at)
            if activity
            else spread(start, end, number, SHENGYANG_CARE_COUNT)
        )
        title = activity.title if activity else care_title(day, number)
        if number in SUBSIDY_VISITS:
            people = SUBSIDY_PEOPLE[SUBSIDY_VISITS.index(number)]
            amount, reason, source = people * SUBSIDY_EACH, SUBSIDY_REASON, "区总工会专项资金"
        else:
            people = activity.participants if activity else 30 + number * 3
            amount = people * CARE_PER_HEAD.get(title, Decimal("50"))
            reason, source = "关爱一线职工", "市场工会经费"
        rows.append(
            CarePayment(
                park=park,
                event=title,
                paid_on=day,
                recipients=people,
                amount=amount,
                reason=reason,
                funding_source=source,
                activity=activity,
            )
        )
    return rows


def _huaxia_care(park, today):
    start, end = care_window(today)
    activities = _activities({client_id(key): key for *_rest, key in HUAXIA_CARE if key})
    rows = []
    for number, (event, people, amount, reason, key) in enumerate(HUAXIA_CARE):
        activity = activities.get(key)
        day = (
            timezone.localdate(activity.occurred_at)
            if activity
            else spread(start, end, number, len(HUAXIA_CARE))
        )
        rows.append(
            CarePayment(
                park=park,
                event=event,
                paid_on=day,
                recipients=people,
                amount=amount,
                reason=reason,
                funding_source="华夏家居港行业工会联合会",
                activity=activity,
            )
        )
    return rows


def _two_years(today):
    """近两年: last year and this year so far."""
    return date(today.year - 1, 1, 1), today


def _publicity(park, plan, topics, today):
    start, end = _two_years(today)
    total = sum(count for count, _outlets in plan.values())
    rows = []
    for channel, (count, outlets) in plan.items():
        for number in range(count):
            # Channels interleave over the two years rather than follow one another.
            position = (number * total) // count + len(rows) % 3
            rows.append(
                Publicity(
                    park=park,
                    channel=channel,
                    outlet=outlets[number % len(outlets)],
                    title=topics[number % len(topics)],
                    published_on=spread(start, end, min(position, total - 1), total),
                )
            )
    return rows


def _district_publicity(today):
    start, end = _two_years(today)
    return [
        Publicity(
            park=None,
            channel=PublicityChannel.GOVERNMENT_WEBSITE,
            outlet="梁溪区人民政府网",
            title=title,
            published_on=spread(start, end, number, len(DISTRICT_PUBLICITY)),
        )
        for number, title in enumerate(DISTRICT_PUBLICITY)
    ]


def _trainings(park, courses, today):
    start, end = care_window(today)
    return [
        Training(
            park=park,
            course=course,
            provider=provider,
            started_on=spread(start, end, number, len(courses)),
            hours=Decimal(hours),
            trainees=trainees,
            certificates=certificates,
        )
        for number, (course, provider, hours, trainees, certificates) in enumerate(courses)
    ]


def _load_proposals(park, specs, actor, today) -> int:
    """Submit each proposal, then walk it to its status through the workflow service."""
    start, end = care_window(today)
    for number, (kind, title, submitter, employer, status) in enumerate(specs):
        submitted_on = spread(start, end, number, len(specs))
        proposal = services.ledger_save(
            entry=Proposal(
                park=park,
                kind=kind,
                title=title,
                submitter=submitter,
                submitter_employer=employer,
                description=f"{submitter}（{employer}）提出：{title}。",
                submitted_on=submitted_on,
            ),
            actor=actor,
        )
        benefit, benefit_amount, reward_amount = OUTCOMES.get(title, ("", None, None))
        for step in PATHS[status]:
            values = {}
            if step == S.ADOPTED:
                values = {"benefit": benefit, "benefit_amount": _money(benefit_amount)}
            elif step == S.REWARDED:
                values = {"reward_amount": _money(reward_amount)}
            services.proposal_advance(proposal=proposal, actor=actor, to_status=step, **values)
        if PATHS[status]:
            # Demo only: the service dates a step today; the demo's last step happened a few
            # weeks after submission (and never after today).
            stepped = min(submitted_on + timedelta(days=14 + number * 3), today)
            Proposal.objects.filter(pk=proposal.pk).update(status_changed_on=stepped)
    return len(specs)


def _money(text):
    return Decimal(text) if text is not None else None
