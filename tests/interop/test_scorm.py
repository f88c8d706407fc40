"""SCORM 1.2: `flask content export-scorm` and the studio build a package with a SCORM 1.2
manifest; a trainer gets the shared course's and their own organisation's modules only. The package
runs against a real SCORM run-time in tests/browser/test_scorm_runtime.py."""

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import csrf_token


@pytest.fixture
def package(runner, content, tmp_path: Path) -> Path:
    target = tmp_path / "proef.zip"
    result = runner.invoke(
        args=["content", "export-scorm", "proef", "--lang", "nl", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    return target


def test_the_package_has_a_scorm_12_manifest_listing_its_files(package):
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        manifest = ElementTree.fromstring(archive.read("imsmanifest.xml"))  # noqa: S314 - ours
        index = archive.read("index.html").decode()
    ns = {
        "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
        "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    }
    assert manifest.find("cp:metadata/cp:schemaversion", ns).text == "1.2"
    resource = manifest.find("cp:resources/cp:resource", ns)
    assert resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") == "sco"
    assert resource.get("href") == "index.html"
    listed = {file.get("href") for file in resource.findall("cp:file", ns)}
    assert listed == names - {"imsmanifest.xml"}
    assert {"index.html", "scorm.js", "quiz-data.js"} <= listed
    assert manifest.find(".//adlcp:masteryscore", ns).text == "70"
    assert index.count("data-page") >= 4  # start, two lessons, the quiz


def test_a_trainer_downloads_the_package_from_the_studio(auth, make, content):
    from app.models import Role

    auth.login(make.user(Role.TRAINER, email="trainer@example.org"))
    page = auth.client.get("/studio/modules/proef").get_data(as_text=True)
    assert "/studio/modules/proef/scorm.zip?lang=nl" in page
    response = auth.client.get("/studio/modules/proef/scorm.zip?lang=en")
    assert response.mimetype == "application/zip"
    assert "proef-en-" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert 'lang="en"' in archive.read("index.html").decode()
    assert auth.client.get("/studio/modules/nope/scorm.zip").status_code == 404


def test_another_organisations_own_module_is_not_packaged_for_a_trainer(auth, make, content):
    """Organisation isolation: a module of Gemeente B is a 404 for Gemeente A's trainer."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Module, Role

    other = make.organisation("gemeente-b", "Gemeente B")
    db.session.execute(
        sa.update(Module).where(Module.slug == "proef").values(organisation_id=other.id)
    )
    db.session.commit()
    auth.login(make.user(Role.TRAINER, email="trainer@example.org"))
    assert auth.client.get("/studio/modules/proef/scorm.zip?lang=nl").status_code == 404
    colleague = make.user(Role.TRAINER, organisation=other, email="trainer@gemeente-b.nl")
    auth.client.post("/logout", data={"csrf_token": csrf_token(auth.client, "/mijn-leren")})
    auth.login(colleague)
    assert auth.client.get("/studio/modules/proef/scorm.zip?lang=nl").status_code == 200
