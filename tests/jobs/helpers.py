"""Starting a job from its page like a browser, and fetching its result."""

from __future__ import annotations

import re

from tests.conftest import Auth


def start_job(auth: Auth, path: str) -> str:
    """Opens the start page, presses its button; returns the job page's path."""
    page = auth.client.get(path)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    response = auth.client.post(path, data={"csrf_token": token.group(1)})
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def download_link(page_html: str) -> str | None:
    match = re.search(r'href="(/taken/[^"]+/download)"', page_html)
    return match.group(1) if match else None


def run_and_download(auth: Auth, path: str, run_jobs):
    """Starts the job at `path`, lets the queue run it, and downloads the result."""
    job_page = start_job(auth, path)
    assert run_jobs() >= 1
    html = auth.client.get(job_page).get_data(as_text=True)
    link = download_link(html)
    assert link, html
    return fetched(auth, link)


def fetched(auth: Auth, path: str):
    """The response with its body read and its file closed (send_file keeps one open)."""
    response = auth.client.get(path)
    response.get_data()
    response.close()
    return response
