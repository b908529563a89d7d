"""examples/ppo_torch.py runs a few thousand steps, logs its losses and finishes."""

import os
import re
import subprocess
import sys

import pytest

from conftest import SOURCE_DIR

pytest.importorskip("torch", reason="PyTorch is not importable (Debian: python3-torch)")


def test_ppo_example_trains_and_logs_losses():
    command = [sys.executable, str(SOURCE_DIR / "examples" / "ppo_torch.py"),
               "--total-steps", "2048", "--num-envs", "2", "--num-steps", "256",
               "--frames-per-action", "4", "--update-epochs", "2", "--max-episode-steps", "200"]
    result = subprocess.run(command, env=dict(os.environ), capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    updates = re.findall(r"^update (\d+)/4 .*policy_loss (\S+) value_loss (\S+) entropy (\S+)",
                         result.stdout, re.M)
    assert [int(u[0]) for u in updates] == [1, 2, 3, 4], result.stdout
    for _, policy_loss, value_loss, entropy in updates:
        assert all(v not in ("nan", "inf") for v in (policy_loss, value_loss, entropy))
        assert float(entropy) > 0
    assert result.stdout.rstrip().endswith("done")
