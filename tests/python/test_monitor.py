"""crystal_rl.Monitor serves the dashboard's HTTP API for a game stepped from Python."""

import json
import urllib.request

from conftest import FAST, crystal_rl, scripted_actions


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.loads(reply.read())


def test_the_dashboard_shows_the_watched_env():
    env = crystal_rl.make(observation="features", **FAST)
    with crystal_rl.Monitor(port=0, stream_fps=60) as monitor:
        monitor.watch(env)
        assert monitor.port > 0 and str(monitor.port) in monitor.url
        env.reset(seed=0)
        for action in scripted_actions(40):
            env.step(int(action))
        stats = get_json(f"http://127.0.0.1:{monitor.port}/api/stats")
        state = get_json(f"http://127.0.0.1:{monitor.port}/api/game_state")
        assert stats["agent"] == "python"
        # The 40 steps take less than the 1/60 s between two publications: the dashboard still
        # shows where the burst ended, published when it looks.
        assert stats["total_actions"] == 40
        assert state["profile"] == "demo"
        with urllib.request.urlopen(f"http://127.0.0.1:{monitor.port}/api/screen.png", timeout=10) as reply:
            assert reply.read(8) == b"\x89PNG\r\n\x1a\n"
    env.close()


def test_a_port_in_use_is_an_error():
    with crystal_rl.Monitor(port=0) as first:
        try:
            crystal_rl.Monitor(port=first.port)
        except RuntimeError as error:
            assert str(first.port) in str(error)
        else:
            raise AssertionError("a second monitor bound the same port")
