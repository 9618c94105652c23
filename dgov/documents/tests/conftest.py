from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def documents_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    settings.DOCUMENTS_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
