"""The names the demo data of every app keys on: the two seed parks and the district office.

Apart from `manage.py load_demo` so that the demo modules it runs (the grid log's, and other apps'
through parks.signals) can name the parks without importing the command back.
"""

SHENGYANG = "无锡盛阳食品城"
HUAXIA = "无锡华夏家居港建材市场"
DISTRICT_OFFICE = "梁溪区产改办"
