"""Where things are: the repository, the sample data, the run folder (one setting each)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA_ENV = "STRANGLER_SAMPLE_DATA"
DEFAULT_SAMPLE_DATA = REPO_ROOT.parent / "shared" / "magento" / "sample-data"
RUN_DIR = REPO_ROOT / ".run"


def sample_data(env: Mapping[str, str] = os.environ) -> Path:
    """The sample-data folder: $STRANGLER_SAMPLE_DATA, else ../shared/magento/sample-data."""
    configured = env.get(SAMPLE_DATA_ENV)
    return Path(configured).expanduser().resolve() if configured else DEFAULT_SAMPLE_DATA
