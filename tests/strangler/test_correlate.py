"""Id correlation (pure): learning legacy -> new ids, rewriting copies, comparing modulo ids."""

from __future__ import annotations

import textwrap

import pytest

from strangler import config, correlate
from strangler.errors import ConfigError
from strangler.model import Correlation, RouteTable

CART = Correlation("cartId", (), "POST", config.parse_template("/rest/V1/guest-carts")[0],
                   "cartId", ("quote_id",))  # fmt: skip
ITEM = Correlation("itemId", ("item_id",), "POST",
                   config.parse_template("/rest/V1/guest-carts/{cartId}/items")[0],
                   "itemId", ("item_id",))  # fmt: skip
QUOTE = Correlation("quoteId", ("quote_id",), "POST", None, None, ("quote_id", "$.id"))


def seg(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/"))


# ------------------------------------------------------------------ IdMap
def test_a_learned_mapping_resolves_both_ways_until_it_expires() -> None:
    ids = correlate.IdMap()
    ids.learn("cartId", "L1", "N1", now=0.0, ttl_s=60)
    assert ids.to_new("cartId", "L1", now=59.0) == "N1"
    assert ids.to_legacy("cartId", "N1", now=59.0) == "L1"
    assert ids.to_new("cartId", "L1", now=60.0) is None
    assert ids.to_legacy("cartId", "N1", now=60.0) is None
    assert ids.to_new("itemId", "L1", now=0.0) is None  # names are separate namespaces


def test_relearning_an_id_forgets_its_old_partner() -> None:
    ids = correlate.IdMap()
    ids.learn("cartId", "L1", "N1", now=0.0, ttl_s=60)
    ids.learn("cartId", "L1", "N2", now=1.0, ttl_s=60)
    assert ids.to_new("cartId", "L1", now=2.0) == "N2"
    assert ids.to_legacy("cartId", "N1", now=2.0) is None


def test_the_map_is_bounded_dropping_the_oldest_first() -> None:
    ids = correlate.IdMap(max_per_id=3)
    for i in range(5):
        ids.learn("cartId", f"L{i}", f"N{i}", now=float(i), ttl_s=60)
    assert [ids.to_new("cartId", f"L{i}", now=5.0) for i in range(5)] == [
        None, None, "N2", "N3", "N4",
    ]  # fmt: skip
    assert ids.to_legacy("cartId", "N0", now=5.0) is None


def test_expire_drops_only_what_is_due() -> None:
    ids = correlate.IdMap()
    ids.learn("cartId", "old", "n-old", now=0.0, ttl_s=10)
    ids.learn("cartId", "young", "n-young", now=5.0, ttl_s=10)
    assert ids.expire(12.0) == 1
    assert ids.to_new("cartId", "young", now=12.0) == "n-young"
    assert ids.to_legacy("cartId", "n-old", now=0.0) is None


# ------------------------------------------------------------------ learn
def test_the_creating_request_teaches_the_mapping_from_both_answers() -> None:
    ids = correlate.IdMap()
    learned = correlate.learn([CART, ITEM], "POST", seg("/rest/V1/guest-carts"),
                              "legacyMask", "newMask", ids, now=0.0)  # fmt: skip
    assert learned == ["cartId"]
    assert ids.to_new("cartId", "legacyMask", now=1.0) == "newMask"


def test_only_the_declared_creating_request_teaches() -> None:
    ids = correlate.IdMap()
    for method, path in [("GET", "/rest/V1/guest-carts"), ("POST", "/rest/V1/carts/mine")]:
        assert correlate.learn([CART], method, seg(path), "a", "b", ids, now=0.0) == []
    assert ids.to_new("cartId", "a", now=0.0) is None


def test_nested_sources_are_read_and_missing_ones_teach_nothing() -> None:
    ids = correlate.IdMap()
    path = seg("/rest/V1/guest-carts/LMASK/items")
    learned = correlate.learn([ITEM], "POST", path, {"item_id": 41, "sku": "x"},
                              {"item_id": 7, "sku": "x"}, ids, now=0.0)  # fmt: skip
    assert learned == ["itemId"]
    assert ids.to_new("itemId", "41", now=0.0) == "7"
    assert correlate.learn([ITEM], "POST", path, {"message": "x"}, {"item_id": 8}, ids, now=0) == []


# ------------------------------------------------------------------ rewrite
def learned_cart() -> correlate.IdMap:
    ids = correlate.IdMap()
    ids.learn("cartId", "LMASK", "NMASK", now=0.0, ttl_s=3600)
    ids.learn("itemId", "41", "7", now=0.0, ttl_s=3600)
    ids.learn("quoteId", "900", "12", now=0.0, ttl_s=3600)
    return ids


def test_path_parameters_and_body_fields_are_rewritten_to_the_new_ids() -> None:
    ids = learned_cart()
    body = {"cartItem": {"item_id": 41, "qty": 2, "quote_id": "LMASK", "sku": "24-MB01"}}
    out = correlate.rewrite(
        [CART, ITEM],
        {"cartId": "LMASK", "itemId": "41"},
        "/rest/V1/guest-carts/LMASK/items/41?x=LMASK",
        body,
        ids,
        now=1.0,
    )
    assert isinstance(out, correlate.Rewritten)
    assert out.target == "/rest/V1/guest-carts/NMASK/items/7?x=LMASK"  # the query is not a param
    assert out.body == {"cartItem": {"item_id": 7, "qty": 2, "quote_id": "NMASK", "sku": "24-MB01"}}
    assert out.changed
    assert body["cartItem"]["item_id"] == 41  # the original is untouched


def test_a_copy_whose_id_was_never_learned_is_skipped_not_compared_wrongly() -> None:
    out = correlate.rewrite([CART], {"cartId": "UNSEEN"}, "/rest/V1/guest-carts/UNSEEN",
                            None, learned_cart(), now=1.0)  # fmt: skip
    assert out == correlate.Skip("uncorrelated:cartId")


def test_an_expired_mapping_also_skips() -> None:
    out = correlate.rewrite([CART], {"cartId": "LMASK"}, "/rest/V1/guest-carts/LMASK",
                            None, learned_cart(), now=7200.0)  # fmt: skip
    assert isinstance(out, correlate.Skip)


def test_nothing_to_rewrite_is_reported_unchanged() -> None:
    body = {"cartItem": {"sku": "x", "qty": 1}}
    out = correlate.rewrite([ITEM], {}, "/rest/V1/guest-carts", body, learned_cart(), now=1.0)
    assert out == correlate.Rewritten("/rest/V1/guest-carts", body, False)


# ------------------------------------------------------------------ unmap
def test_the_new_answer_is_compared_modulo_the_mapping() -> None:
    ids = learned_cart()
    new = {"id": 12, "items": [{"item_id": 7, "quote_id": "12", "sku": "x"}], "store_id": 1}
    out = correlate.unmap([CART, ITEM, QUOTE], new, ids, now=1.0)
    assert out == {"id": 900, "items": [{"item_id": 41, "quote_id": "900", "sku": "x"}],
                   "store_id": 1}  # fmt: skip


def test_root_paths_touch_only_that_field() -> None:
    ids = learned_cart()
    new = {"id": 12, "extension_attributes": {"id": 12}}
    out = correlate.unmap([QUOTE], new, ids, now=1.0)
    assert out == {"id": 900, "extension_attributes": {"id": 12}}


def test_a_bare_id_answer_is_unmapped_for_a_whole_body_source() -> None:
    assert correlate.unmap([CART], "NMASK", learned_cart(), now=1.0) == "LMASK"
    assert correlate.unmap([ITEM], "7", learned_cart(), now=1.0) == "7"  # item ids live in keys


def test_an_unknown_new_id_stays_as_it_is_so_the_difference_shows() -> None:
    new = {"item_id": 99, "quote_id": "NMASK"}
    assert correlate.unmap([CART, ITEM], new, learned_cart(), now=1.0) == {
        "item_id": 99, "quote_id": "LMASK",
    }  # fmt: skip


# ------------------------------------------------------------------ routes.yaml
BASE = """\
version: 1
backends:
  legacy: {url: "http://127.0.0.1:1"}
  cart:   {url: "http://127.0.0.1:2"}
defaults: {backend: legacy}
routes:
"""


def parse(routes: str) -> RouteTable:
    return config.parse(BASE + textwrap.indent(textwrap.dedent(routes), "  "),
                        source="routes.yaml", env={})  # fmt: skip


def test_correlate_entries_parse_with_defaults() -> None:
    table = parse("""\
        - id: cart-item
          match: {path: "/rest/V1/guest-carts/{cartId}/items/{itemId}"}
          new: cart
          mode: shadow
          shadow: {writes: true}
          correlate:
            - {id: cartId, from: response.body, param: cartId, fields: [quote_id], ttl_s: 60}
            - id: itemId
              from: response.body.item_id
              on: {method: POST, path: "/rest/V1/guest-carts/{cartId}/items"}
              param: itemId
        """)
    cart, item = table.routes[0].correlate
    assert (cart.id, cart.source, cart.param, cart.fields, cart.ttl_s) == (
        "cartId", (), "cartId", ("quote_id",), 60.0,
    )  # fmt: skip
    assert (item.source, item.on_method, item.fields, item.ttl_s) == (
        ("item_id",), "POST", ("item_id",), 3600.0,  # fields default to the source's key
    )  # fmt: skip
    assert item.on_path is not None and item.on_path.text == "/rest/V1/guest-carts/{cartId}/items"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{from: response.body}", "routes[0].correlate[0].id: is required"),
        ("{id: cartId}", "routes[0].correlate[0].from: is required"),
        ("{id: c, from: request.body}", "must be response.body or response.body.<key>"),
        ("{id: c, from: response.body, param: nope}", "'nope' is not a parameter of"),
        ("{id: c, from: response.body, on: {method: post}}", "HTTP methods are upper-case"),
        ("{id: c, from: response.body, on: {path: nope}}", "correlate[0].on.path: bad template"),
        ("{id: c, from: response.body, ttl_s: 0}", "correlate[0].ttl_s"),
        ("{id: c, from: response.body, colour: red}", "colour"),
    ],
)
def test_bad_correlate_entries_are_located(entry: str, message: str) -> None:
    text = BASE + textwrap.indent(textwrap.dedent(f"""\
        - id: cart
          match: {{path: "/rest/V1/guest-carts/{{cartId}}"}}
          new: cart
          mode: shadow
          correlate:
            - {entry}
        """), "  ")  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        config.parse(text, source="routes.yaml", env={})
    found = [str(p) for p in caught.value.problems]
    assert any(message in p for p in found), found
    assert all(p.startswith("routes.yaml:") for p in found), found


