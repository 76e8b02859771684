"""A request heard at a grid-log entry becomes a grievance: what the form starts from (title,
note, zone, a suggested category) and the service that logs it with copies of the entry's photos.

The category is only suggested: the person logging reads it before saving.
"""

from django.core.files.base import ContentFile
from django.db import transaction

from grievances import services
from grievances.choices import Category, Channel
from grievances.models import Attachment, Grievance
from parks.core.files import files_undone_on_error
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity, ActivityPhoto
from parks.history import audit
from parks.structure.models import User

# Words that point to a category, checked in this order (the first category with a word in the
# text wins): disputes and injuries before wages, since a wage dispute is a labour dispute.
CATEGORY_KEYWORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.INJURY_SUBSIDY, ("工伤", "伤残", "受伤", "工伤补贴")),
    (Category.LABOUR_DISPUTE, ("劳动争议", "劳动合同", "辞退", "解除合同", "仲裁", "社保", "加班")),
    (Category.WAGES, ("工资", "欠薪", "薪资", "拖欠", "晚发", "克扣", "工钱", "薪水")),
    (Category.ILLNESS, ("生病", "患病", "住院", "疾病", "医疗", "看病")),
    (Category.SAFETY, ("安全", "消防", "隐患", "漏电", "危险", "坍塌")),
    (Category.LIFE_DISPUTE, ("邻里", "纠纷", "吵架", "住宿", "宿舍")),
    (Category.PROPOSAL, ("合理化建议", "创新", "改进工艺", "技改")),
    (Category.OPINION, ("建议", "意见", "希望", "空调", "食堂", "厕所", "环境")),
)
# How long a title made from the note may be (the first sentence, cut here).
DERIVED_TITLE_LENGTH = 40


def suggest_category(text: str) -> str:
    """The category the words of `text` point to ("三月工资晚发" → wages), or "" for none."""
    for category, words in CATEGORY_KEYWORDS:
        if any(word in text for word in words):
            return category.value
    return ""


def title_for(activity: Activity) -> str:
    """The entry's title; an entry without one gives the first sentence of its note."""
    if activity.title.strip():
        return activity.title.strip()[:200]
    note = activity.description.strip()
    for stop in "。！？!?\n":
        note = note.split(stop, 1)[0]
    return note[:DERIVED_TITLE_LENGTH]


def initial_from(activity: Activity) -> dict:
    """What the grievance form starts from, for an entry the user may use."""
    return {
        "park": activity.park_id,
        "grid_zone": activity.grid_zone_id,
        "channel": Channel.FORUM if activity.kind == ActivityKind.FORUM else Channel.LIAISON_VISIT,
        "title": title_for(activity),
        "description": activity.description,
        "category": suggest_category(f"{activity.title} {activity.description}"),
    }


def _copy_photo(grievance: Grievance, photo: ActivityPhoto, files) -> str:
    """A copy of the entry's photo as the grievance's own attachment: the grievance keeps it
    when the entry or its photo is corrected or deleted."""
    with photo.image.open("rb") as source:
        content = source.read()
    attachment = Attachment(grievance=grievance, original_name=photo.download_name)
    attachment.size = len(content)
    files.save(attachment.file, photo.download_name, ContentFile(content))
    attachment.save()
    return attachment.original_name


@transaction.atomic
def grievance_receive_from_activity(
    *,
    grievance: Grievance,
    actor: User,
    activity: Activity,
    files=(),
    with_photos: bool = True,
) -> Grievance:
    """Log a grievance heard at `activity` (grievances.services.grievance_receive checks it),
    attaching copies of the entry's photos when `with_photos`."""
    grievance.source_activity = activity
    grievance = services.grievance_receive(grievance=grievance, actor=actor, files=files)
    if with_photos:
        with files_undone_on_error() as written:
            copied = [_copy_photo(grievance, photo, written) for photo in activity.photos.all()]
        if copied:
            audit.record_save(
                actor=actor,
                instance=grievance,
                before=grievance,
                extra={"attachments": ([], copied)},
                only=(),
            )
    return grievance
