"""The {% cache %} fragment tag on cachelib caches: in-process and Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import jinja2
import pytest

from manouche.tplkit import FragmentCacheExtension, create_environment, make_template_fragment_key

cachelib = pytest.importorskip("cachelib")

TEMPLATE = (
    '{% cache 300 "sidebar", user.id %}<aside>{{ counter() }} {{ user.name }}</aside>{% endcache %}'
)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


@pytest.fixture(scope="module")
def redis_cache(redis_url: str) -> Iterator[Any]:
    from urllib.parse import urlsplit

    parts = urlsplit(redis_url)
    prefix = f"tplkit-test-{uuid.uuid4().hex}:"
    cache = cachelib.RedisCache(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 6379,
        db=int((parts.path or "/0").lstrip("/") or 0),
        key_prefix=prefix,
    )
    try:
        yield cache
    finally:
        cache.clear()


@pytest.fixture(params=["simple", "redis"])
def cache(request: pytest.FixtureRequest) -> Any:
    if request.param == "simple":
        return cachelib.SimpleCache()
    backend = request.getfixturevalue("redis_cache")
    backend.clear()
    return backend


def test_fragment_is_rendered_once_per_vary_value(cache: Any) -> None:
    env = create_environment(fragment_cache=cache)
    counter = Counter()
    tmpl = env.from_string(TEMPLATE)
    ann = {"id": 1, "name": "<Ann>"}
    first = tmpl.render(user=ann, counter=counter)
    assert first == "<aside>1 &lt;Ann&gt;</aside>"
    assert tmpl.render(user=ann, counter=counter) == first
    assert tmpl.render(user={"id": 2, "name": "Bo"}, counter=counter) == "<aside>2 Bo</aside>"
    assert counter.calls == 2
    key = make_template_fragment_key("sidebar", [1])
    assert cache.get(key) == first
    cache.delete(key)
    assert tmpl.render(user=ann, counter=counter) == "<aside>3 &lt;Ann&gt;</aside>"


def test_cached_markup_is_not_escaped_twice(cache: Any) -> None:
    env = create_environment(fragment_cache=cache)
    tmpl = env.from_string('<p>{% cache 60 "x" %}{{ v }}{% endcache %}</p>')
    assert tmpl.render(v="<i>") == "<p>&lt;i&gt;</p>"
    assert tmpl.render(v="other") == "<p>&lt;i&gt;</p>"


def test_timeout_zero_and_none_and_expressions(cache: Any) -> None:
    env = create_environment(fragment_cache=cache)
    counter = Counter()
    tmpl = env.from_string("{% cache t name a b %}{{ counter() }}{% endcache %}")
    assert tmpl.render(t=0, name="n", a=1, b=2, counter=counter) == "1"
    assert tmpl.render(t=None, name="n", a=1, b=2, counter=counter) == "1"
    assert tmpl.render(t="30", name="n", a=1, b=3, counter=counter) == "2"


def test_keys_are_djangos(django_settings: Any) -> None:
    from django.core.cache.utils import make_template_fragment_key as django_key

    for name, vary in [("sidebar", None), ("sidebar", []), ("s", [1, "a", None, 2.5, "é"])]:
        assert make_template_fragment_key(name, vary) == django_key(name, vary)


def test_bad_timeouts_and_missing_cache() -> None:
    env = create_environment(fragment_cache=cachelib.SimpleCache())
    with pytest.raises(jinja2.TemplateRuntimeError, match="whole number"):
        env.from_string('{% cache "soon", "x" %}{% endcache %}').render()
    with pytest.raises(jinja2.TemplateRuntimeError, match="negative"):
        env.from_string('{% cache -1 "x" %}{% endcache %}').render()
    no_cache = create_environment()
    with pytest.raises(jinja2.TemplateRuntimeError, match="needs a fragment cache") as info:
        no_cache.from_string('\n{% cache 1 "x" %}{% endcache %}').render()
    assert info.value.__notes__ == ['in template "<template>", line 2']
    with pytest.raises(jinja2.TemplateSyntaxError, match="timeout and a fragment name"):
        no_cache.from_string("{% cache %}{% endcache %}")
    with pytest.raises(jinja2.TemplateSyntaxError, match="fragment name after"):
        no_cache.from_string("{% cache 5 %}{% endcache %}")


def test_extension_in_a_plain_environment() -> None:
    env = jinja2.Environment(extensions=[FragmentCacheExtension])
    env.fragment_cache = cachelib.SimpleCache()  # type: ignore[attr-defined]
    assert env.from_string('{% cache 5 "k" %}ok{% endcache %}').render() == "ok"
