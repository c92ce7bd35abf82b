"""The Magento-compatible legacy service: Magento 2.4.8's REST contract on Magento's tables.

Run it with `python -m legacy_adapters.magento_app` (settings from the environment, see
`settings.py`), or build it in-process with `app.make_app(settings)`.
"""
