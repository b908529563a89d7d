"""Builds crystal_rl's extension with the project's own CMake build (python/CMakeLists.txt), so
the module is compiled exactly as `make test` compiles it. Configuration lives in pyproject.toml.

    pip install --no-build-isolation .     # into a virtual environment
    CRYSTAL_RL_BUILD_DIR=build pip install --no-build-isolation .   # reuse an existing build
"""

import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = pathlib.Path(os.environ.get("CRYSTAL_RL_BUILD_DIR", ROOT / "build-pip"))
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        configure = ["cmake", "-S", str(ROOT), "-B", str(build_dir), "-DCRL_PYTHON=ON",
                     f"-DPython3_EXECUTABLE={sys.executable}"]
        if not (build_dir / "CMakeCache.txt").exists():  # a fresh tree: only what the module needs
            configure += ["-DCMAKE_BUILD_TYPE=Release", "-DCRL_BUILD_TESTS=OFF"]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "-j", jobs, "--target", "crystal_rl_core"],
                       check=True)
        built = list((build_dir / "python" / "crystal_rl").glob("_core*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _core*.so in {build_dir}/python/crystal_rl, found {built}")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


setup(
    ext_modules=[Extension("crystal_rl._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    # setuptools' own scratch space, away from `make`'s build/ directory
    options={"build": {"build_base": str(ROOT / "build-pip" / "setuptools")},
             "egg_info": {"egg_base": str(ROOT / "build-pip")}},
)
