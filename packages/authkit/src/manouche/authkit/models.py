"""Users, groups, permissions and content types on Django's tables.

``User``, ``Group``, ``Permission`` and ``ContentType`` are orm-lite models
with Django's table and column names (``auth_user``, ``auth_group``,
``auth_permission``, ``auth_user_groups``, ``auth_user_user_permissions``,
``auth_group_permissions``, ``django_content_type``), so a database Django
made is read and written as it is. A custom user model subclasses
``AbstractUser`` (or ``AbstractBaseUser`` with ``PermissionsMixin``) and is
passed to :class:`~manouche.authkit.auth.Auth` as ``user_model``.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from manouche import orm_lite as models
from manouche.authkit._crypto import salted_hmac
from manouche.authkit._i18n import gettext_lazy as _
from manouche.authkit.hashers import (
    PasswordHashers,
    check_password,
    is_password_usable,
    make_password,
)

if TYPE_CHECKING:
    from manouche.authkit.auth import Auth

__all__ = [
    "AbstractBaseUser",
    "AbstractUser",
    "AnonymousUser",
    "BaseUserManager",
    "ContentType",
    "ContentTypeManager",
    "Group",
    "Permission",
    "PermissionsMixin",
    "User",
    "UserManager",
    "create_permissions",
]


def _now() -> datetime:
    return datetime.now(UTC)


class ContentTypeManager(models.Manager["ContentType"]):
    """``get_for_model`` (made on first use) and ``get_by_natural_key``."""

    def get_for_model(self, model: Any) -> ContentType:
        opts = model._meta
        concrete = getattr(opts, "concrete_model", None) or model
        opts = concrete._meta
        ct, _ = self.get_or_create(app_label=opts.app_label, model=opts.model_name)
        return ct

    def get_by_natural_key(self, app_label: str, model: str) -> ContentType:
        return self.get(app_label=app_label, model=model)


class ContentType(models.Model):
    """A model's identity in the database (Django's ``django_content_type``)."""

    id = models.AutoField(primary_key=True)
    app_label: str = models.CharField(max_length=100)  # type: ignore[assignment]
    model: str = models.CharField(_("python model class name"), max_length=100)  # type: ignore[assignment]

    objects = ContentTypeManager()

    class Meta:
        app_label = "contenttypes"
        db_table = "django_content_type"
        unique_together = [("app_label", "model")]
        verbose_name = _("content type")
        verbose_name_plural = _("content types")

    def __str__(self) -> str:
        return f"{self.app_label} | {self.model}"

    def natural_key(self) -> tuple[str, str]:
        return (self.app_label, self.model)


class Permission(models.Model):
    """A named right on a model: ``"<app_label>.<codename>"`` in ``has_perm``."""

    id = models.AutoField(primary_key=True)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("content type")
    )
    codename = models.CharField(_("codename"), max_length=100)

    class Meta:
        app_label = "auth"
        db_table = "auth_permission"
        unique_together = [("content_type", "codename")]
        ordering = ["content_type__app_label", "content_type__model", "codename"]
        verbose_name = _("permission")
        verbose_name_plural = _("permissions")

    def __str__(self) -> str:
        return f"{self.content_type} | {self.name}"


class Group(models.Model):
    """A named set of permissions given to its users."""

    id = models.AutoField(primary_key=True)
    name: str = models.CharField(_("name"), max_length=150, unique=True)  # type: ignore[assignment]
    permissions = models.ManyToManyField(Permission, verbose_name=_("permissions"), blank=True)

    class Meta:
        app_label = "auth"
        db_table = "auth_group"
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return str(self.name)

    def natural_key(self) -> tuple[str]:
        return (self.name,)


class BaseUserManager(models.Manager[Any]):
    """``normalize_email`` and ``get_by_natural_key`` (case-sensitive, as Django)."""

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        email = email or ""
        try:
            name, domain = email.strip().rsplit("@", 1)
        except ValueError:
            return email
        return f"{name}@{domain.lower()}"

    def get_by_natural_key(self, username: str) -> Any:
        return self.get(**{self.model.USERNAME_FIELD: username})


class UserManager(BaseUserManager):
    """``create_user`` and ``create_superuser`` with Django's checks."""

    def _create_user(
        self, username: str, email: str | None, password: str | None, **extra: Any
    ) -> Any:
        if not username:
            raise ValueError("The given username must be set")
        email = self.normalize_email(email)
        username = self.model.normalize_username(username)
        user = self.model(username=username, email=email, **extra)
        user.set_password(password)
        user.save()
        return user

    def create_user(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra: Any,
    ) -> Any:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra)

    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra: Any,
    ) -> Any:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if extra.get("is_staff") is not True:
            raise ValueError("Superuser must have is_staff=True.")
        if extra.get("is_superuser") is not True:
            raise ValueError("Superuser must have is_superuser=True.")
        return self._create_user(username, email, password, **extra)


