"""The workbench (工作台) at "/", the global search and the unit pages: a reader of every domain.

The workbench's sections and the related panels of the park, grid-zone, unit, task and grievance
pages are contributed by the domains through parks.core.related (kind "workbench", "park",
"grid_zone", "unit", "task", "grievance"), each registered at its AppConfig.ready, in this
order:

- 10–13 grievances: to assign, to accept, to handle, follow-up due (grievances/panels.py);
- 30–35 supervision orders (督办单, reforms/supervision/panels.py): 30 to answer (a unit's
  staff), 31 replies to check and 32 overdue (the office); and an "orders" panel on the unit,
  park, grid-zone, task and grievance pages, drawn by its own template (Panel.template =
  "reforms/supervision/_orders_panel.html");
- 40 tasks red or yellow, 45 milestones due this week (reforms/workbench/panels.py);
- 60 grid zones silent this week (parks/gridlog/panels.py); 70 reports ready.
"""
