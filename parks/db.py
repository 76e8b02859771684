"""Chinese sort order for names, the same on PostgreSQL and on the demo's SQLite.

PostgreSQL sorts with ICU's Chinese collation (by pinyin). SQLite has no ICU, so every SQLite
connection gets a collation of the same name that compares pinyin keys made by pypinyin.
"""

from django.db.backends.signals import connection_created
from django.db.models.functions import Collate
from pypinyin import Style, lazy_pinyin

CHINESE_COLLATION = "zh-x-icu"


def chinese_order(field_name, *, descending=False):
    """An order_by() term that sorts a text field by pinyin, as Chinese readers expect."""
    expression = Collate(field_name, CHINESE_COLLATION)
    return expression.desc() if descending else expression.asc()


def pinyin_sort_key(text):
    return (" ".join(lazy_pinyin(text, style=Style.TONE3)).lower(), text)


def _compare_pinyin(left, right):
    left_key, right_key = pinyin_sort_key(left), pinyin_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def _register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(CHINESE_COLLATION, _compare_pinyin)


connection_created.connect(_register_sqlite_collation, dispatch_uid="parks_chinese_collation")
