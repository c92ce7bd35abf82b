"""Magento's REST objects, rendered from records in each data interface's getter order.

Each function returns a plain dict/list ready for `phpjson.encode`; key order, null handling and
type casts follow CONTRACT.md (§6–§12). The legacy service and the new services both render
through here, so a shape difference between them cannot come from two renderers disagreeing.
"""
