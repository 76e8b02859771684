"""`manage.py load_demo`: the two seed parks of 梁溪区 with their zones, rooms, bodies and people.

Drawn from the district reform office's report (shared/seed). Every row is looked up by its
natural key and saved only when it is new or differs, so a second run changes nothing. It all
happens in one transaction. Every demo account shares one published password, so the command
refuses to run under production settings.
"""

from collections import Counter
from decimal import Decimal
from functools import cached_property, lru_cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parks.gridlog.demo import load_activity_demo
from parks.signals import demo_data_loaded
from parks.structure import services
from parks.structure.choices import FacilityKind, OrganisationKind, ParkKind, PilotStatus, Role
from parks.structure.demo_names import DISTRICT_OFFICE, HUAXIA, SHENGYANG
from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)

DEMO_PASSWORD = "demo12345"  # noqa: S105  (published in README; never loaded in production)
OFFICE_GROUP = "District office"
# The office group may do everything the admin offers on these apps' models.
OFFICE_GROUP_APPS = ("parks", "knox", "auth")

SUBDISTRICTS = [
    "广益街道",
    "崇安寺街道",
    "北大街街道",
    "黄巷街道",
    "山北街道",
    "清名桥街道",
    "通江街道",
    "南禅寺街道",
]
INDUSTRIES = ["水产", "家居服务", "建材"]

PARKS = [
    {
        "name": SHENGYANG,
        "subdistrict": "广益街道",
        "industries": ["水产"],
        "kind": ParkKind.MARKET,
        "pilot_status": PilotStatus.PILOT,
        "designation_year": 2021,
        "address": "江苏省无锡市梁溪区广石路盛阳食品城",
        "motto": "买水产到盛阳",
        "honours": "全国商品交易市场系统文明诚信经营示范市场\n中国商品交易市场著名品牌市场",
        "description": (
            "2021年被确立为特色产业园区试点单位，结合实际制定产改实施方案，积极推进水产行业的"
            "产改工作。设立党员与交易区域10个党群网格体系，打造企业文化长廊，原创288字"
            "《盛阳礼约》，办好“一讯一号”（盛阳通讯和企业公众号）。“买水产到盛阳”，"
            "无锡渔码头的美誉基本家喻户晓。"
        ),
    },
    {
        "name": HUAXIA,
        "subdistrict": "广益街道",
        "industries": ["家居服务", "建材"],
        "kind": ParkKind.MARKET,
        "pilot_status": PilotStatus.NEWLY_CULTIVATED,
        "designation_year": 2022,
        "address": "江苏省无锡市梁溪区锡沪西路华夏家居港",
        "motto": "",
        "honours": "",
        "description": (
            "2022年新培育的特色产业园区试点单位，致力于打造绿色家居生活，创造品质舒适享受，"
            "力争成为全国建材家居行业的领先企业。市场成立产改领导小组、产改指导站，配备指导员、"
            "观察员，组建行业工会联合会；根据市场区域划分10个网格，每个网格配备产改联络员；"
            "腾出200多平方米建设产改阵地。"
        ),
    },
]

# (name, kind, subdistrict, park)
ORGANISATIONS = [
    (DISTRICT_OFFICE, OrganisationKind.DISTRICT_OFFICE, None, None),
    ("广益街道产改办", OrganisationKind.SUBDISTRICT_OFFICE, "广益街道", None),
    *(
        (name, OrganisationKind.MEMBER_UNIT, None, None)
        for name in (
            "区总工会",
            "区人社局",
            "区委组织部",
            "区委宣传部",
            "区发改委",
            "区工信局",
            "区财政局",
            "区司法局",
        )
    ),
    ("盛阳食品城市场党委", OrganisationKind.PARK_COMMITTEE, None, SHENGYANG),
    ("华夏家居港市场党委", OrganisationKind.PARK_COMMITTEE, None, HUAXIA),
    ("华夏家居港行业工会联合会", OrganisationKind.UNION_FEDERATION, None, HUAXIA),
]

# Every demo account has an address on a reserved domain (RFC 2606 .example), so the demo sends
# its notices by e-mail (to the console in local settings) and no mail reaches anyone.
DEMO_MAIL_DOMAIN = "liangxi-portal.example"


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_MAIL_DOMAIN}"


# username: (display name, role, {scope field: name}); office is made first, as the actor.
USERS = {
    "office": ("沈立群", Role.OFFICE, {"organisation": DISTRICT_OFFICE}),
    "subdistrict": (
        "钱晓东",
        Role.SUBDISTRICT,
        {"subdistrict": "广益街道", "organisation": "广益街道产改办"},
    ),
    "manager_sy": (
        "蒋国平",
        Role.PARK_MANAGER,
        {"park": SHENGYANG, "organisation": "盛阳食品城市场党委"},
    ),
    "manager_hx": (
        "顾振华",
        Role.PARK_MANAGER,
        {"park": HUAXIA, "organisation": "华夏家居港市场党委"},
    ),
    "instructor_hx": ("陆文静", Role.INSTRUCTOR, {"park": HUAXIA}),
    "observer": ("邵明", Role.OBSERVER, {}),
    "member_unit": ("唐立新", Role.MEMBER_UNIT, {"organisation": "区总工会"}),
}

