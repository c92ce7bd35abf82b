"""Handlers: `async def name(call, legacy) -> value`; the value is rendered as Magento JSON."""
