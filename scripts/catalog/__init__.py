"""The catalog ETL (Magento's EAV -> the new flat catalog) and its reconciliation.

    etl.py        migrate(legacy, catalog, ...) -> EtlSummary: full, incremental, resumable
    products.py   the product stage: batches read and rendered in a thread, written in order
    extract.py    legacy products per store view, a broken product isolated and reported
    rows.py       records -> the new catalog's rows; link signatures compared (pure)
    target.py     the new catalog database: schema, what is stored, writes and deletes
    state.py      etl_state: watermark, checkpoint, the unfinished run to resume
    model.py      EtlSummary, StoreSummary, Broken (frozen values)
    mismatches.py reconciliation's comparison and report (pure)
    reconcile.py  reconcile(legacy, catalog) -> Report: reads both sides, compares
    options.py    the connection options both commands share
    progress.py   the progress bar the commands print to stderr

The commands are `python -m scripts.catalog_etl` and `python -m scripts.reconcile_catalog`.
"""
