import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Photos are written under the test's own folder, never the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
