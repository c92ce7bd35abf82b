"""Loading a sample-data catalog into Magento's tables (idempotent, with progress)."""
