"""What `pip install .` gives production: the app server the deploy guide starts."""

import tomllib
from collections import Counter
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())


def _names(requirements: list[str]) -> list[str]:
    return [r.split("==")[0].split("[")[0].strip().lower() for r in requirements]


def test_the_app_server_the_deploy_guide_starts_is_a_runtime_dependency():
    guide = (Path(__file__).resolve().parent.parent / "docs/deploy.md").read_text()
    assert "gunicorn" in guide
    assert "gunicorn" in _names(PYPROJECT["project"]["dependencies"])


def test_no_dependency_is_listed_twice():
    everything = _names(PYPROJECT["project"]["dependencies"])
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        everything += _names(extra)
    assert [name for name, count in Counter(everything).items() if count > 1] == []


def test_redis_is_an_optional_extra_the_dev_install_includes():
    """Only more than one server needs Redis: `pip install .` does not bring it."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert "redis" not in _names(PYPROJECT["project"]["dependencies"])
    assert _names(extras["redis"]) == ["redis"]
    assert "geletterd[redis]" in extras["dev"]
    guide = (Path(__file__).resolve().parent.parent / "docs/deploy.md").read_text()
    assert "pip install '.[redis]'" in guide
