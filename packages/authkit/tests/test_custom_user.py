"""A custom user model (a subclass of AbstractUser) with its own table and fields."""

from __future__ import annotations

from typing import Any

from manouche import orm_lite as models
from manouche.authkit import auth as authmod
from manouche.authkit.models import AbstractUser, Group, Permission
from manouche.testsupport import TEST_SECRET_KEY as SECRET


class Member(AbstractUser):
    id = models.AutoField(primary_key=True)
    nickname = models.CharField(max_length=50, blank=True)
    groups = models.ManyToManyField(
        Group, blank=True, related_name="member_set", related_query_name="member"
    )
    user_permissions = models.ManyToManyField(
        Permission, blank=True, related_name="member_set", related_query_name="member"
    )

    class Meta(AbstractUser.Meta):
        app_label = "club"


def test_custom_user_model(tmp_path: Any, fast_hashers: Any) -> None:
    from manouche.authkit.models import ContentType

    db = models.Database(f"sqlite:///{tmp_path / 'club.sqlite3'}")
    db.create_all([ContentType, Permission, Group, Member])
    assert Member.__table__.name == "club_member"
    auth = authmod.Auth(secret_key=SECRET, user_model=Member, default=False)
    m = Member.objects.create_user("zed", "z@example.com", "zed-pass", nickname="Z")
    found = auth.authenticate(None, username="zed", password="zed-pass")
    assert found == m and found.nickname == "Z"
    assert auth.authenticate(None, username="zed", password="bad") is None
    assert auth.backends[0].get_user(m.pk) == m
    from manouche.authkit.models import create_permissions

    create_permissions([Member])
    editors = Group.objects.create(name="editors")
    editors.permissions.add(Permission.objects.get(codename="change_member"))
    m.groups.add(editors)
    m.user_permissions.add(Permission.objects.get(codename="view_member"))
    again = Member.objects.get(pk=m.pk)
    again.__dict__["_bound_auth"] = auth
    assert again.get_all_permissions() == {"club.change_member", "club.view_member"}
    assert again.has_perm("club.view_member") and not again.has_perm("club.delete_member")
    db.dispose()