# park: (username prefix, [(zone name, boundary, liaison's name)]); codes are G01..G10 in order.
GRID_ZONES = {
    SHENGYANG: (
        "sy",
        [
            ("活鲜批发区", "一号交易棚 A1—A40 号摊位", "王建国"),
            ("河鲜区", "一号交易棚 B1—B40 号摊位", "李秀英"),
            ("海鲜区", "二号交易棚 C1—C36 号摊位", "张伟"),
            ("虾蟹区", "二号交易棚 D1—D36 号摊位", "刘芳"),
            ("贝类区", "三号交易棚 E1—E30 号摊位", "陈志强"),
            ("冻品区", "冻品楼一层全部商铺", "杨丽"),
            ("干货区", "干货街 1—60 号门面", "赵敏"),
            ("水产加工区", "加工车间及配套冷库", "黄海涛"),
            ("冷链仓储区", "一号、二号冷库及装卸平台", "周俊"),
            ("综合服务区", "综合楼、停车场及各出入口", "吴晓燕"),
        ],
    ),
    HUAXIA: (
        "hx",
        [
            ("瓷砖区", "A 馆一层", "徐志明"),
            ("卫浴区", "A 馆二层", "孙丽华"),
            ("地板区", "B 馆一层", "马骏"),
            ("门窗区", "B 馆二层", "朱红梅"),
            ("橱柜区", "C 馆一层", "胡斌"),
            ("灯具区", "C 馆二层", "郭静"),
            ("五金区", "D 馆一层及五金街", "何平"),
            ("涂料区", "D 馆二层", "高翔"),
            ("石材区", "室外石材展场", "林小燕"),
            ("家具软装区", "E 馆一、二层", "罗浩"),
        ],
    ),
}

# park: [(kind, name, area m², location, description)]; 华夏's rooms are the "200多平方米".
FACILITIES = {
    SHENGYANG: [
        (FacilityKind.PARTY_BUILDING_ROOM, "党建活动室", "50", "综合楼二楼", ""),
        (
            FacilityKind.OTHER,
            "企业文化长廊",
            "120",
            "交易大厅主通道",
            "成长历程、发展愿景、荣誉、食安守护、诚信经营、公益活动、团队文化、盛阳礼约、水产品小知识",
        ),
        (FacilityKind.WORKERS_LIBRARY, "职工书屋", "30", "综合楼二楼", ""),
    ],
    HUAXIA: [
        (FacilityKind.PARTY_BUILDING_ROOM, "党建活动室", "45", "综合服务楼三楼", ""),
        (FacilityKind.GUIDANCE_STATION, "产改指导站", "35", "综合服务楼三楼", ""),
        (FacilityKind.NURSING_ROOM, "母婴室", "15", "综合服务楼三楼", ""),
        (FacilityKind.WORKERS_LIBRARY, "职工书屋", "40", "综合服务楼三楼", ""),
        (
            FacilityKind.COUNSELLING_ROOM,
            "心理咨询室",
            "20",
            "综合服务楼三楼",
            "为职工提供婚恋、家庭感情、职场解压等方面的免费心理咨询",
        ),
        (FacilityKind.RECREATION_ROOM, "文体活动室", "60", "综合服务楼三楼", ""),
    ],
}


