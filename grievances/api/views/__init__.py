"""REST API v1 for workers' grievances, split by topic: the grievances with their workflow
steps, timeline, extensions, mediation and the three rates (grievances), the office's decisions
on extension requests (extensions), attachments (attachments), satisfaction survey campaigns
(surveys) and time-limit policies (policies).

Querysets come from the scope selectors, so rows outside a user's scope are 404s. Every write
goes through grievances.services. Their ValidationError with field messages is a 400, their
PermissionDenied a 403 (parks.core.api.errors); a ValidationError without a field, raised when the
grievance's current state forbids the step, is a 409 Conflict here.
"""
