from typing import TYPE_CHECKING, Any, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import DEPARTMENT_SCOPED, Role
from dgov.lib.idnumbers import credit_code_validator, resident_id_validator
from dgov.lib.personal import mask_id_number, mask_phone

if TYPE_CHECKING:
    from django.db.models import QuerySet


class City(models.Model):
    code = models.CharField(_("GB/T 2260 code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """The tenant: every record belongs to exactly one district."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(_("GB/T 2260 code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return f"{self.city.name}{self.name}"


class DistrictScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """Staff see only their own district's records; everybody else sees none."""
        if not getattr(user, "is_authenticated", False) or user.district_id is None:
            return self.none()
        return self.filter(district_id=user.district_id)


class Department(models.Model):
    """A department or unit of the district government (部门/单位)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        SERVICE_CENTRE = "service_centre", _("Government service centre")
        UNIT = "unit", _("Unit")
        STREET = "street", _("Sub-district office")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="department_code_unique")]
        ordering = ["district", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceWindow(models.Model):
    """A window of the service centre; a general window accepts items of any department."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General intake window")
        ISSUE = "issue", _("Certificate exit window")
        ENTERPRISE = "enterprise", _("Enterprise service window")
        GREEN = "green", _("Green-channel window")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="windows")
    service_centre = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="windows",
        limit_choices_to={"kind": Department.Kind.SERVICE_CENTRE},
    )
    number = models.CharField(_("window number"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")
        constraints = [models.UniqueConstraint(fields=["district", "number"], name="window_number_unique")]
        ordering = ["district", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class User(AbstractUser):
    """Staff and applicants share one user table; ``kind`` tells them apart."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CITIZEN = "citizen", _("Citizen")
        ENTERPRISE = "enterprise", _("Enterprise")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    window = models.ForeignKey(ServiceWindow, null=True, blank=True, on_delete=models.SET_NULL, related_name="clerks")
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # Set when the holder proved the number with a one-time code (``dgov.accounts.codes``);
    # log-in by code and the enterprise's agents find accounts by verified numbers only.
    phone_verified = models.BooleanField(_("mobile phone verified"), default=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("manage_staff", "Can create staff accounts and assign roles")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="staff") | models.Q(district__isnull=False),
                name="staff_has_district",
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=models.Q(phone_verified=True), name="user_verified_phone_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF

    @property
    def role_codes(self) -> list[str]:
        if not hasattr(self, "_role_codes"):
            if self.pk is None:
                return []
            self._role_codes = sorted(group.name for group in self.groups.all())
        return self._role_codes

    @property
    def roles(self) -> list[Role]:
        return [Role(code) for code in self.role_codes if code in Role.values]

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_codes

    @property
    def primary_role(self) -> Role | None:
        """The role whose home the user lands on: the first in the order of ``Role``."""
        mine = set(self.role_codes)
        return next((role for role in Role if role.value in mine), None)

    def department_scope(self, role: Role) -> "Department | None":
        """The department a department-scoped role is limited to (None: whole district)."""
        return self.department if role in DEPARTMENT_SCOPED else None

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ApplicantQuerySet(DistrictScopedQuerySet):
    def search(self, q: str, limit: int = 20) -> Self:
        """The window's search: by name, or by the last 4 characters of the ID card
        number or credit code (what an applicant reads out without showing the card)."""
        match = models.Q(name__icontains=q)
        if len(q) == 4:
            match |= models.Q(id_number__iendswith=q) | models.Q(credit_code__iendswith=q)
        return self.filter(match).order_by("name")[:limit]


class Applicant(models.Model):
    """A citizen or an enterprise as known to one district's service centre."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ENTERPRISE = "enterprise", _("Enterprise")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="applicants")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="applicant_profiles")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("ID card number"), max_length=18, blank=True, validators=[resident_id_validator])
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[credit_code_validator]
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # An enterprise's legal representative (法定代表人), who opened its account.
    representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    representative_id_number = models.CharField(
        _("legal representative's ID card number"), max_length=18, blank=True, validators=[resident_id_validator]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        permissions = [("reveal_personal_data", "Can reveal a masked ID or phone number, with a reason")]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "id_number"], condition=~models.Q(id_number=""), name="applicant_id_unique"
            ),
            models.UniqueConstraint(
                fields=["district", "credit_code"],
                condition=~models.Q(credit_code=""),
                name="applicant_credit_code_unique",
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def holder_code(self) -> str:
        """The code printed beside the holder's name: credit code, or the masked ID."""
        return self.credit_code or self.masked_id_number


def applicants_for(user: Any) -> "QuerySet[Applicant]":
    return Applicant.objects.visible_to(user)


class RateCounter(models.Model):
    """Attempts per key in the current window of a rate limit (``dgov.lib.ratelimit``):
    shared by every worker and node, kept across restarts."""

    key = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class OneTimeCode(models.Model):
    """A six-digit code sent by text message (``dgov.accounts.codes``): kept as a keyed
    hash, valid for minutes and a few tries, used once. ``target`` is what the code proves
    (a mobile number); ``purpose`` keeps a sign-up code from logging anyone in."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Log in")
        SIGNUP = "signup", _("Open an account")
        RESET = "reset", _("Reset the password")

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    target = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["target", "purpose", "-created_at"], name="one_time_code_latest_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} code for {mask_phone(self.target)}"


class AccountLock(models.Model):
    """An account locked everywhere because failed log-ins came from many addresses
    (``dgov.accounts.lockout``). It lifts after the cool-off time, or earlier when its
    owner enters a code sent to their phone."""

    username = models.CharField(_("user name"), max_length=150, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    addresses = models.PositiveIntegerField(_("addresses tried from"))
    locked_at = models.DateTimeField(_("locked at"))
    unlocked_at = models.DateTimeField(_("unlocked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account lock")
        verbose_name_plural = _("account locks")

    def __str__(self) -> str:
        return self.username


class UnlockCode(models.Model):
    """A one-time code sent by text message to the owner of a locked account; kept as a
    keyed hash, valid for minutes and a few tries."""

    lock = models.ForeignKey(AccountLock, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.lock}"


class AgentQuerySet(models.QuerySet):
    def active(self) -> "AgentQuerySet":
        return self.filter(removed_at__isnull=True, user__isnull=False)

    def for_user(self, user: Any) -> "AgentQuerySet":
        if not getattr(user, "is_authenticated", False) or user.kind == User.Kind.STAFF:
            return self.none()
        return self.active().filter(user_id=user.pk)


class Agent(models.Model):
    """An employee who acts for an enterprise (经办人), with the permissions the
    enterprise grants. Added by mobile number: the row is linked to the account that
    proves that number with a one-time code (now or when the employee opens one)."""

    enterprise = models.ForeignKey(
        Applicant,
        on_delete=models.CASCADE,
        related_name="agents",
        limit_choices_to={"kind": Applicant.Kind.ENTERPRISE},
    )
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="agencies")
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=20)
    may_apply = models.BooleanField(_("apply and hand in supplements"), default=True)
    may_view_all = models.BooleanField(_("see all the enterprise's applications"), default=False)
    may_see_certificates = models.BooleanField(_("see the enterprise's certificates"), default=False)
    may_rate = models.BooleanField(_("rate the service"), default=False)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    objects = AgentQuerySet.as_manager()

    PERMISSIONS = ("may_apply", "may_view_all", "may_see_certificates", "may_rate")

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["enterprise", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "phone"], condition=models.Q(removed_at__isnull=True), name="agent_phone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.enterprise})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def granted(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name))
            for name in self.PERMISSIONS
            if getattr(self, name)
        ]


def acting_for(user: Any, permission: str) -> "QuerySet[Agent, dict[str, Any]]":
    """The ids of the enterprises ``user`` acts for with ``permission`` (a field of
    ``Agent.PERMISSIONS``), as a subquery."""
    if permission not in Agent.PERMISSIONS:
        raise ValueError(permission)
    return Agent.objects.for_user(user).filter(**{permission: True}).values("enterprise_id")