class Command(BaseCommand):
    help = "Load the demo parks, grid zones, facilities, organisations and accounts (idempotent)."

    def handle(self, *args, **options):
        if not settings.PORTAL_DEMO_DATA_ALLOWED:
            raise CommandError(
                "load_demo refuses to run here: its accounts share a published password, and "
                "these settings do not allow demo data (PORTAL_DEMO_DATA_ALLOWED)."
            )
        self.tally = Counter()
        with transaction.atomic():
            office = self._load()
            # The grid log first: other apps' demo data links to its entries.
            load_activity_demo(office=office, stdout=self.stdout)
            # Other apps (reform tasks, grievances…) add their demo data here.
            demo_data_loaded.send(sender=self.__class__, office=office, stdout=self.stdout)
        kinds = dict.fromkeys(kind for kind, _state in self.tally)
        for kind in kinds:
            counts = ", ".join(
                f"{self.tally[kind, state]} {state}"
                for state in ("created", "updated", "unchanged")
            )
            self.stdout.write(f"  {kind:<13} {counts}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Every demo account's password: {DEMO_PASSWORD}")
        )

    def _load(self):
        district = settings.PORTAL_DISTRICT_NAME
        subdistricts = {
            name: self._upsert(Subdistrict, {"district": district, "name": name})
            for name in SUBDISTRICTS
        }
        industries = {name: self._upsert(Industry, {"name": name}) for name in INDUSTRIES}
        orgs = {}
        for name, kind, subdistrict, park in ORGANISATIONS:
            if park is None:
                orgs[name] = self._organisation(name, kind, subdistricts.get(subdistrict), None)

        office = self._office_user(orgs[DISTRICT_OFFICE])
        parks = {spec["name"]: self._park(spec, subdistricts, industries, office) for spec in PARKS}
        for name, kind, _subdistrict, park in ORGANISATIONS:
            if park is not None:
                orgs[name] = self._organisation(name, kind, None, parks[park])

        scopes = {"park": parks, "subdistrict": subdistricts, "organisation": orgs}
        for username, (display_name, role, scope) in USERS.items():
            if username == "office":
                continue
            values = {"park": None, "subdistrict": None, "organisation": None}
            values.update({field: scopes[field][name] for field, name in scope.items()})
            self._user(username, office, display_name=display_name, role=role, **values)

        for park_name, (prefix, zones) in GRID_ZONES.items():
            park = parks[park_name]
            for number, (zone_name, boundary, liaison_name) in enumerate(zones, start=1):
                liaison = self._user(
                    f"liaison_{prefix}{number:02d}",
                    office,
                    display_name=liaison_name,
                    role=Role.LIAISON,
                    park=park,
                    subdistrict=None,
                    organisation=None,
                )
                self._upsert(
                    GridZone,
                    {"park": park, "code": f"G{number:02d}"},
                    {"name": zone_name, "boundary": boundary, "liaison": liaison},
                    save=lambda zone: services.grid_zone_save(grid_zone=zone, actor=office),
                )

        for park_name, rooms in FACILITIES.items():
            for kind, name, area, location, description in rooms:
                self._upsert(
                    Facility,
                    {"park": parks[park_name], "name": name},
                    {
                        "kind": kind,
                        "area_m2": Decimal(area),
                        "location": location,
                        "description": description,
                    },
                    save=lambda room: services.facility_save(facility=room, actor=office),
                )
        return office

    def _upsert(self, model, key, values=None, *, save=None, stale=None):
        """Find the row by its natural key, create it or bring it to `values`; save only on change.

        `stale(row)` flags differences `values` cannot express (many-to-many, password).
        """
        values = values or {}
        row = model.objects.filter(**key).first()
        created = row is None
        if created:
            row = model(**key)
        changed = created or any(getattr(row, field) != value for field, value in values.items())
        changed = changed or (stale is not None and stale(row))
        for field, value in values.items():
            setattr(row, field, value)
        if changed:
            if save is None:
                row.full_clean()
                row.save()
            else:
                save(row)
        state = "created" if created else "updated" if changed else "unchanged"
        self.tally[model.__name__, state] += 1
        return row

    def _organisation(self, name, kind, subdistrict, park):
        values = {"kind": kind, "subdistrict": subdistrict, "park": park, "is_active": True}
        return self._upsert(Organisation, {"name": name}, values)

    def _park(self, spec, subdistricts, industries, office):
        spec = dict(spec)
        name = spec.pop("name")
        spec["subdistrict"] = subdistricts[spec["subdistrict"]]
        wanted = [industries[industry] for industry in spec.pop("industries")]
        return self._upsert(
            Park,
            {"name": name},
            spec,
            save=lambda park: services.park_save(park=park, industries=wanted, actor=office),
            stale=lambda park: set(park.industries.all()) != set(wanted),
        )

    def _office_user(self, organisation):
        """The office account is the actor for every other write, so it is saved directly."""

        def save(user):
            user.password = self.demo_hash
            user.full_clean()
            user.save()

        display_name, role, _scope = USERS["office"]
        office = self._upsert(
            User,
            {"username": "office"},
            {
                "display_name": display_name,
                "email": demo_email("office"),
                "role": role,
                "organisation": organisation,
                "park": None,
                "subdistrict": None,
                "is_staff": True,
                "is_active": True,
            },
            save=save,
            stale=self._password_is_not_demo,
        )
        permissions = Permission.objects.filter(content_type__app_label__in=OFFICE_GROUP_APPS)

        def save_group(group):
            group.full_clean()
            group.save()
            group.permissions.set(permissions)

        group = self._upsert(
            Group,
            {"name": OFFICE_GROUP},
            save=save_group,
            stale=lambda group: set(group.permissions.all()) != set(permissions),
        )
        if not office.groups.filter(pk=group.pk).exists():
            office.groups.add(group)
        return office

    def _user(self, username, office, **values):
        return self._upsert(
            User,
            {"username": username},
            {"email": demo_email(username), **values, "is_active": True},
            save=lambda user: services.user_save(user=self._with_demo_password(user), actor=office),
            stale=self._password_is_not_demo,
        )

    # Hashing is slow on purpose (about 0.5 s each). The demo accounts share one hash, made once,
    # and each distinct stored hash is checked once, so a run costs one or two hashings, not 27.
    @cached_property
    def demo_hash(self):
        return make_password(DEMO_PASSWORD)

    def _with_demo_password(self, user):
        if self._password_is_not_demo(user):
            user.password = self.demo_hash
        return user

    def _password_is_not_demo(self, user):
        return not _is_demo_hash(user.password)


@lru_cache(maxsize=8)
def _is_demo_hash(encoded):
    return bool(encoded) and check_password(DEMO_PASSWORD, encoded)
