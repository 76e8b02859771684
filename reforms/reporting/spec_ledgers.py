"""The ledger sections of a progress report's snapshot: care and subsidy payments, publicity,
skills training, and rationalisation proposals and innovations.

Part of the report's declaration; reforms.reporting.spec assembles the whole snapshot and
re-exports every name here.
"""

from django.utils.translation import gettext_lazy as _

from reforms.ledgers.choices import ProposalStatus, PublicityChannel
from reforms.ledgers.excel import CHANNEL_TERMS, STATUS_TERMS
from reforms.reporting.shape import HOURS, YUAN, Figure, Group, per_choice, periods

LEDGER_NOTE = "Summed as on the ledger pages, over rows whose {date} falls in the period."

CARE = Group(
    "ReportCare",
    periods(
        Group(
            "ReportCarePeriod",
            (
                Figure("entries", _("Payments"), "帮扶条数", "Payments."),
                Figure("recipients", _("People paid"), "受助人数", "People paid."),
                Figure("amount", _("Amount (yuan)"), "帮扶金额（元）", "Money paid.", kind=YUAN),
            ),
        )
    ),
    f"Care and subsidy payments (关爱帮扶). {LEDGER_NOTE.format(date='paid-on date')}",
)
PUBLICITY = Group(
    "ReportPublicity",
    periods(
        Group(
            "ReportPublicityPeriod",
            (
                Figure("entries", _("Pieces"), "宣传报道总数", "Publicity items."),
                *per_choice(
                    PublicityChannel, CHANNEL_TERMS, definition="Of those, on channel `{value}`."
                ),
            ),
        )
    ),
    "Publicity (宣传) by channel (`publicity_channels`). "
    f"{LEDGER_NOTE.format(date='published-on date')}",
)
TRAINING = Group(
    "ReportTraining",
    periods(
        Group(
            "ReportTrainingPeriod",
            (
                Figure("entries", _("Courses"), "培训期数", "Courses."),
                Figure("hours", _("Hours"), "学时", "Course hours", kind=HOURS),
                Figure("trainees", _("Trainees"), "参训人数", "Trainees."),
                Figure(
                    "certificates",
                    _("Certificates"),
                    "取证人数",
                    "Trainees who earned a certificate.",
                ),
            ),
        )
    ),
    f"Skills training (技能培训). {LEDGER_NOTE.format(date='start date')}",
)
PROPOSAL_STATUSES = per_choice(
    ProposalStatus,
    {status: f"状态：{term}" for status, term in STATUS_TERMS.items()},
    definition="Of those, in status `{value}` on `as_of`.",
)
PROPOSALS = Group(
    "ReportProposals",
    periods(
        Group(
            "ReportProposalsPeriod",
            (
                Figure(
                    "entries",
                    _("Submitted in the period"),
                    "建议和成果总数",
                    "Proposals and innovations submitted.",
                ),
                Figure(
                    "innovations",
                    _("Innovations"),
                    "其中：科技创新成果",
                    "Of those, technical innovations.",
                ),
                Figure(
                    "benefit_amount",
                    _("Benefit (yuan)"),
                    "效益金额（元）",
                    "Benefit recorded.",
                    kind=YUAN,
                ),
                Figure(
                    "reward_amount",
                    _("Rewards (yuan)"),
                    "奖励金额（元）",
                    "Rewards paid.",
                    kind=YUAN,
                ),
                *PROPOSAL_STATUSES,
            ),
        )
    ),
    "Rationalisation proposals and innovations (合理化建议), by status in workflow order "
    f"(`proposal_statuses`). {LEDGER_NOTE.format(date='submitted-on date')}",
)
# The page and the workbook list a proposal's statuses between its counts and its money.
PROPOSAL_ROWS = ("entries", "innovations", *(f.key for f in PROPOSAL_STATUSES))
PROPOSAL_ROWS += ("benefit_amount", "reward_amount")