class AbstractBaseUser(models.Model):
    """A password, a last login and Django's user protocol; no permissions."""

    password: str = models.CharField(_("password"), max_length=128)  # type: ignore[assignment]
    last_login = models.DateTimeField(_("last login"), blank=True, null=True)

    is_active = True
    USERNAME_FIELD: ClassVar[str] = "username"
    EMAIL_FIELD: ClassVar[str] = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    #: The hashers this model's passwords use (None: the default hashers).
    password_hashers: ClassVar[PasswordHashers | None] = None

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.get_username())

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    def get_username(self) -> str:
        return str(getattr(self, self.USERNAME_FIELD))

    def natural_key(self) -> tuple[str]:
        return (self.get_username(),)

    @classmethod
    def normalize_username(cls, username: str) -> str:
        return unicodedata.normalize("NFKC", username) if isinstance(username, str) else username

    @classmethod
    def get_email_field_name(cls) -> str:
        return cls.EMAIL_FIELD

    def clean(self) -> None:
        setattr(self, self.USERNAME_FIELD, self.normalize_username(self.get_username()))

    def set_password(self, raw_password: str | None) -> None:
        self.password = make_password(raw_password, hashers=self.password_hashers)
        self._password = raw_password

    def check_password(self, raw_password: str | None) -> bool:
        """Whether ``raw_password`` is right; rewrites an outdated hash (and saves it)."""

        def setter(raw: str) -> None:
            self.set_password(raw)
            self._password = None
            if self.pk is not None:
                self.save(update_fields=["password"])

        return check_password(raw_password, self.password, setter, hashers=self.password_hashers)

    def set_unusable_password(self) -> None:
        self.password = make_password(None)

    def has_usable_password(self) -> bool:
        return is_password_usable(self.password)

    def get_session_auth_hash(self, secret: str | bytes) -> str:
        """An HMAC of the password hash: changing the password ends other sessions."""
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            self.password,
            secret,
            algorithm="sha256",
        ).hexdigest()


class PermissionsMixin(models.Model):
    """``is_superuser``, groups, user permissions and the ``has_perm`` family."""

    is_superuser = models.BooleanField(
        _("superuser status"),
        default=False,
        help_text=(
            _("Designates that this user has all permissions without explicitly assigning them.")
        ),
    )
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("groups"),
        blank=True,
        related_name="user_set",
        related_query_name="user",
    )
    user_permissions = models.ManyToManyField(
        Permission,
        verbose_name=_("user permissions"),
        blank=True,
        related_name="user_set",
        related_query_name="user",
    )

    class Meta:
        abstract = True

    def _auth(self) -> Auth:
        from manouche.authkit.auth import get_default_auth

        bound = self.__dict__.get("_bound_auth")
        return bound if bound is not None else get_default_auth()

    def get_user_permissions(self, obj: Any = None) -> set[str]:
        return self._auth().collect(self, "get_user_permissions", obj)

    def get_group_permissions(self, obj: Any = None) -> set[str]:
        return self._auth().collect(self, "get_group_permissions", obj)

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return self._auth().collect(self, "get_all_permissions", obj)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if getattr(self, "is_active", True) and self.is_superuser:
            return True
        return self._auth().has_perm(self, perm, obj)

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        if isinstance(perm_list, str) or not hasattr(perm_list, "__iter__"):
            raise ValueError("perm_list must be an iterable of permissions.")
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        if getattr(self, "is_active", True) and self.is_superuser:
            return True
        return self._auth().has_module_perms(self, app_label)


