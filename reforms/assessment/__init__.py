"""Unit assessment (考核评分): the office's yearly schemes of weighted indicators, each unit's,
subdistrict's and park's score for a month, quarter or year, and the 红黑榜 that ranks them."""
