"""Hand-made grievance histories for the rate definitions: each step is taken by the real
service at a given moment (the services stamp every step "now")."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from grievances import workflow as services
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def days(n: float) -> timedelta:
    return timedelta(days=n)


class Desk:
    """The office and two units taking the workflow's steps at chosen moments."""

    def __init__(self, time_machine):
        self.clock = time_machine
        self.office = UserFactory(role=Role.OFFICE)
        self.unit_a = OrganisationFactory(name="区人社局")
        self.unit_b = OrganisationFactory(name="区总工会")
        self.staff = {
            self.unit_a.pk: UserFactory(role=Role.MEMBER_UNIT, organisation=self.unit_a),
            self.unit_b.pk: UserFactory(role=Role.MEMBER_UNIT, organisation=self.unit_b),
        }

    def _at(self, moment: datetime) -> None:
        self.clock.move_to(moment, tick=False)

    def _unit_staff(self, grievance):
        grievance.refresh_from_db()
        return self.staff[grievance.handling_unit_id]

    def received(self, park, at: datetime, **fields):
        """Received at `at`: 24 hours to respond and 15 days to resolve unless said."""
        return GrievanceFactory(park=park, received_at=at, **fields)

    def assign(self, grievance, at: datetime, unit=None):
        self._at(at)
        services.grievance_assign(grievance=grievance, actor=self.office, unit=unit or self.unit_a)

    def accept(self, grievance, at: datetime):
        self._at(at)
        services.grievance_accept(grievance=grievance, actor=self._unit_staff(grievance))

    def give_back(self, grievance, at: datetime):
        self._at(at)
        services.grievance_return(
            grievance=grievance, actor=self._unit_staff(grievance), note="不属本单位职责"
        )

    def reply(self, grievance, at: datetime):
        self._at(at)
        services.grievance_reply(
            grievance=grievance, actor=self._unit_staff(grievance), note="已协调解决"
        )

    def call(self, grievance, at: datetime, satisfaction: str, **kwargs):
        self._at(at)
        services.grievance_follow_up(
            grievance=grievance, actor=self.office, satisfaction=satisfaction, **kwargs
        )

    def reopen(self, grievance, at: datetime):
        self._at(at)
        services.grievance_reopen(grievance=grievance, actor=self.office, note="职工不满意")

    def close(self, grievance, at: datetime):
        self._at(at)
        services.grievance_close(grievance=grievance, actor=self.office)

    def withdraw(self, grievance, at: datetime):
        self._at(at)
        services.grievance_withdraw(grievance=grievance, actor=self.office, note="职工撤回")

    def handled(self, grievance, *, accepted: timedelta, replied: timedelta | None = None):
        """Assigned to unit A on receipt, accepted and (optionally) replied after the delays."""
        start = grievance.received_at
        self.assign(grievance, start)
        self.accept(grievance, start + accepted)
        if replied is not None:
            self.reply(grievance, start + replied)
        return grievance
