"""Magento's sample-data CSVs (Luma, Venia, or a generated catalog in the same format).

The CSVs are Magento's, under Magento's licence: they are read from where they lie (by default
`../shared/magento/sample-data`) and never copied into this repository.
"""
