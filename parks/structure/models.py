"""Parks, their grid zones and facilities, the organisations around them, and the people."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parks.core.choice_display import ChoiceDisplayMixin
from parks.core.db import chinese_order
from parks.core.row_urls import pk_url
from parks.structure.choice_labels import person_name
from parks.structure.choices import (
    DESIGNATED_STATUSES,
    PARK_ORGANISATION_KINDS,
    PARK_ROLES,
    FacilityKind,
    OrganisationKind,
    ParkKind,
    PilotStatus,
    Role,
)

# The first pilot parks were designated in 2021; these bounds only catch typing mistakes.
FIRST_DESIGNATION_YEAR = 2000
LAST_DESIGNATION_YEAR = 2100


class ConstraintErrorsOnFieldsMixin:
    """Report a violated constraint against the field it is about, so forms show it there.

    Django reports multi-field unique constraints as errors of the whole form; a constraint
    listed in `constraint_fields` (violation code -> field name) is moved onto its field.
    """

    constraint_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            for message in errors.pop(NON_FIELD_ERRORS, []):
                field = self.constraint_fields.get(getattr(message, "code", None))
                errors.setdefault(field or NON_FIELD_ERRORS, []).append(message)
            raise ValidationError(errors) from error


class Subdistrict(models.Model):
    """A subdistrict (街道) of the district, the second level of the coordination group."""

    district = models.CharField(_("district"), max_length=50)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="subdistrict_unique_name"),
            models.CheckConstraint(
                condition=Q(name__regex=r"\S") & Q(district__regex=r"\S"),
                name="subdistrict_name_not_blank",
            ),
        ]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """An industry a park serves (水产, 建材, 家居服务…), used to filter parks."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        # Wherever industries are listed (a park's page and list row, the API, the park form's
        # checkboxes, the park filter's select, the audit trail): by pinyin, read in SQL.
        ordering = [chinese_order("name")]
        constraints = [
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="industry_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class Park(ChoiceDisplayMixin, models.Model):
    """A specialty industrial park, market or office building taking part in the reform."""

    # The robot's address carries its key: the audit log says it changed, never the key.
    AUDIT_MASKED_FIELDS = ("wecom_webhook",)

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ParkKind.choices, default=ParkKind.INDUSTRIAL_PARK
    )
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="parks", verbose_name=_("subdistrict")
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="parks", verbose_name=_("industries")
    )
    pilot_status = models.CharField(
        _("pilot status"),
        max_length=20,
        choices=PilotStatus.choices,
        default=PilotStatus.CANDIDATE,
    )
    designation_year = models.PositiveSmallIntegerField(
        _("designation year"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(FIRST_DESIGNATION_YEAR),
            MaxValueValidator(LAST_DESIGNATION_YEAR),
        ],
        help_text=_(
            "The year the park was designated a pilot, newly cultivated pilot or graduate."
        ),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    motto = models.CharField(
        _("motto"), max_length=100, blank=True, help_text=_("A slogan the park is known by.")
    )
    honours = models.TextField(_("honours"), blank=True, help_text=_("One honour per line."))
    description = models.TextField(_("description"), blank=True)
    # A WeCom (企业微信) group robot: notices to the park's people also post here, once per notice.
    wecom_webhook = models.URLField(
        _("WeCom robot webhook"),
        max_length=500,
        blank=True,
        help_text=_(
            "The group robot's address (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); "
            "notices to the park's people also post to this group."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        indexes = [
            # The park list filters by subdistrict and pilot status together.
            models.Index(fields=["subdistrict", "pilot_status"], name="park_subdistrict_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="park_name_not_blank"),
            models.CheckConstraint(condition=Q(kind__in=ParkKind.values), name="park_kind_valid"),
            models.CheckConstraint(
                condition=Q(pilot_status__in=PilotStatus.values),
                name="park_pilot_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(designation_year__isnull=True)
                | Q(
                    designation_year__gte=FIRST_DESIGNATION_YEAR,
                    designation_year__lte=LAST_DESIGNATION_YEAR,
                ),
                name="park_designation_year_range",
            ),
            models.CheckConstraint(
                condition=~Q(pilot_status__in=DESIGNATED_STATUSES)
                | Q(designation_year__isnull=False),
                name="park_designated_has_year",
                violation_error_message=_(
                    "A pilot, newly cultivated or graduated park needs the year it was designated."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url("parks:park_detail", self.pk)

    @property
    def honour_list(self):
        return [line.strip() for line in self.honours.splitlines() if line.strip()]


class Organisation(ChoiceDisplayMixin, models.Model):
    """A body taking part in the reform: an office, a member unit, a park committee, a union."""

    AUDIT_MASKED_FIELDS = ("wecom_webhook",)  # as on Park

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("subdistrict"),
    )
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("park"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A WeCom (企业微信) group robot: notices to the unit's staff also post here, once per notice.
    wecom_webhook = models.URLField(
        _("WeCom robot webhook"),
        max_length=500,
        blank=True,
        help_text=_(
            "The group robot's address (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); "
            "notices to the unit's staff also post to this group."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(name__regex=r"\S"), name="organisation_name_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.SUBDISTRICT_OFFICE)
                | Q(subdistrict__isnull=False),
                name="organisation_subdistrict_office_has_subdistrict",
                violation_error_message=_("A subdistrict office must name its subdistrict."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=PARK_ORGANISATION_KINDS) | Q(park__isnull=False),
                name="organisation_park_body_has_park",
                violation_error_message=_(
                    "A park committee or union federation must name its park."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class User(ChoiceDisplayMixin, AbstractUser):
    """A person who signs in: their role and the park or subdistrict it applies to."""

    # The audit log (parks.history.audit) says a password changed, never the hash; sign-ins are no
    # edit.
    AUDIT_MASKED_FIELDS = ("password",)
    AUDIT_IGNORED_FIELDS = ("last_login",)

    display_name = models.CharField(
        _("full name"),
        max_length=50,
        blank=True,
        help_text=_("The person's name as colleagues say it."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OBSERVER)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("subdistrict"),
    )
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("park"),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(
                condition=~Q(role__in=PARK_ROLES) | Q(park__isnull=False),
                name="user_park_role_has_park",
                violation_error_message=_(
                    "Park managers, liaisons and instructors must be given their park."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SUBDISTRICT) | Q(subdistrict__isnull=False),
                name="user_subdistrict_role_has_subdistrict",
                violation_error_message=_("Subdistrict staff must be given their subdistrict."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.OFFICE) | Q(park__isnull=True, subdistrict__isnull=True),
                name="user_office_has_no_narrower_scope",
                violation_error_message=_(
                    "District office staff work across the district: "
                    "leave park and subdistrict empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(park__isnull=True) | Q(subdistrict__isnull=True),
                name="user_scope_park_or_subdistrict",
                violation_error_message=_("Give a park or a subdistrict, not both."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.MEMBER_UNIT) | Q(organisation__isnull=False),
                name="user_member_unit_role_has_organisation",
                violation_error_message=_("Member-unit staff must be given their organisation."),
            ),
        ]

    def __str__(self):
        return person_name(self.display_name, self.username)

    @property
    def scope(self):
        """The park, subdistrict or organisation the person's work is tied to, if any."""
        return self.park or self.subdistrict or self.organisation


# The route of a grid zone's page (get_absolute_url; the park page addresses its zone rows).
GRID_ZONE_ROUTE = "parks:grid_zone_detail"


class GridZone(ConstraintErrorsOnFieldsMixin, models.Model):
    """One grid zone (网格) of a park, looked after by a liaison."""

    constraint_fields = {"duplicate_code": "code", "bad_code": "code"}

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="grid_zones", verbose_name=_("park")
    )
    code = models.CharField(
        _("code"), max_length=20, help_text=_("Short code, unique within the park, e.g. G01.")
    )
    name = models.CharField(_("name"), max_length=100)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_zones",
        verbose_name=_("liaison"),
    )
    boundary = models.TextField(
        _("boundary"), blank=True, help_text=_("Which streets, rows or buildings the zone covers.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grid zone")
        verbose_name_plural = _("grid zones")
        ordering = ["park_id", "code"]
        constraints = [
            # Also the index for the park page's "grid zones of this park, by code".
            models.UniqueConstraint(
                fields=["park", "code"],
                name="grid_zone_unique_code_in_park",
                violation_error_message=_("This park already has a grid zone with this code."),
                violation_error_code="duplicate_code",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9-]+$"),
                name="grid_zone_code_format",
                violation_error_message=_(
                    "Use capital letters, digits and hyphens only, without spaces, e.g. G01."
                ),
                violation_error_code="bad_code",
            ),
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="grid_zone_name_not_blank"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return pk_url(GRID_ZONE_ROUTE, self.pk)


class Facility(ChoiceDisplayMixin, ConstraintErrorsOnFieldsMixin, models.Model):
    """A room or position (阵地) the park sets aside for the reform."""

    constraint_fields = {"duplicate_name": "name", "area_not_positive": "area_m2"}

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("park")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=100)
    area_m2 = models.DecimalField(
        _("area (m²)"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(area_m2__gt=0),
                name="facility_area_positive",
                violation_error_message=_("The area must be greater than zero."),
                violation_error_code="area_not_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FacilityKind.values), name="facility_kind_valid"
            ),
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="facility_name_not_blank"),
            models.UniqueConstraint(
                fields=["park", "name"],
                name="facility_unique_name_in_park",
                violation_error_message=_("This park already has a facility with this name."),
                violation_error_code="duplicate_name",
            ),
        ]

    def __str__(self):
        return self.name
