"""A worker process killed in the middle of a job: the job fails clearly, no half file is ever
offered, and after a retry on a new worker the result is whole."""

from __future__ import annotations

import io
import os
import signal
import time
import zipfile

import pytest

from app.jobs import results
from tests.jobs.conftest import session_for, wait_for, worker_process
from tests.jobs.helpers import download_link, fetched, start_job
from tests.jobs.test_jobs import job_of

#: Enough PDFs for the job to run a few seconds (progress is written once a second): at about
#: 10 ms a certificate, 120 were done before the test could see the job running.
CERTIFICATES = 500


@pytest.mark.slow
def test_killing_the_worker_mid_job_never_leaves_a_broken_file(app, team, run_jobs, tmp_path):
    team["certify"](CERTIFICATES)
    hr = session_for(app, team["hr"])
    log = tmp_path / "worker.log"
    with worker_process(log) as first:
        job_page = start_job(hr, f"/hr/eenheden/{team['unit'].id}/certificaten.zip")
        job = wait_for(job_of(job_page).id, {"running"}, done_at_least=3)
        assert job.done < CERTIFICATES, "the job ended before the worker could be killed"
        assert hr.client.get(job_page + "/download").status_code == 404
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    assert not results.path_of(job.public_id).exists()

    deadline = time.monotonic() + 30
    while "onderbroken" not in (html := hr.client.get(job_page).get_data(as_text=True)):
        assert time.monotonic() < deadline, html
        time.sleep(0.5)
    assert download_link(html) is None and "Opnieuw proberen" in html
    assert not any(results.folder().glob(job.public_id + "*"))  # the half ZIP is gone too

    with worker_process(log):
        assert hr.post(job_page + "/opnieuw").status_code == 303
        wait_for(job.id, {"done", "failed"}, seconds=240)
    html = hr.client.get(job_page).get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(fetched(hr, download_link(html)).data))
    assert archive.testzip() is None and len(archive.namelist()) == CERTIFICATES, log.read_text()
