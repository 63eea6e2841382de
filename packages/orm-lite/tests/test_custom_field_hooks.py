"""A user's field subclass with Django's value hooks: ``get_db_prep_save`` on every write
(save, bulk_create, update, bulk_update), ``from_db_value`` on every load (instances,
``values()``, ``select_related``), and the plain fields untouched by either."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manouche import orm_lite as models


class Money:
    """A value the database cannot store as is: written as ``"<cents> <currency>"``."""

    def __init__(self, cents: int, currency: str) -> None:
        self.cents = cents
        self.currency = currency

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and (self.cents, self.currency) == (
            other.cents,
            other.currency,
        )

    def __hash__(self) -> int:
        return hash((self.cents, self.currency))


class MoneyField(models.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, **kwargs)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if isinstance(value, Money):
            return f"{value.cents} {value.currency}"
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        cents, currency = value.split()
        return Money(int(cents), currency)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Money):
            return value
        return self.from_db_value(value, None, None)


class Upper(models.CharField):
    """Only ``get_db_prep_value`` overridden: saves go through it too."""

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        return value.upper() if isinstance(value, str) else value


class Wallet(models.Model):
    owner = models.CharField(max_length=20)
    balance = MoneyField(null=True)
    code = Upper(max_length=10, default="")

    class Meta:
        app_label = "hooks"


class Payment(models.Model):
    wallet = models.ForeignKey(Wallet, on_delete=models.CASCADE)
    amount = MoneyField()

    class Meta:
        app_label = "hooks"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Any]:
    from manouche.orm_lite import _database

    previous = _database._default
    database = models.Database(f"sqlite:///{tmp_path / 'hooks.sqlite3'}", default=False)
    database.create_all([Wallet, Payment])
    database.make_default()
    yield database
    # The default goes back to what it was: later tests' models live in that database.
    _database._default = previous
    database.dispose()


def stored(db: Any, table: str, column: str) -> list[Any]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"SELECT {column} FROM {table} ORDER BY id").fetchall()  # noqa: S608
    return [r[0] for r in rows]


def test_save_writes_through_get_db_prep_save_and_loads_through_from_db_value(db: Any) -> None:
    w = Wallet(owner="ann", balance=Money(1250, "EUR"), code="ab")
    w.save()
    assert stored(db, "hooks_wallet", "balance") == ["1250 EUR"]
    assert stored(db, "hooks_wallet", "code") == ["AB"]
    got = Wallet.objects.get(pk=w.pk)
    assert got.balance == Money(1250, "EUR")
    assert got.code == "AB"
    w.balance = Money(5, "USD")
    w.save()
    assert stored(db, "hooks_wallet", "balance") == ["5 USD"]
    w.refresh_from_db()
    assert w.balance == Money(5, "USD")


def test_null_is_not_passed_to_from_db_value(db: Any) -> None:
    Wallet.objects.create(owner="bob", balance=None)
    assert Wallet.objects.get().balance is None


def test_bulk_writes_and_update_use_the_hook(db: Any) -> None:
    Wallet.objects.bulk_create(
        [Wallet(owner="a", balance=Money(1, "EUR")), Wallet(owner="b", balance=Money(2, "GBP"))]
    )
    assert stored(db, "hooks_wallet", "balance") == ["1 EUR", "2 GBP"]
    Wallet.objects.filter(owner="a").update(balance=Money(3, "EUR"), code="x")
    assert stored(db, "hooks_wallet", "balance") == ["3 EUR", "2 GBP"]
    assert stored(db, "hooks_wallet", "code") == ["X", ""]
    objs = list(Wallet.objects.order_by("owner"))
    for o in objs:
        o.balance = Money(o.balance.cents * 10, o.balance.currency)
    Wallet.objects.bulk_update(objs, ["balance"])
    assert stored(db, "hooks_wallet", "balance") == ["30 EUR", "20 GBP"]


def test_every_load_shape_converts(db: Any) -> None:
    w = Wallet.objects.create(owner="ann", balance=Money(7, "EUR"))
    Payment.objects.create(wallet=w, amount=Money(3, "EUR"))
    assert list(Wallet.objects.values_list("balance", flat=True)) == [Money(7, "EUR")]
    assert list(Wallet.objects.values("owner", "balance")) == [
        {"owner": "ann", "balance": Money(7, "EUR")}
    ]
    p = Payment.objects.select_related("wallet").get()
    assert p.amount == Money(3, "EUR")
    assert p.wallet.balance == Money(7, "EUR")
    assert [x.amount for x in Wallet.objects.get().payment_set.all()] == [Money(3, "EUR")]


def test_plain_fields_keep_the_fast_paths() -> None:
    # Only subclasses defining the hooks pay for them: the ordinary fields' column
    # types carry no loader and their writes no extra call.
    assert type(Wallet._meta.get_field("owner").sa_column.type).__name__ == "String"
    assert type(Wallet._meta.get_field("balance").sa_column.type).__name__ == "FromDbValue"
    assert not models.CharField._db_prep_hooks
    assert MoneyField._db_prep_hooks and Upper._db_prep_hooks
    assert MoneyField.passthrough == ()
