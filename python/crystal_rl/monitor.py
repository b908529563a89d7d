"""crystal_rl.Monitor: the web dashboard of ``crystal-rl run`` for games driven from Python.

The environment being watched publishes a snapshot (screen, game state, stats, recent actions)
at most stream_fps times a second from the thread that steps it; the dashboard's own thread
serves it. Watching costs a step nothing but that pointer swap, plus drawing the last frame of
each step while a viewer has the page open (when the observation has no screen).
"""

from __future__ import annotations

from . import _core


class Monitor:
    """Monitor(port=8080, host="127.0.0.1", stream_fps=10, control_token="", env=None, index=0).

    ``port=0`` picks a free port (see ``.port`` / ``.url``). A host other than loopback needs a
    control token, as for ``crystal-rl run``. The dashboard's buttons (pause, agent switch) do
    nothing here: Python drives the game.
    """

    def __init__(self, port: int = 8080, host: str = "127.0.0.1", stream_fps: float = 10,
                 control_token: str = "", env=None, index: int = 0):
        if not 0 < stream_fps <= 60:
            raise ValueError(f"stream_fps must be in (0, 60], not {stream_fps}")
        if not 0 <= int(port) <= 65535:
            raise ValueError(f"port must be from 0 to 65535, not {port}")
        self._dashboard = _core.Dashboard(host, int(port), float(stream_fps), control_token)
        self._watched = None
        if env is not None:
            self.watch(env, index)

    @property
    def url(self) -> str:
        return self._dashboard.url

    @property
    def port(self) -> int:
        return self._dashboard.port

    def watch(self, env, index: int = 0):
        """Shows `env` (an Env, or environment `index` of a VectorEnv) from now on."""
        if self._watched is not None:
            self.unwatch(self._watched[0])
        env._pool.attach(int(index), self._dashboard)
        env._monitor = self
        self._watched = (env, int(index))
        return self

    def unwatch(self, env):
        if self._watched is not None and self._watched[0] is env:
            env._pool.attach(self._watched[1], None)
            env._monitor = None
            self._watched = None

    def close(self):
        if self._watched is not None:
            try:
                self.unwatch(self._watched[0])
            except RuntimeError:  # the environment was closed first
                self._watched = None
        self._dashboard.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
