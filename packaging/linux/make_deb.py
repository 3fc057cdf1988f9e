"""Make the Debian package from the onedir build: ``make_deb.py APP ICONS OUTDIR``.

Layout: the build in ``/opt/msp-desktop``, ``/usr/bin/msp-desktop`` and ``/usr/bin/msp``
as links, the desktop entry and hicolor icons. Nothing runs at install or removal, so
removing (even purging) the package never touches a worker's workspace, which lives
in their home folder. ``Depends`` names the packages of every system library the build
links to (the spec leaves those out of the build), read from its ELF files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# The C library family is one dependency; the rest are found from the build itself.
LIBC = {
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "libpthread.so.0",
    "librt.so.1",
    "libutil.so.1",
    "ld-linux-x86-64.so.2",
    "libresolv.so.2",
}
BASE_DEPENDS = ["libc6 (>= 2.31)"]


def needed_sonames(folder: Path) -> set[str]:
    """Every shared library the ELF files in ``folder`` ask for (readelf -d NEEDED)."""
    needed: set[str] = set()
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.read_bytes()[:4] != b"\x7fELF":
            continue
        out = subprocess.run(
            ["readelf", "-d", str(path)], capture_output=True, text=True, check=False
        ).stdout
        needed.update(
            line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line
        )
    return needed


def system_packages(folder: Path) -> list[str]:
    """The Debian packages providing the libraries the build needs from the system.

    A library the build carries itself is not a dependency. One that this machine
    cannot resolve stops the build: the package would be missing a dependency.
    """
    inside = {p.name for p in folder.rglob("*")}
    wanted = sorted(needed_sonames(folder) - inside - LIBC)
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    where: dict[str, str] = {}
    for line in cache.splitlines():
        if "=>" in line and "x86-64" in line:
            name = line.strip().split(" ", 1)[0]
            where.setdefault(name, line.rsplit("=>", 1)[1].strip())
    packages: set[str] = set()
    missing = [name for name in wanted if name not in where]
    if missing:
        raise SystemExit(
            "make_deb: these libraries are not installed here, so their packages cannot "
            f"be named: {', '.join(missing)}"
        )
    for name in wanted:
        real = os.path.realpath(where[name])
        found = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
        if found.returncode != 0:  # merged /usr: dpkg may know the other spelling
            found = subprocess.run(["dpkg", "-S", where[name]], capture_output=True, text=True)
        if found.returncode != 0:
            raise SystemExit(f"make_deb: no installed package provides {name}")
        packages.add(found.stdout.split(":", 1)[0].strip())
    return BASE_DEPENDS + sorted(packages)


def version() -> str:
    """The app's version, read from the source (the build venv does not install it)."""
    for line in (ROOT / "msp_desktop" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("make_deb: no __version__ in msp_desktop/__init__.py")


def folder_kib(folder: Path) -> int:
    total = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file())
    return (total + 1023) // 1024


def build(app: Path, icons: Path, outdir: Path) -> Path:
    """Stage the package tree and run ``dpkg-deb``; returns the .deb path."""
    stage = ROOT / "build" / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(app, stage / "opt" / "msp-desktop", symlinks=True)
    bin_dir = stage / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for program in ("msp-desktop", "msp"):
        os.symlink(f"/opt/msp-desktop/{program}", bin_dir / program)
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(HERE / "msp-desktop.desktop", apps / "msp-desktop.desktop")
    hicolor = stage / "usr" / "share" / "icons" / "hicolor"
    for size in (16, 24, 32, 48, 64, 128, 256):
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy(icons / f"msp-desktop-{size}.png", target / "msp-desktop.png")
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / "app.svg", scalable / "msp-desktop.svg")

    ver = version()
    control = stage / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        "Package: msp-desktop\n"
        f"Version: {ver}\n"
        "Architecture: amd64\n"
        "Maintainer: MSP Desktop team <msp-desktop@example.invalid>\n"
        f"Installed-Size: {folder_kib(stage) - 1}\n"
        f"Depends: {', '.join(system_packages(app))}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: Making Safeguarding Personal conversations for social workers\n"
        " Offline app for home visits with adults at risk: records kept in an\n"
        " encrypted workspace, the person's summary printed, and signed, encrypted\n"
        " bundles sent to the office. Removing the package never deletes a\n"
        " workspace.\n"
    )
    for path in stage.rglob("*"):  # files 0644/0755 whatever the build machine's umask
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    out = outdir / f"msp-desktop_{ver}_amd64.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"package: wrote {out.relative_to(ROOT)} ({out.stat().st_size // 1_000_000} MB)")
    return out


if __name__ == "__main__":
    if shutil.which("dpkg-deb") is None:
        print("package: no dpkg-deb here; the .deb is made on Debian or Ubuntu only")
        sys.exit(0)
    build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
