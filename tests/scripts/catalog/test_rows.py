"""Link merging: which products were deleted in legacy, and whose links changed."""

from __future__ import annotations

from scripts.catalog import rows


def test_link_changes_finds_deleted_missing_and_changed_products() -> None:
    legacy = [(1, "3:0", "1"), (2, "3:0", "1"), (4, "5:1", "1"), (6, "", "1")]
    stored = [(1, 2, "3:0", "1"), (2, 2, "3:0,4:0", "1"), (3, 2, "", "1"), (4, 1, "5:1", "1")]
    stored += [(7, 2, "", "1")]
    changes = rows.link_changes(legacy, stored, store_count=2)
    assert changes == rows.LinkChanges(deleted=[3, 7], stale=[2, 4, 6])
    assert rows.link_changes(legacy, stored, store_count=2, want_stale=False).stale == []
