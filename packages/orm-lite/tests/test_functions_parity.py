"""Django parity of the advanced expressions: Case/When, subqueries, Concat, Cast,
Extract/Trunc, ExpressionWrapper, conditional aggregation and window functions.

The same query chain runs on Django's ORM and on orm-lite over the same data: on
the SQLite database Django created, then on PostgreSQL and MariaDB (filled by
orm-lite with the same rows), where the result must still be Django's SQLite one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.db import models as djm
from django.db.models import expressions as dje
from django.db.models import functions as djf
from django.db.models import lookups as djl

from manouche import orm_lite
from manouche.orm_lite import _functions as olf
from tests.djparity.models import DJ
from tests.shared_models import load
from tests.test_parity import OL, normalize

MODELS = (DJ.Publisher, DJ.Author, DJ.Tag, DJ.Book, DJ.Profile, DJ.Club, DJ.Membership)

NAMES = [
    "Q",
    "F",
    "Value",
    "Count",
    "Sum",
    "Avg",
    "Max",
    "Min",
    "Case",
    "When",
    "Subquery",
    "OuterRef",
    "Exists",
    "Concat",
    "Now",
    "Cast",
    "Extract",
    "ExtractYear",
    "ExtractQuarter",
    "ExtractMonth",
    "ExtractWeek",
    "ExtractWeekDay",
    "ExtractIsoWeekDay",
    "ExtractDay",
    "ExtractHour",
    "ExtractMinute",
    "Trunc",
    "TruncYear",
    "TruncQuarter",
    "TruncMonth",
    "TruncWeek",
    "TruncDay",
    "TruncDate",
    "TruncHour",
    "ExpressionWrapper",
    "Window",
    "RowNumber",
    "Rank",
    "DenseRank",
    "Ntile",
    "Lag",
    "Lead",
    "FirstValue",
    "LastValue",
    "NthValue",
    "CumeDist",
    "PercentRank",
    "RowRange",
    "ValueRange",
    "IntegerField",
    "FloatField",
    "CharField",
    "DateField",
    "DateTimeField",
    "BooleanField",
    "Upper",
    "Lower",
    "Coalesce",
    "Func",
    "Exact",
    "GreaterThan",
    "LessThan",
    "IsNull",
    "In",
    "RawSQL",
    "StdDev",
    "Variance",
    "Substr",
]


def _side(ns: SimpleNamespace, *mods: Any) -> SimpleNamespace:
    found: dict[str, Any] = {}
    for name in NAMES:
        for mod in mods:
            if hasattr(mod, name):
                found[name] = getattr(mod, name)
                break
        else:
            raise AssertionError(f"{name} is missing from {mods}")
    return SimpleNamespace(**vars(ns), **found)


@pytest.fixture(scope="module")
def fn_sides(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[SimpleNamespace, SimpleNamespace, orm_lite.Database]]:
    """Django's side and orm-lite's, with the functions, over the parity SQLite file."""
    try:
        shared = request.getfixturevalue("sides")  # the parity suite's, when it is shared
    except pytest.FixtureLookupError:
        shared = None
    created = False
    if shared is not None:
        db = shared[2]
    else:
        django_db_file = request.getfixturevalue("django_db_file")
        created = "parity_book" not in connection.introspection.table_names()
        if created:
            with connection.schema_editor() as editor:
                for m in MODELS:
                    editor.create_model(m)
            load(DJ)
        db = orm_lite.Database(f"sqlite:///{django_db_file}", default=False)
    yield _side(DJ, djm, djf, djl, dje), _side(OL, orm_lite, olf), db
    if shared is None:
        db.dispose()
    if created:  # leave the file as the parity suite expects to find it
        with connection.schema_editor() as editor:
            for m in reversed(MODELS):
                editor.delete_model(m)


Case_ = Callable[[Any], Any]
CASES: dict[str, Case_] = {}


def case(name: str, fn: Case_) -> None:
    assert name not in CASES, name
    CASES[name] = fn


def _size(m: Any) -> Any:
    return m.Case(
        m.When(pages__gt=600, then=m.Value("long")),
        m.When(pages__gt=300, then=m.Value("medium")),
        default=m.Value("short"),
    )


# -- alias(): computed for filters and ordering, never selected ------------------------------
case(
    "alias_aggregate_filter",
    lambda m: m.Author.objects.alias(n=m.Count("books")).filter(n__gte=2).order_by("pk"),
)
case(
    "alias_order_values",
    lambda m: m.Book.objects.alias(size=_size(m)).order_by("size", "pk").values(),
)
case(
    "alias_then_annotate",
    lambda m: (
        m.Author.objects.alias(n=m.Count("books"))
        .annotate(twice=m.F("n") * 2)
        .order_by("pk")
        .values_list("pk", "twice")
    ),
)
case(
    "alias_values_grouped",
    lambda m: (
        m.Book.objects.values("publisher")
        .alias(n=m.Count("pk"))
        .filter(n__gt=1)
        .order_by("publisher")
    ),
)


# -- Case / When and conditional aggregation ---------------------------------------------------
case(
    "case_values",
    lambda m: m.Book.objects.annotate(size=_size(m)).order_by("pk").values_list("pk", "size"),
)
case(
    "case_field_refs",
    lambda m: (
        m.Author.objects.annotate(
            contact=m.Case(
                m.When(email__isnull=True, then="name"), default="email", output_field=m.CharField()
            )
        )
        .order_by("pk")
        .values_list("pk", "contact")
    ),
)
case(
    "case_filter",
    lambda m: m.Book.objects.annotate(size=_size(m)).filter(size="long").order_by("pk"),
)
case(
    "case_q_and_across_fk",
    lambda m: (
        m.Book.objects.annotate(
            flag=m.Case(
                m.When(m.Q(author__age__gt=50) | m.Q(publisher__country="UK"), then=m.Value(1)),
                default=m.Value(0),
                output_field=m.IntegerField(),
            )
        )
        .order_by("pk")
        .values_list("pk", "flag")
    ),
)
case(
    "case_order_by",
    lambda m: m.Book.objects.order_by(
        m.Case(
            m.When(genre="sci", then=m.Value(0)),
            m.When(genre="his", then=m.Value(1)),
            default=m.Value(2),
        ),
        "-pages",
        "pk",
    ).values_list("pk", flat=True),
)
case(
    "case_no_default_is_null",
    lambda m: (
        m.Author.objects.annotate(
            band=m.Case(m.When(age__lt=30, then=m.Value("young")), output_field=m.CharField())
        )
        .order_by("pk")
        .values_list("pk", "band")
    ),
)
case(
    "count_filter_annotate",
    lambda m: (
        m.Author.objects.annotate(long_books=m.Count("books", filter=m.Q(books__pages__gt=500)))
        .order_by("pk")
        .values_list("pk", "long_books")
    ),
)
case(
    "count_filter_aggregate",
    lambda m: m.Book.objects.aggregate(
        printed=m.Count("pk", filter=m.Q(in_print=True)),
        fiction_pages=m.Sum("pages", filter=m.Q(genre="fic")),
        newest_sci=m.Max("published", filter=m.Q(genre="sci")),
    ),
)
case(
    "sum_case_aggregate",
    lambda m: m.Book.objects.aggregate(
        long=m.Sum(
            m.Case(
                m.When(pages__gt=500, then=m.Value(1)),
                default=m.Value(0),
                output_field=m.IntegerField(),
            )
        )
    ),
)
case(
    "values_group_conditional",
    lambda m: (
        m.Book.objects.values("genre")
        .annotate(printed=m.Count("pk", filter=m.Q(in_print=True)), total=m.Count("pk"))
        .order_by("genre")
    ),
)

# -- subqueries ------------------------------------------------------------------------------------
case(
    "subquery_newest_title",
    lambda m: (
        m.Author.objects.annotate(
            newest=m.Subquery(
                m.Book.objects.filter(author=m.OuterRef("pk"))
                .order_by("-published", "pk")
                .values("title")[:1]
            )
        )
        .order_by("pk")
        .values_list("pk", "newest")
    ),
)
case(
    "subquery_same_table",
    lambda m: m.Author.objects.filter(
        age__gt=m.Subquery(m.Author.objects.filter(pk=m.OuterRef("mentor")).values("age"))
    ).order_by("pk"),
)
case(
    "subquery_count",
    lambda m: (
        m.Author.objects.annotate(
            n=m.Subquery(
                m.Book.objects.filter(author=m.OuterRef("pk"))
                .order_by()
                .annotate(c=m.Func(m.F("pk"), function="COUNT"))
                .values("c")
            )
        )
        .order_by("pk")
        .values_list("pk", "n")
    ),
)
case(
    "subquery_outer_across_fk",
    lambda m: (
        m.Book.objects.annotate(
            mentor_books=m.Subquery(
                m.Book.objects.filter(author=m.OuterRef("author__mentor"))
                .order_by()
                .annotate(c=m.Func(m.F("pk"), function="COUNT"))
                .values("c")
            )
        )
        .filter(mentor_books__gt=3)
        .order_by("pk")
        .values_list("pk", "mentor_books")
    ),
)
case(
    "exists_filter",
    lambda m: m.Author.objects.filter(
        m.Exists(m.Book.objects.filter(author=m.OuterRef("pk"), pages__gt=800))
    ).order_by("pk"),
)
case(
    "not_exists_filter",
    lambda m: m.Author.objects.filter(
        ~m.Exists(m.Book.objects.filter(author=m.OuterRef("pk")))
    ).order_by("pk"),
)
case(
    "exists_annotate",
    lambda m: (
        m.Author.objects.annotate(edits=m.Exists(m.Book.objects.filter(editor=m.OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "edits")
    ),
)
case(
    "exists_same_table_two_outer_refs",
    lambda m: (
        m.Book.objects.filter(
            m.Exists(
                m.Book.objects.filter(author=m.OuterRef("author"), pages__gt=m.OuterRef("pages"))
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    ),
)
case(
    "exists_in_case",
    lambda m: (
        m.Author.objects.annotate(
            kind=m.Case(
                m.When(
                    m.Exists(m.Book.objects.filter(author=m.OuterRef("pk"), genre="sci")),
                    then=m.Value("sci"),
                ),
                default=m.Value("other"),
            )
        )
        .order_by("pk")
        .values_list("pk", "kind")
    ),
)
case(
    "subquery_in_order_by",
    lambda m: m.Author.objects.order_by(
        m.Subquery(
            m.Book.objects.filter(author=m.OuterRef("pk")).order_by("-pages").values("pages")[:1]
        ).desc(nulls_last=True),
        "pk",
    ).values_list("pk", flat=True),
)

# -- text, casts, time ---------------------------------------------------------------------------
case(
    "concat_null_as_empty",
    lambda m: (
        m.Author.objects.annotate(
            label=m.Concat("name", m.Value(" <"), "email", m.Value(">"), output_field=m.CharField())
        )
        .order_by("pk")
        .values_list("pk", "label")
    ),
)
case(
    "concat_with_integer",
    lambda m: (
        m.Author.objects.annotate(
            label=m.Concat(m.Upper("name"), m.Value("-"), "age", output_field=m.CharField())
        )
        .order_by("pk")
        .values_list("pk", "label")
    ),
)
case("now_filter", lambda m: m.Book.objects.filter(created__lt=m.Now()).count())
case(
    "cast_int_to_float",
    lambda m: (
        m.Book.objects.annotate(p=m.Cast("pages", output_field=m.FloatField()))
        .order_by("pk")
        .values_list("pk", "p")
    ),
)
case(
    "cast_int_to_char",
    lambda m: (
        m.Book.objects.annotate(p=m.Cast("pages", output_field=m.CharField(max_length=10)))
        .filter(p__startswith="1")
        .order_by("pk")
        .values_list("pk", "p")
    ),
)
case(
    "cast_datetime_to_date",
    lambda m: (
        m.Book.objects.annotate(d=m.Cast("created", output_field=m.DateField()))
        .order_by("pk")
        .values_list("pk", "d")
    ),
)
case(
    "extract_parts",
    lambda m: (
        m.Book.objects.annotate(
            y=m.ExtractYear("published"),
            q=m.ExtractQuarter("published"),
            mo=m.ExtractMonth("published"),
            d=m.ExtractDay("published"),
            wd=m.ExtractWeekDay("created"),
            iwd=m.ExtractIsoWeekDay("created"),
            w=m.ExtractWeek("published"),
            h=m.ExtractHour("created"),
            mi=m.ExtractMinute("created"),
        )
        .order_by("pk")
        .values_list("pk", "y", "q", "mo", "d", "wd", "iwd", "w", "h", "mi")
    ),
)
case(
    "extract_generic_filter",
    lambda m: (
        m.Book.objects.annotate(y=m.Extract("created", "year")).filter(y__gte=2020).order_by("pk")
    ),
)
case(
    "trunc_month_group",
    lambda m: (
        m.Book.objects.annotate(mo=m.TruncMonth("published"))
        .values("mo")
        .annotate(n=m.Count("pk"))
        .order_by("mo")
    ),
)
case(
    "trunc_kinds",
    lambda m: (
        m.Book.objects.annotate(
            y=m.TruncYear("created"),
            q=m.TruncQuarter("published"),
            qd=m.TruncQuarter("created"),
            w=m.TruncWeek("published"),
            d=m.TruncDay("created"),
            h=m.TruncHour("created"),
            dd=m.TruncDate("created"),
            g=m.Trunc("published", "year"),
        )
        .order_by("pk")
        .values_list("pk", "y", "q", "qd", "w", "d", "h", "dd", "g")
    ),
)
case(
    "expression_wrapper",
    lambda m: (
        m.Book.objects.annotate(
            v=m.ExpressionWrapper(
                m.F("pages") * 2 + m.F("author__age"), output_field=m.IntegerField()
            ),
            r=m.ExpressionWrapper(m.F("rating") / 2, output_field=m.FloatField()),
        )
        .filter(v__gt=900)
        .order_by("pk")
        .values_list("pk", "v", "r")
    ),
)

# -- window functions ----------------------------------------------------------------------------


def _w(m: Any, fn: Any, **kw: Any) -> Any:
    return m.Book.objects.annotate(w=m.Window(fn, **kw)).order_by("pk").values_list("pk", "w")


case(
    "row_number_partition",
    lambda m: _w(
        m, m.RowNumber(), partition_by=m.F("author"), order_by=[m.F("pages").desc(), "pk"]
    ),
)
case("rank_string_args", lambda m: _w(m, m.Rank(), partition_by="genre", order_by="-in_print"))
case("dense_rank", lambda m: _w(m, m.DenseRank(), order_by=m.F("genre").asc()))
case("ntile", lambda m: _w(m, m.Ntile(4), order_by=["pages", "pk"]))
case("lag", lambda m: _w(m, m.Lag("pages"), partition_by="author", order_by="pk"))
case(
    "lead_offset_default",
    lambda m: _w(m, m.Lead("pages", 2, default=0), partition_by="genre", order_by="pk"),
)
case(
    "first_value",
    lambda m: _w(m, m.FirstValue("title"), partition_by="author", order_by=["published", "pk"]),
)
case("nth_value", lambda m: _w(m, m.NthValue("pages", 2), partition_by="genre", order_by="pk"))
case("running_sum", lambda m: _w(m, m.Sum("pages"), partition_by="author", order_by="pk"))
case("window_count_no_order", lambda m: _w(m, m.Count("pk"), partition_by="publisher"))
case("window_avg_float", lambda m: _w(m, m.Avg("rating"), partition_by="genre"))
case("window_max", lambda m: _w(m, m.Max("published"), partition_by="author"))
case(
    "rows_frame", lambda m: _w(m, m.Sum("pages"), order_by="pk", frame=m.RowRange(start=-2, end=0))
)
case(
    "range_frame_unbounded",
    lambda m: _w(m, m.Sum("pages"), order_by="pk", frame=m.ValueRange(start=None, end=0)),
)
case("cume_dist", lambda m: _w(m, m.CumeDist(), order_by="pages"))
case(
    "window_across_fk",
    lambda m: _w(m, m.RowNumber(), partition_by="author__mentor", order_by=["-author__age", "pk"]),
)
case(
    "window_with_case",
    lambda m: _w(
        m,
        m.Sum(
            m.Case(
                m.When(in_print=True, then=m.Value(1)),
                default=m.Value(0),
                output_field=m.IntegerField(),
            )
        ),
        partition_by="genre",
        order_by="pk",
    ),
)


# -- bitwise operations and powers ----------------------------------------------------------
case(
    "bitwise_methods",
    lambda m: (
        m.Book.objects.annotate(
            a=m.F("pages").bitand(56),
            o=m.F("pages").bitor(48),
            x=m.F("pages").bitxor(48),
            l=m.F("pages").bitleftshift(2),
            r=m.F("pages").bitrightshift(2),
            x_null=m.F("editor").bitxor(3),
        )
        .order_by("pk")
        .values_list("pk", "a", "o", "x", "l", "r", "x_null")
    ),
)
case(
    "bitwise_filter",
    lambda m: m.Book.objects.filter(pages__gt=m.F("pages").bitand(255)).order_by("pk"),
)
case(
    "power",
    lambda m: (
        m.Book.objects.filter(rating__isnull=False)
        .annotate(sq=m.F("rating") ** 2.0, back=2.0 ** m.F("rating"), ints=m.F("pages") ** 2)
        .order_by("pk")
        .values_list("pk", "sq", "back", "ints")
    ),
)

# -- arithmetic output types (Django's CombinedExpression rules) -----------------------------
case(
    "integer_division_stays_integer",
    lambda m: (
        m.Book.objects.annotate(
            by_int=m.F("pages") / 7,
            by_col=m.F("pages") / m.F("author__age"),
            by_value=m.F("pages") / m.Value(3),
        )
        .order_by("pk")
        .values_list("pk", "by_int", "by_col", "by_value")
    ),
)
case(
    "mixed_numbers_widen",
    lambda m: (
        m.Book.objects.filter(rating__isnull=False)
        .annotate(
            int_dec=m.F("pages") + m.F("price"),
            dec_int=m.F("price") * 2,
            int_float=m.F("pages") * m.F("rating"),
            float_int=m.F("rating") / 2,
        )
        .order_by("pk")
        .values_list("pk", "int_dec", "dec_int", "int_float", "float_int")
    ),
)

# -- lookups as expressions, hand-written SQL --------------------------------------------------
case(
    "lookups_as_conditions",
    lambda m: (
        m.Book.objects.filter(
            m.GreaterThan(m.F("pages"), 300) | m.Exact(m.F("genre"), "his"),
            ~m.IsNull(m.F("rating"), True),
            m.In(m.F("author__age"), [25, 31, 44, 58, 62, 70]) | m.LessThan(m.F("price"), 20),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    ),
)
case(
    "lookup_annotated_and_in_when",
    lambda m: (
        m.Book.objects.annotate(
            long=m.GreaterThan(m.F("pages"), 400),
            size=m.Case(
                m.When(m.LessThan(m.F("pages"), 200), then=m.Value("short")),
                default=m.Value("other"),
            ),
        )
        .order_by("pk")
        .values_list("pk", "long", "size")
    ),
)
case(
    "raw_sql_bound",
    lambda m: (
        m.Book.objects.annotate(twice=m.RawSQL("pages * %s", (2,)))
        .filter(m.RawSQL("pages > %s", (400,), m.BooleanField()))
        .order_by("pk")
        .values_list("pk", "twice")
    ),
)

# -- spread aggregates (SQLite has none: registered on its connections) -----------------------
case(
    "stddev_and_variance",
    lambda m: (
        m.Book.objects.values("genre")
        .annotate(sd=m.StdDev("pages"), var=m.Variance("pages"))
        .order_by("genre")
    ),
)
# (Django's SQLite errors on a NULL value and on a sample of one row; orm-lite skips NULLs
# and answers None for one row, as the servers do: compared where both answer.)
case(
    "stddev_and_variance_of_a_sample",
    lambda m: m.Book.objects.aggregate(
        sds=m.StdDev("pages", sample=True), vars=m.Variance("pages", sample=True)
    ),
)
# -- an outer reference two subqueries down -------------------------------------------------
case(
    "nested_outer_ref",
    lambda m: (
        m.Author.objects.annotate(
            tagged_long=m.Exists(
                m.Tag.objects.filter(
                    m.Exists(
                        m.Book.objects.filter(
                            author=m.OuterRef(m.OuterRef("pk")),
                            tags=m.OuterRef("pk"),
                            pages__gt=500,
                        )
                    )
                )
            )
        )
        .order_by("pk")
        .values_list("pk", "tagged_long")
    ),
)

# -- F() slicing and negation ----------------------------------------------------------------
case(
    "f_slicing",
    lambda m: (
        m.Book.objects.annotate(
            head=m.F("title")[:3],
            one=m.F("title")[2],
            mid=m.F("title")[1:4],
            rest=m.F("title")[5:],
            sub=m.Substr("title", 2, 3),
        )
        .order_by("pk")
        .values_list("pk", "head", "one", "mid", "rest", "sub")
    ),
)
case(
    "f_negated",
    lambda m: (
        m.Book.objects.filter(~m.F("in_print"))
        .annotate(out=~m.F("in_print"))
        .order_by("pk")
        .values_list("pk", "out")
    ),
)


def _run(fn: Case_, side: Any) -> Any:
    try:
        return normalize(fn(side))
    except Exception as exc:  # noqa: BLE001 - the error class is what must match
        return ("error", type(exc).__name__)


@pytest.mark.parametrize("name", list(CASES))
def test_functions_parity(fn_sides: Any, name: str) -> None:
    dj, ol, db = fn_sides
    fn = CASES[name]
    expected = _run(fn, dj)
    assert not (isinstance(expected, tuple) and expected[:1] == ("error",)), expected
    previous = orm_lite._database._default
    db.make_default()
    try:
        got = normalize(fn(ol))
    finally:
        orm_lite._database._default = previous
    assert got == expected


# -- the same chains on PostgreSQL and MariaDB -------------------------------------------------

# Where Django itself answers differently per backend (string collation, NULL
# ordering, week numbering), the server result is compared with Django's there.
_UNORDERED_ON_SERVERS = {"values_group_conditional", "trunc_month_group", "alias_values_grouped"}


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server_db(request: pytest.FixtureRequest) -> Iterator[orm_lite.Database]:
    url = request.getfixturevalue(f"{request.param}_url")
    db = orm_lite.Database(url, default=False)
    tables = [OL.Publisher, OL.Author, OL.Tag, OL.Book, OL.Profile, OL.Club, OL.Membership]
    db.drop_all(tables)
    db.create_all(tables)
    previous = orm_lite._database._default
    db.make_default()
    try:
        load(OL)
    finally:
        orm_lite._database._default = previous
    yield db
    db.drop_all(tables)
    db.dispose()


def _loose(result: Any) -> Any:
    """Floats to 3 places (MariaDB's AVG/division precision), datetimes as given."""
    if isinstance(result, float):
        return round(result, 3)
    if isinstance(result, dict):
        return {k: _loose(v) for k, v in result.items()}
    if isinstance(result, list | tuple):
        return type(result)(_loose(v) for v in result)
    return result


# MariaDB's LEAD()/LAG() take no default (Django refuses them there too).
_NOT_ON = {("mariadb", "lead_offset_default")}


@pytest.mark.parametrize("name", list(CASES))
def test_functions_parity_on_servers(
    fn_sides: Any, server_db: orm_lite.Database, name: str
) -> None:
    vendor = (
        "mariadb" if getattr(server_db.engine.dialect, "is_mariadb", False) else server_db.vendor
    )
    if (vendor, name) in _NOT_ON:
        with pytest.raises(
            orm_lite.FieldError, match="MariaDB does not support a default value in LEAD"
        ):
            list(CASES[name](fn_sides[1]).using(server_db))
        return
    dj = fn_sides[0]
    fn = CASES[name]
    expected = _loose(_run(fn, dj))
    previous = orm_lite._database._default
    server_db.make_default()
    try:
        got = _loose(normalize(fn(fn_sides[1])))
    finally:
        orm_lite._database._default = previous
    if name in _UNORDERED_ON_SERVERS:
        got, expected = sorted(got[1], key=repr), sorted(expected[1], key=repr)
    assert got == expected


def test_outer_ref_outside_a_subquery_is_a_clear_error(fn_sides: Any) -> None:
    _, ol, db = fn_sides
    qs = ol.Book.objects.using(db).filter(author=ol.OuterRef("pk"))
    with pytest.raises(orm_lite.FieldError, match=r"OuterRef\('pk'\) is outside a subquery"):
        list(qs)


def test_case_needs_when_objects(fn_sides: Any) -> None:
    _, ol, _ = fn_sides
    with pytest.raises(TypeError, match="must be When"):
        ol.Case(ol.Q(pages=1))
    with pytest.raises(ValueError, match="empty Q"):
        ol.When(ol.Q(), then=1)


def test_bad_kinds_are_clear_errors(fn_sides: Any) -> None:
    _, ol, _ = fn_sides
    with pytest.raises(ValueError, match="unknown kind 'decade'"):
        ol.Trunc("published", "decade")
    with pytest.raises(ValueError, match="unknown part 'era'"):
        ol.Extract("published", "era")
    with pytest.raises(ValueError, match="isn't compatible with OVER"):
        ol.Window(3)


def test_now_is_utc(fn_sides: Any) -> None:
    _, ol, db = fn_sides
    got = ol.Book.objects.using(db).annotate(now=ol.Now()).values_list("now", flat=True)[0]
    assert abs(got - datetime.datetime.now(datetime.UTC).replace(tzinfo=None)) < datetime.timedelta(
        seconds=5
    )


def test_an_alias_cannot_be_selected(fn_sides: Any) -> None:
    from manouche.orm_lite import FieldError

    dj, ol, db = fn_sides
    qs = ol.Author.objects.using(db).alias(n=ol.Count("books"))
    with pytest.raises(FieldError, match="Cannot select the 'n' alias"):
        qs.values("n")
    assert not hasattr(qs.order_by("pk")[0], "n")
    from django.core.exceptions import FieldError as DjFieldError

    with pytest.raises(DjFieldError, match="Cannot select the 'n' alias"):
        list(dj.Author.objects.alias(n=dj.Count("books")).values("n"))


@pytest.mark.parametrize("op", ["and", "or", "xor", "rand", "ror", "rxor"])
def test_logical_operators_on_expressions_say_use_the_bit_methods(fn_sides: Any, op: str) -> None:
    """``F("a") & F("b")`` (and ``|``, ``^``, reversed) is Django's NotImplementedError."""
    import operator

    apply = {"and": operator.and_, "or": operator.or_, "xor": operator.xor}[op.removeprefix("r")]
    messages = []
    for side in fn_sides[:2]:
        lhs, rhs = side.F("pages"), side.F("rating")
        if op.startswith("r"):
            lhs, rhs = 1, side.F("rating")
        with pytest.raises(NotImplementedError) as err:
            apply(lhs, rhs)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
