"""Django's database sessions, each page's session read by a query compiled once per process.

Every signed-in page loads its session first; Django's store builds and compiles the same
`get(session_key=…, expire_date__gt=now)` each time. Here the query is compiled once
(parks.core.prepared: the key and the moment are its only values) and read the same way: the
unexpired session of that key, or none (then, as Django's store does, the key is forgotten and
the session starts empty). Everything else (saving, creating, expiring, clearing) is Django's.
SESSION_ENGINE names this module.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from parks.core.prepared import prepared


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model

        def unexpired(session_key, now):
            return model.objects.filter(session_key=session_key, expire_date__gt=now)

        found = list(prepared(("session", model), unexpired, self.session_key, timezone.now()))
        if found:
            return found[0]
        self._session_key = None
        return None