class AbstractUser(AbstractBaseUser, PermissionsMixin):
    """Django's full user: username, names, email, staff and active flags."""

    username: str = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    )  # type: ignore[assignment]
    first_name: str = models.CharField(_("first name"), max_length=150, blank=True)  # type: ignore[assignment]
    last_name: str = models.CharField(_("last name"), max_length=150, blank=True)  # type: ignore[assignment]
    email: str = models.EmailField(_("email address"), blank=True)  # type: ignore[assignment]
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into this admin site."),
    )
    is_active = models.BooleanField(  # type: ignore[assignment]
        _("active"),
        default=True,
        help_text=_(
            "Designates whether this user should be treated as active. "
            "Unselect this instead of deleting accounts."
        ),
    )
    date_joined = models.DateTimeField(_("date joined"), default=_now)

    objects = UserManager()

    EMAIL_FIELD: ClassVar[str] = "email"
    USERNAME_FIELD: ClassVar[str] = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        abstract = True
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return str(self.first_name)


class User(AbstractUser):
    """Django's ``auth.User`` on ``auth_user``."""

    id = models.AutoField(primary_key=True)

    class Meta(AbstractUser.Meta):
        app_label = "auth"
        db_table = "auth_user"


class AnonymousUser:
    """The user of a request nobody is logged in to (Django's ``AnonymousUser``)."""

    id = None
    pk = None
    username = ""
    is_staff = False
    is_active = False
    is_superuser = False
    is_anonymous = True
    is_authenticated = False

    def __str__(self) -> str:
        return "AnonymousUser"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__)

    def __hash__(self) -> int:
        return 1

    def __bool__(self) -> bool:
        return True

    def get_username(self) -> str:
        return self.username

    def get_user_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        from manouche.authkit.auth import get_default_auth

        return get_default_auth().has_perm(self, perm, obj)

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        if isinstance(perm_list, str) or not hasattr(perm_list, "__iter__"):
            raise ValueError("perm_list must be an iterable of permissions.")
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, module: str) -> bool:
        from manouche.authkit.auth import get_default_auth

        return get_default_auth().has_module_perms(self, module)

    def set_password(self, raw_password: str) -> None:
        raise NotImplementedError("Django doesn't provide a DB representation for AnonymousUser.")

    def check_password(self, raw_password: str) -> bool:
        raise NotImplementedError("Django doesn't provide a DB representation for AnonymousUser.")

    def save(self) -> None:
        raise NotImplementedError("Django doesn't provide a DB representation for AnonymousUser.")

    def delete(self) -> None:
        raise NotImplementedError("Django doesn't provide a DB representation for AnonymousUser.")


DEFAULT_PERMISSIONS = ("add", "change", "delete", "view")


def create_permissions(model_classes: Any) -> list[Permission]:
    """Make the content types and Django's four default permissions of each model.

    What Django does after ``migrate``; run it after creating tables. Existing
    rows are kept; returns the permissions made now.
    """
    made: list[Permission] = []
    for model in model_classes:
        opts = model._meta
        ct = ContentType.objects.get_for_model(model)
        verbose = str(getattr(opts, "verbose_name", opts.model_name))
        declared = getattr(opts, "inheritable", {})
        actions = declared.get("default_permissions", DEFAULT_PERMISSIONS)
        wanted = [(f"{action}_{opts.model_name}", f"Can {action} {verbose}") for action in actions]
        wanted += [(str(c), str(n)) for c, n in declared.get("permissions", ()) or ()]
        have = set(Permission.objects.filter(content_type=ct).values_list("codename", flat=True))
        for codename, name in wanted:
            if codename not in have:
                made.append(
                    Permission.objects.create(content_type=ct, codename=codename, name=name)
                )
    return made