def test_noise_options_parse_and_are_bounded() -> None:
    table = parse("""\
        - id: product
          match: {path: "/rest/V1/products/{sku}"}
          new: cart
          mode: shadow
          compare: {noise: {sample: 0.1, per_minute: 30}}
        """)
    assert (table.routes[0].noise.sample, table.routes[0].noise.per_minute) == (0.1, 30)
    with pytest.raises(ConfigError) as caught:
        parse("""\
            - id: product
              match: {path: "/rest/V1/products/{sku}"}
              compare: {noise: {sample: 2}}
            """)
    assert "compare.noise.sample" in str(caught.value)


LIBRARY = """\
correlations:
  cartId: {from: response.body, on: {method: POST, path: "/rest/V1/guest-carts"}, param: cartId}
  itemId: {from: response.body.item_id, param: itemId}
"""


def test_routes_name_correlations_defined_once_at_the_top() -> None:
    text = BASE.replace("routes:\n", LIBRARY + "routes:\n") + textwrap.indent(
        textwrap.dedent("""\
            - id: one-line
              match: {path: "/rest/V1/guest-carts/{cartId}/items/{itemId}"}
              correlate: [cartId, itemId]
            - id: the-rest
              match: {path: "/rest/V1/guest-carts/{cartId}/**"}
              correlate: [cartId, itemId]
            """),
        "  ",
    )
    table = config.parse(text, source="routes.yaml", env={})
    line, rest = table.routes
    assert [c.id for c in line.correlate] == [c.id for c in rest.correlate] == ["cartId", "itemId"]
    assert line.correlate[1].param == "itemId"  # used where the path has it, ignored elsewhere


def test_an_unknown_correlation_name_and_a_param_no_route_has_are_located() -> None:
    text = BASE.replace("routes:\n", LIBRARY + "routes:\n") + textwrap.indent(
        textwrap.dedent("""\
            - id: cart
              match: {path: "/rest/V1/guest-carts/{cartId}"}
              correlate: [cartId, itemId, itemid]
            """),
        "  ",
    )
    with pytest.raises(ConfigError) as caught:
        config.parse(text, source="routes.yaml", env={})
    found = [str(p) for p in caught.value.problems]
    assert any(
        p.startswith("routes.yaml:12: routes[0].correlate[2]: unknown correlation 'itemid'")
        for p in found
    ), found
    assert any(
        p.startswith("routes.yaml:8: correlations.itemId.param: 'itemId' is not a parameter of")
        for p in found
    ), found
