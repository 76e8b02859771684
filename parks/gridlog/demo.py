"""Demo grid log (网格工作日志), loaded by `manage.py load_demo` after the parks and zones.

Each liaison logs about one activity a week in their own zone over the last twelve weeks —
visits, lectures, forums, mediation, reading, surveys, model posts — dated back from today so
the demo never looks stale and nothing lies in the future. A few zones are left idle on purpose
so the coverage view has something to show: two logged nothing this week, two nothing for five
weeks. The park managers log park-wide activities: 盛阳's 23 care activities of the year (送清凉,
中医理疗, 留锡过节, 慰问一线职工 — the source document's count; the care ledger links to them)
and 华夏's lectures, counselling days and reading events.

Every entry has a fixed client id, so a second run finds them all and adds nothing. The entries
go through the real services: activities_bulk_create (one batch per liaison, as a REST client
would send them) and, for the few with photos, activity_create with small pictures drawn here
and re-encoded by the portal like any upload.
"""

import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from parks.gridlog import services
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from parks.structure.demo_names import HUAXIA, SHENGYANG
from parks.structure.models import GridZone, Park, User

PREFIXES = {SHENGYANG: "sy", HUAXIA: "hx"}
MANAGERS = {SHENGYANG: "manager_sy", HUAXIA: "manager_hx"}

WEEKS = 12
# (park prefix, zone code): weeks ago from which the zone logs again (0 = it logs this week).
# Two zones logged nothing this week; two nothing for five weeks (this month, most days).
IDLE_FROM = {("sy", "G04"): 1, ("hx", "G03"): 1, ("sy", "G09"): 5, ("hx", "G07"): 5}
# 盛阳's care activities in the year: the source document counts 23.
SHENGYANG_CARE_COUNT = 23
# The care activities at which 盛阳 paid the special subsidy to its 42 frontline workers.
SUBSIDY_VISITS = (4, 10, 16, 21)
# Fixed namespace of the demo's client ids (uuid5 of a readable key).
NAMESPACE = uuid.UUID("6f1d3c52-9a57-4c1e-8f0e-5b8a2d1c7e44")


def client_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-activity/{key}")


def care_client_id(number: int) -> uuid.UUID:
    """The client id of 盛阳's care activity `number` (0–22); the care ledger links by it."""
    return client_id(f"sy/care/{number}")


def care_window(today: date) -> tuple[date, date]:
    """The days the year's care activities and ledgers are spread over: this year so far, or
    the last 365 days early in a year, so "this year" shows the source's figures most of it."""
    start = date(today.year, 1, 1)
    if (today - start).days < 60:
        start = today - timedelta(days=364)
    return start, today


