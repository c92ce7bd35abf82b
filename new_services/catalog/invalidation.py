"""The catalog's Redis cache contract: key names, the write guard, and invalidation by the ETL.

How this works: the catalog service caches each product's rendered answer under
`product_key(store_id, sku)`. A cache fill is guarded by a generation counter so an answer read
from the database *before* an ETL commit can never be written to the cache *after* the ETL
invalidated it:

    reader: g = GET generation -> read the product from MariaDB -> FILL_SCRIPT(key, g, value):
            SET key value EX ttl only if GET generation still equals g
    ETL:    commit the changed rows -> INCR generation -> DEL the changed products' keys

Whatever the interleaving, a value written to the cache was read after the last commit that
touched it, or the write is refused (the generation moved). `invalidate()` is the ETL's side
(sync redis-py: the ETL is a pymysql script); the service implements the reader's side with
the same names and `FILL_SCRIPT`.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

PREFIX = "strangler:catalog"
GENERATION = f"{PREFIX}:generation"
DEFAULT_TTL_S = 3600
# KEYS[1] generation, KEYS[2] the product's key; ARGV[1] generation read before the DB read,
# ARGV[2] the value, ARGV[3] ttl seconds. Returns 1 when written, 0 when refused.
FILL_SCRIPT = """
if (redis.call('GET', KEYS[1]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
return 0
"""


def product_key(store_id: int, sku: str) -> str:
    """SKUs match case-insensitively in Magento (and in our schema): one key per product."""
    return f"{PREFIX}:product:{store_id}:{sku.lower()}"


def invalidate(client: redis.Redis, skus: Iterable[str], store_ids: Iterable[int]) -> int:
    """After the ETL committed changes to `skus`: bump the generation, drop their entries.
    Returns how many cached entries were dropped."""
    keys = [product_key(store_id, sku) for sku in skus for store_id in store_ids]
    pipe = client.pipeline(transaction=True)
    pipe.incr(GENERATION)
    for start in range(0, len(keys), 1000):
        pipe.delete(*keys[start : start + 1000])
    results = pipe.execute()
    return sum(int(n) for n in results[1:])
