"""The sample construction table (施工表) shipped with the portal and loaded as demo data.

Drawn from the district reform office's report (shared/seed): the tasks the two pilot parks,
the subdistrict and the district took on. Dates are days from `today`, so the table always
shows a mix: several tasks done on time, one done late, two red (past due), three yellow (due
within a week or behind the scheduled pace) and the rest green. `progress`, `done` and
`milestones` are the demo's state, set by reforms.tasks.demo through the services; the sheet itself
holds only what an import reads.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from django.utils import timezone

from parks.core.downloads import xlsx_response
from parks.structure.demo_names import DISTRICT_OFFICE, HUAXIA, SHENGYANG
from reforms.tasks.choices import PlanScope, TaskCategory
from reforms.tasks.excel import write_rows

SAMPLE_FILE_NAME = "施工表示例.xlsx"

# key: title, issuing organisation, scope, and the subdistrict or park it is for.
PLANS = {
    "LX": ("梁溪区特色产业园区产改工作推进方案", DISTRICT_OFFICE, PlanScope.DISTRICT, None),
    "GY": (
        "新时代广益街道产业工人队伍建设改革实施方案",
        "广益街道产改办",
        PlanScope.SUBDISTRICT,
        "广益街道",
    ),
    "SY": (
        "无锡盛阳食品城产业工人队伍建设改革实施方案",
        "盛阳食品城市场党委",
        PlanScope.PARK,
        SHENGYANG,
    ),
    "HX": (
        "无锡华夏家居港市场产业工人队伍建设改革实施方案",
        "华夏家居港市场党委",
        PlanScope.PARK,
        HUAXIA,
    ),
}


@dataclass(frozen=True)
class SampleTask:
    """One row of the sample sheet, with the progress the demo brings it to."""

    number: str  # the code without its year, e.g. "SY-01"
    plan: str  # a key of PLANS
    park: str | None
    category: str
    title: str
    description: str
    lead_unit: str
    supporting_units: tuple[str, ...]
    owner: str  # username of a demo account, or ""
    start: int  # days from today
    due: int
    weight: int
    progress: int = 0
    done: str = ""  # "on_time" or "late": the demo finishes the task
    note: str = ""  # the demo's progress update
    milestones: tuple[tuple[str, float], ...] = ()  # (title, share of the span when due)


UNION = "区总工会"
SY_COMMITTEE, HX_COMMITTEE = "盛阳食品城市场党委", "华夏家居港市场党委"
HX_UNION = "华夏家居港行业工会联合会"
GY_OFFICE = "广益街道产改办"
PLAN_DO_REVIEW = (("制定工作方案", 0.2), ("组织实施", 0.6), ("总结验收", 1.0))

SAMPLE_TASKS = [
    SampleTask(
        "SY-01", "SY", SHENGYANG, TaskCategory.IDEOLOGY, "“礼赞新时代·追梦复兴路”主题宣讲",
        "开展主题宣讲活动，把广大职工凝聚在党的周围，引导产业工人听党话、跟党走、感党恩。",
        SY_COMMITTEE, ("区委宣传部", UNION), "manager_sy", -150, -30, 5, done="on_time",
        note="六场宣讲全部完成，覆盖经营户和职工八百余人次。",
        milestones=(("制定宣讲计划", 0.1), ("完成首轮宣讲", 0.5), ("总结报送", 1.0)),
    ),
    SampleTask(
        "SY-02", "SY", SHENGYANG, TaskCategory.POLITICAL_STATUS, "设立党员示范岗、党员先锋岗",
        "以党员下沉市场为抓手，党员亮身份、亮职责，设立党员示范岗、党员先锋岗，形成齐争共创的局面。",
        SY_COMMITTEE, ("区委组织部",), "manager_sy", -120, 60, 5, progress=70,
        note="已在10个党群网格设立示范岗12个、先锋岗8个。",
        milestones=(("确定岗位和人选", 0.3), ("挂牌亮岗", 0.6), ("年度评议", 1.0)),
    ),
    SampleTask(
        "SY-03", "SY", SHENGYANG, TaskCategory.POSITIONS, "打造企业文化长廊",
        "涵盖成长历程、发展愿景、荣誉、食安守护、诚信经营、公益活动、团队文化、盛阳礼约、"
        "水产品小知识等内容。",
        SY_COMMITTEE, ("区委宣传部",), "manager_sy", -200, -60, 3, done="late",
        note="文化长廊布展完成并对外开放。",
        milestones=(("内容策划", 0.3), ("布展施工", 0.8), ("开放验收", 1.0)),
    ),
    SampleTask(
        "SY-04", "SY", SHENGYANG, TaskCategory.RIGHTS, "满意度调查与整改",
        "向经营户代表和进货商顾客发放满意度调查900多份，采集意见并逐条整改落实。",
        SY_COMMITTEE, (UNION,), "manager_sy", -90, -5, 8, progress=80,
        note="已回收问卷912份，采集意见63条，整改落实47条，其余正在推进。",
        milestones=(("发放问卷", 0.3), ("汇总意见", 0.6), ("整改销号", 1.0)),
    ),
    SampleTask(
        "SY-05", "SY", SHENGYANG, TaskCategory.RIGHTS, "劳动争议预防和调解",
        "做好劳动争议预防和调解，及时处理工伤补贴争议、患病职工投诉、劳动争议及生活纠纷。",
        UNION, ("区司法局", "区人社局"), "member_unit", -60, 120, 8, progress=30,
        note="已调解工伤补贴争议3起、劳动争议及生活纠纷7起。",
        milestones=(("建立调解工作机制", 0.2), ("半年小结", 0.5), ("全年总结", 1.0)),
    ),
    SampleTask(
        "SY-06", "SY", SHENGYANG, TaskCategory.CARE, "“送清凉”慰问一线职工",
        "开展“送清凉”“中医理疗”“留锡过节”“慰问一线职工”等关爱活动。",
        UNION, (SY_COMMITTEE,), "member_unit", -40, 5, 3, progress=60,
        note="已开展慰问活动14次，还剩冷链仓储区和水产加工区两个网格。",
        milestones=(("制定慰问计划", 0.2), ("完成全部网格慰问", 1.0)),
    ),
    SampleTask(
        "SY-07", "SY", SHENGYANG, TaskCategory.CARE, "防疫保供人员特殊补贴发放",
        "给42位防疫保供人员发放特殊补贴，共4.2万元。",
        UNION, ("区财政局", SY_COMMITTEE), "member_unit", -100, -20, 3, done="on_time",
        note="42人补贴4.2万元已全部发放到位。",
        milestones=(("核定名单", 0.4), ("发放到位", 1.0)),
    ),
    SampleTask(
        "SY-08", "SY", SHENGYANG, TaskCategory.PUBLICITY, "办好“一讯一号”",
        "办好盛阳通讯和企业公众号，开辟“盛阳中华传统美德教育宣传”“企业文化心得体会”专栏。",
        SY_COMMITTEE, ("区委宣传部",), "manager_sy", -30, 150, 2, progress=10,
        note="专栏已开设，首期通讯已出刊。",
        milestones=(("开设专栏", 0.2), ("季度出刊", 0.6), ("年度汇编", 1.0)),
    ),
    SampleTask(
        "HX-01", "HX", HUAXIA, TaskCategory.ORGANISATION, "成立行业工会联合会",
        "组织市场小微企业建会入会，成立行业工会联合会。",
        HX_COMMITTEE, (UNION,), "manager_hx", -180, -90, 8, done="on_time",
        note="行业工会联合会已成立，首批入会企业36家。",
        milestones=(("筹备组建", 0.4), ("召开成立大会", 1.0)),
    ),
    SampleTask(
        "HX-02", "HX", HUAXIA, TaskCategory.ORGANISATION, "划分10个网格，配备产改联络员",
        "根据市场区域划分10个网格，每个网格配备产改联络员，联动落实产改举措。",
        HX_COMMITTEE, (GY_OFFICE,), "manager_hx", -150, -100, 5, done="on_time",
        note="10个网格划定，联络员全部到岗。",
        milestones=(("划定网格", 0.5), ("联络员到岗", 1.0)),
    ),
    SampleTask(
        "HX-03", "HX", HUAXIA, TaskCategory.POSITIONS, "建设200平方米产改阵地",
        "腾出200多平方米，建设党建活动室、产改指导站、母婴室、职工书屋、心理咨询室、文体活动室。",
        HX_COMMITTEE, (GY_OFFICE, UNION), "manager_hx", -120, -10, 10, progress=85,
        note="党建活动室、指导站、书屋已投用，文体活动室仍在装修。",
        milestones=(("腾出场地", 0.2), ("装修布置", 0.7), ("全部投用", 1.0)),
    ),
    SampleTask(
        "HX-04", "HX", HUAXIA, TaskCategory.SKILLS, "技师学院产业工人培训基地技能培训",
        "组织职工到技师学院产业工人培训基地进行常态化、精准化培训。",
        "区人社局", (HX_UNION,), "", -100, 80, 8, progress=20,
        note="首期培训已开班，学员42人。",
        milestones=(("摸清培训需求", 0.2), ("首期开班", 0.4), ("全年培训结业", 1.0)),
    ),
    SampleTask(
        "HX-05", "HX", HUAXIA, TaskCategory.SKILLS, "科技创新成果和合理化建议征集",
        "推进科技助航行动，开展职工“科技创新成果、合理化建议”征集评选活动。",
        HX_UNION, ("区工信局", UNION), "manager_hx", -20, 100, 5,
        milestones=(("发布征集通知", 0.2), ("评审", 0.8), ("表彰", 1.0)),
    ),
    SampleTask(
        "HX-06", "HX", HUAXIA, TaskCategory.CARE, "职工大阅读活动",
        "以职工书屋为平台，组织专题演讲、经典诵读、阅读分享、知识竞赛等读书活动。",
        HX_UNION, (UNION,), "manager_hx", -60, 60, 3, progress=50,
        note="已举办经典诵读和阅读分享会各两场。",
        milestones=(("启动仪式", 0.1), ("知识竞赛", 0.7), ("评选书香职工", 1.0)),
    ),
    SampleTask(
        "HX-07", "HX", HUAXIA, TaskCategory.POLITICAL_STATUS, "在产业工人中发展党员",
        "把技术能手、青年专家、优秀工人吸收到党组织队伍中来。",
        HX_COMMITTEE, ("区委组织部",), "manager_hx", -30, 200, 3, progress=10,
        note="已确定入党积极分子5名。",
        milestones=(("确定积极分子", 0.2), ("发展对象培训", 0.6), ("发展入党", 1.0)),
    ),
    SampleTask(
        "HX-08", "HX", HUAXIA, TaskCategory.RIGHTS, "召开职工座谈会，设置总经理信箱",
        "鼓励职工对经营、技术管理等方面提出意见建议，并在规定时间内反馈处理结果。",
        HX_COMMITTEE, (HX_UNION,), "manager_hx", -45, 135, 5, progress=15,
        note="总经理信箱已设置，首次职工座谈会已召开。",
        milestones=(("设置信箱", 0.1), ("季度座谈会", 0.5), ("反馈情况通报", 1.0)),
    ),
    SampleTask(
        "GY-01", "GY", HUAXIA, TaskCategory.OTHER, "指导华夏家居港制订产改实施方案",
        "帮助指导华夏家居港制订《无锡华夏家居港市场产业工人队伍建设改革实施方案》，定下产改路线图。",
        GY_OFFICE, (DISTRICT_OFFICE,), "subdistrict", -300, -220, 5, done="on_time",
        note="实施方案已印发，路线图已确定。",
        milestones=(("起草方案", 0.5), ("印发实施", 1.0)),
    ),
    SampleTask(
        "GY-02", "GY", HUAXIA, TaskCategory.ORGANISATION, "建立产改指导员队伍，指导员下沉网格",
        "依托产改指导站建立产改指导员队伍，由指导员下沉各网格片区指导推进产改工作。",
        GY_OFFICE, (HX_COMMITTEE,), "subdistrict", -60, 90, 5, progress=40,
        note="指导员已下沉6个网格。",
        milestones=(("选派指导员", 0.2), ("全部网格覆盖", 0.7), ("工作总结", 1.0)),
    ),
    SampleTask(
        "LX-01", "LX", HUAXIA, TaskCategory.OTHER, "深入华夏家居港走访调研",
        "与企业、联合会、职工座谈和现场办公，协调解决产改阵地建设等问题，全年走访调研5次。",
        DISTRICT_OFFICE, (GY_OFFICE,), "office", -200, 30, 3, progress=60,
        note="已走访调研3次。",
        milestones=(("第一次走访", 0.2), ("第三次走访", 0.6), ("第五次走访", 1.0)),
    ),
    SampleTask(
        "LX-02", "LX", None, TaskCategory.PUBLICITY, "特色产业园区产改宣传报道",
        "在网络平台、平面媒体、电视台和政府网站宣传报道特色产业园区产改成效。",
        "区委宣传部", (DISTRICT_OFFICE,), "", -90, 270, 3, progress=25,
        note="网络平台发布22次，电视台播出8次。",
    ),
    SampleTask(
        "LX-03", "LX", None, TaskCategory.OTHER, "探索楼宇产改",
        "积极探索楼宇产改工作，拓展产改工作行业覆盖面。",
        DISTRICT_OFFICE, ("区工信局", "区发改委"), "office", -10, 300, 2,
    ),
]  # fmt: skip


def sample_code(task: SampleTask, today: date) -> str:
    return f"{today.year}-{task.number}"


def sample_plans(today: date) -> list[dict]:
    """The plans the sample sheet names, for the year of `today`."""
    return [
        {"title": title, "issuer": issuer, "scope": scope, "target": target, "year": today.year}
        for title, issuer, scope, target in PLANS.values()
    ]


def sample_rows(today: date) -> list[dict]:
    """The sample sheet's rows as import values (see reforms.tasks.excel.task_values)."""
    return [
        {
            "code": sample_code(task, today),
            "plan_title": PLANS[task.plan][0],
            "plan_year": today.year,
            "park": task.park or "",
            "category": task.category.value,
            "title": task.title,
            "description": task.description,
            "lead_unit": task.lead_unit,
            "supporting_units": list(task.supporting_units),
            "owner": task.owner,
            "start_date": (today + timedelta(days=task.start)).isoformat(),
            "due_date": (today + timedelta(days=task.due)).isoformat(),
            "weight": task.weight,
        }
        for task in SAMPLE_TASKS
    ]


def build_sample_sheet(stream, *, today: date, codes=None) -> None:
    """Write the sample sheet in the import format; only the rows of `codes` if given."""
    rows = [row for row in sample_rows(today) if codes is None or row["code"] in codes]
    write_rows(((row, ()) for row in rows), stream)


def sample_sheet_response(today: date | None = None, filename: str = SAMPLE_FILE_NAME):
    """The sample sheet as a download, for the import page."""
    stream = BytesIO()
    build_sample_sheet(stream, today=today or timezone.localdate())
    return xlsx_response(stream.getvalue(), filename)