def spread(start: date, end: date, number: int, count: int) -> date:
    """The `number`-th of `count` days spread evenly over [start, end]."""
    return start + timedelta(days=(end - start).days * (2 * number + 1) // (2 * count))


def care_title(day: date, number: int) -> str:
    """What a care activity on `day` was: cool drinks in summer, staying for the Spring Festival
    in winter, traditional medicine and visits to frontline workers in between."""
    if number in SUBSIDY_VISITS:
        return "慰问防疫保供一线职工"
    if day.month in (6, 7, 8, 9):
        return "夏季送清凉"
    if day.month in (1, 2):
        return "“留锡过节”职工慰问"
    return "中医理疗进市场" if number % 2 else "慰问水产行业一线职工"


@dataclass(frozen=True)
class Kind:
    """How an activity of one kind reads in the log."""

    kind: str
    title: str
    description: str
    participants: tuple[int, int]  # low, high


# The round of work a liaison does in a zone, one a week; CARE is left to the park managers so
# 盛阳's care count stays the source document's.
ROUND = [
    Kind(
        ActivityKind.VISIT,
        "走访{zone}经营户",
        "逐户走访{zone}经营户和一线职工，了解用工、工资发放和劳动保护情况，宣传产改政策。",
        (6, 15),
    ),
    Kind(
        ActivityKind.LECTURE,
        "产改政策主题宣讲",
        "在{place}开展产业工人队伍建设改革主题宣讲，讲解技能提升和权益保障政策。",
        (20, 40),
    ),
    Kind(
        ActivityKind.VISIT,
        "{zone}安全生产巡查",
        "巡查{zone}消防通道和用电安全，提醒经营户做好一线职工防暑降温和劳动防护。",
        (4, 10),
    ),
    Kind(
        ActivityKind.FORUM,
        "{zone}职工座谈会",
        "召开职工座谈会，听取经营户和职工对市场管理、薪酬激励的意见建议。",
        (8, 16),
    ),
    Kind(
        ActivityKind.READING,
        "职工大阅读·阅读分享",
        "组织{zone}职工到职工书屋开展阅读分享和经典诵读。",
        (10, 25),
    ),
    Kind(
        ActivityKind.MEDIATION,
        "{zone}劳动纠纷调解",
        "联络员会同市场调解员调解一起工资结算纠纷，双方达成一致。",
        (3, 5),
    ),
    Kind(
        ActivityKind.SURVEY,
        "发放满意度调查问卷",
        "向{zone}经营户代表和进货商顾客发放满意度调查问卷并回收。",
        (20, 50),
    ),
    Kind(
        ActivityKind.PARTY_POST,
        "党员示范岗亮岗",
        "{zone}党员经营户亮身份、亮承诺，设立党员示范岗、党员先锋岗。",
        (5, 10),
    ),
    Kind(
        ActivityKind.TRAINING,
        "安全技能小课堂",
        "在{place}为一线职工讲解冷链操作和消防器材使用。",
        (12, 30),
    ),
]

# 华夏's park-wide activities: (weeks ago, weekday, kind, title, place, description, participants)
HUAXIA_PARK_WIDE = [
    (
        1,
        2,
        ActivityKind.LECTURE,
        "产改指导站主题宣讲",
        "产改指导站",
        "指导员讲解新时代产业工人队伍建设改革实施方案。",
        45,
    ),
    (
        3,
        3,
        ActivityKind.CARE,
        "免费心理咨询日",
        "心理咨询室",
        "为职工提供婚恋、家庭感情、职场解压等方面的免费心理咨询。",
        12,
    ),
    (
        5,
        1,
        ActivityKind.READING,
        "职工大阅读·知识竞赛",
        "职工书屋",
        "以职工书屋为平台开展知识竞赛，评出优胜班组。",
        60,
    ),
    (7, 4, ActivityKind.CARE, "夏季送清凉", "各馆", "向一线搬运、安装职工送去防暑降温用品。", 150),
    (
        9,
        2,
        ActivityKind.FORUM,
        "总经理信箱意见反馈会",
        "综合服务楼三楼",
        "就总经理信箱收到的意见在规定时间内反馈处理结果。",
        25,
    ),
    (
        11,
        3,
        ActivityKind.CARE,
        "生活帮扶走访",
        "市场内",
        "走访困难职工家庭，落实医疗救助和生活帮扶。",
        8,
    ),
]

# Entries with photos, by their key: how many photos each gets (1 or 2). Kept few so
# `make run` stays quick.
WITH_PHOTOS = {
    "sy/G01/0": 2,
    "sy/G02/1": 1,
    "sy/G05/0": 1,
    "hx/G01/0": 2,
    "hx/G02/2": 1,
    "hx/G06/0": 1,
    "hx/park/1": 2,
    "sy/care/22": 1,
}
PHOTO_SIZE = (800, 600)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _this_week_time(now: datetime, fraction: float) -> datetime:
    """A time between Monday morning and now, so this week's entries are all in the past."""
    start = _at(_monday(now.date()), 8)
    if start >= now:
        start = _at(_monday(now.date()), 0)
    return start + (now - start) * fraction


def _zone_entries(zone: GridZone, prefix: str, now: datetime) -> list[tuple[str, Activity]]:
    """A zone's weekly round over the last WEEKS weeks, as (key, unsaved activity)."""
    number = int(zone.code.removeprefix("G") or 0)
    idle_from = IDLE_FROM.get((prefix, zone.code), 0)
    entries = []
    for weeks_ago in range(idle_from, WEEKS):
        kind = ROUND[(number + weeks_ago) % len(ROUND)]
        if weeks_ago == 0:
            occurred = _this_week_time(now, number / 11)
        else:
            day = _monday(now.date()) - timedelta(weeks=weeks_ago) + timedelta(days=number % 6)
            occurred = _at(day, 9 + (number + weeks_ago) % 8, 30 * (weeks_ago % 2))
        low, high = kind.participants
        place = zone.boundary or zone.name
        entries.append(
            (
                f"{prefix}/{zone.code}/{weeks_ago}",
                Activity(
                    park=zone.park,
                    grid_zone=zone,
                    kind=kind.kind,
                    occurred_at=occurred,
                    place=place[:100],
                    title=kind.title.format(zone=zone.name),
                    description=kind.description.format(zone=zone.name, place=place),
                    participants=low + (number * 7 + weeks_ago * 3) % (high - low + 1),
                    organisers=f"产改联络员 {zone.liaison.display_name}"[:200],
                ),
            )
        )
    return entries


def _shengyang_care(park: Park, now: datetime) -> list[tuple[str, Activity]]:
    start, end = care_window(now.date())
    entries = []
    for number in range(SHENGYANG_CARE_COUNT):
        day = spread(start, end, number, SHENGYANG_CARE_COUNT)
        occurred = min(_at(day, 10), now - timedelta(minutes=30))
        title = care_title(day, number)
        subsidy = number in SUBSIDY_VISITS
        entries.append(
            (
                f"sy/care/{number}",
                Activity(
                    park=park,
                    kind=ActivityKind.CARE,
                    occurred_at=occurred,
                    place="盛阳食品城综合楼" if subsidy else "各交易区",
                    title=title,
                    description=(
                        "慰问水产行业疫情防控、保供稳价一线职工，发放特殊补贴。"
                        if subsidy
                        else f"市场党委和工会开展“{title}”活动，覆盖各交易区一线职工。"
                    ),
                    participants=10 + (number * 13) % 90,
                    organisers="盛阳食品城市场党委、工会",
                ),
            )
        )
    return entries


def _huaxia_park_wide(park: Park, now: datetime) -> list[tuple[str, Activity]]:
    entries = []
    for index, (weeks_ago, weekday, kind, title, place, text, people) in enumerate(
        HUAXIA_PARK_WIDE
    ):
        day = _monday(now.date()) - timedelta(weeks=weeks_ago) + timedelta(days=weekday)
        entries.append(
            (
                f"hx/park/{index}",
                Activity(
                    park=park,
                    kind=kind,
                    occurred_at=_at(day, 14),
                    place=place,
                    title=title,
                    description=text,
                    participants=people,
                    organisers="华夏家居港市场党委、行业工会联合会",
                ),
            )
        )
    return entries


def demo_photo(seed: int, name: str) -> SimpleUploadedFile:
    """A small made-up photo: sky, ground, a building and people-like shapes, as a JPEG."""
    width, height = PHOTO_SIZE
    picture = Image.new("RGB", PHOTO_SIZE, (120 + seed * 17 % 80, 170, 220))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(150, 140, 120))
    left = 80 + seed * 53 % 300
    draw.rectangle((left, 150, left + 320, height * 2 // 3), fill=(200, 60 + seed * 29 % 120, 50))
    draw.rectangle((left + 40, 250, left + 120, 330), fill=(240, 230, 200))
    for person in range(5 + seed % 4):
        x = 40 + person * 130 + seed * 11 % 40
        draw.ellipse((x, 380, x + 36, 416), fill=(60, 40, 30))
        draw.rectangle((x - 6, 416, x + 42, 520), fill=((seed + person) * 47 % 255, 90, 140))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def load_activity_demo(*, office: User, stdout, now: datetime | None = None) -> int:
    """Log the demo activities that are not there yet. Returns how many were created."""
    now = timezone.localtime(now or timezone.now())
    parks = {park.name: park for park in Park.objects.filter(name__in=PREFIXES)}
    managers = {user.username: user for user in User.objects.filter(username__in=MANAGERS.values())}
    zones = (
        GridZone.objects.filter(park__in=parks.values(), liaison__isnull=False)
        .select_related("park", "liaison")
        .order_by("park_id", "code")
    )
    # (actor, key, activity) for everything the demo logs.
    planned = []
    for zone in zones:
        prefix = PREFIXES[zone.park.name]
        planned += [(zone.liaison, key, a) for key, a in _zone_entries(zone, prefix, now)]
    if SHENGYANG in parks:
        actor = managers.get(MANAGERS[SHENGYANG], office)
        planned += [(actor, key, a) for key, a in _shengyang_care(parks[SHENGYANG], now)]
    if HUAXIA in parks:
        actor = managers.get(MANAGERS[HUAXIA], office)
        planned += [(actor, key, a) for key, a in _huaxia_park_wide(parks[HUAXIA], now)]

    for _actor, key, activity in planned:
        activity.client_id = client_id(key)
    existing = set(
        Activity.objects.filter(
            client_id__in=[activity.client_id for _a, _k, activity in planned]
        ).values_list("client_id", flat=True)
    )
    batches, created = {}, 0
    for actor, key, activity in planned:
        if activity.client_id in existing:
            continue
        photos = WITH_PHOTOS.get(key, 0)
        if photos:
            seed = sum(map(ord, key))
            uploads = [demo_photo(seed + n, f"IMG_{n + 1:04d}.jpg") for n in range(photos)]
            services.activity_create(activity=activity, actor=actor, photos=uploads)
            created += 1
        else:
            batches.setdefault(actor, []).append(activity)
    for actor, activities in batches.items():
        services.activities_bulk_create(activities=activities, actor=actor)
        created += len(activities)
    stdout.write(f"  Grid log      activities {created} created, {len(existing)} unchanged")
    return created
