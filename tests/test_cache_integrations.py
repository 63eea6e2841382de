"""cachekit with its neighbours: tplkit's {% cache %} tag and the orm-lite recipe."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from manouche.cachekit import create_cache


def test_fragment_cache_tag_with_a_cachekit_cache() -> None:
    from manouche.tplkit import create_environment, make_template_fragment_key

    cache = create_cache(f"locmem://fragments-{secrets.token_hex(3)}", key_prefix="site")
    env = create_environment(fragment_cache=cache)
    renders: list[Any] = []
    env.globals["count"] = lambda x: renders.append(x) or len(renders)
    page = env.from_string('{% cache 300 "side", user %}{{ count(user) }}{% endcache %}')
    assert page.render(user="ann") == "1"
    assert page.render(user="ann") == "1"
    assert page.render(user="bob") == "2"
    # Django's key, through the cache's own prefix and version: clearing works as in Django.
    key = make_template_fragment_key("side", ["ann"])
    assert cache.get(key) == "1"
    assert cache.delete(key) is True
    assert page.render(user="ann") == "3"
    # Django's timeouts: None keeps the fragment, 0 does not keep it at all.
    forever = env.from_string('{% cache None "f" %}{{ count("f") }}{% endcache %}')
    assert forever.render() == forever.render() == "4"
    never = env.from_string('{% cache 0 "n" %}{{ count("n") }}{% endcache %}')
    assert never.render() == "5" and never.render() == "6"


def test_orm_lite_query_results_recipe() -> None:
    """The recipe of the cachekit README: cache a query's rows, drop them on save."""
    models = pytest.importorskip("manouche.orm_lite")
    from manouche.signals import post_save

    label = f"cachedemo{secrets.token_hex(3)}"

    class Author(models.Model):  # type: ignore[name-defined,misc]
        name = models.CharField(max_length=100)

        class Meta:
            app_label = label

    db = models.Database("sqlite://")
    db.create_all()
    cache = create_cache(f"locmem://orm-{secrets.token_hex(3)}")
    queries: list[int] = []

    def author_names() -> list[str]:
        def query() -> list[str]:
            queries.append(1)
            return list(Author.objects.order_by("name").values_list("name", flat=True))

        return cache.get_or_set("author-names", query, 300)  # type: ignore[no-any-return]

    def forget(sender: Any, **kwargs: Any) -> None:
        cache.delete("author-names")

    post_save.connect(forget, sender=Author, weak=False)
    try:
        Author.objects.create(name="Bea")
        assert author_names() == ["Bea"]
        assert author_names() == ["Bea"]
        assert len(queries) == 1
        Author.objects.create(name="Ann")
        assert author_names() == ["Ann", "Bea"]
        assert len(queries) == 2
    finally:
        post_save.disconnect(forget, sender=Author)
        db.dispose()
