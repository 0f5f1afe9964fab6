"""``python -m billy_api.sandbox`` runs from any folder: nothing in it is relative to the repo."""

import os
import pathlib
import subprocess
import sys

import requests

import billy_api


def test_the_command_serves_from_another_folder(tmp_path):
    package_root = pathlib.Path(billy_api.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(package_root))
    state = tmp_path / "state.json"
    command = [sys.executable, "-m", "billy_api.sandbox", "--port", "0", "--seed", "demo"]
    command += ["--token", "cli-token=CLI ApS", "--state-file", "state.json"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v2")
        headers = {"X-Access-Token": "cli-token"}
        organization = requests.get(f"{url}/organization", headers=headers, timeout=10).json()
        assert organization["organization"]["name"] == "CLI ApS"
        invoices = requests.get(f"{url}/invoices", headers=headers, timeout=10).json()
        assert invoices["meta"]["paging"]["total"] == 5  # the demo seed
        assert state.exists()  # the state file is relative to the folder it runs in
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
