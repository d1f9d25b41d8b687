"""Facts about an installed Debian package: its version, whether it came from Debian's main
component (what makes it DFSG-free), its files and the licences its copyright file names."""
import re
import subprocess


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}).stdout


def installed_version(package: str) -> str:
    return _run("dpkg-query", "-W", "-f=${Version}", package).strip()


def package_files(package: str) -> list[str]:
    return _run("dpkg-query", "-L", package).splitlines()


def _archive_releases() -> dict[str, dict[str, str]]:
    """Each package index apt knows ("URI suite/component arch Packages") → its Release fields
    (o=Debian, c=main, …), from the "Package files" part of a bare `apt-cache policy`."""
    releases: dict[str, dict[str, str]] = {}
    index = None
    for line in _run("apt-cache", "policy").splitlines():
        if m := re.match(r"^\s*-?\d+ (\S.*\S)\s*$", line):
            index = m.group(1)
        elif (m := re.match(r"^\s+release (.*)$", line)) and index:
            releases[index] = dict(f.split("=", 1) for f in m.group(1).split(",") if "=" in f)
    return releases


def debian_main_origin(package: str, version: str) -> str | None:
    """Where Debian offers this version ("Debian bookworm/main"), or None when no index of
    Debian's main component does (another component, another vendor, or a local build)."""
    releases = _archive_releases()
    lines = _run("apt-cache", "policy", package).splitlines()
    in_version = False
    version_indent = None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        fields = line.replace("***", " ").split()
        if line.strip() == "Version table:":
            version_indent = indent + 1  # versions sit one column deeper, sources deeper still
            continue
        if version_indent is None or not fields:
            continue
        if indent <= version_indent + 4 and len(fields) == 2:
            in_version = fields[0] == version
        elif in_version:
            index = " ".join(fields[1:])
            release = releases.get(index, {})
            if release.get("o") == "Debian" and release.get("c") == "main":
                return f"Debian {release.get('n', '?')}/main"
    return None


def copyright_licences(package: str) -> list[str]:
    """License short names of a machine-readable (DEP-5) copyright file, "Files: *" first;
    an empty list when the file is free-form and has to be read by a person."""
    with open(f"/usr/share/doc/{package}/copyright", encoding="utf-8", errors="replace") as f:
        text = f.read()
    if not text.startswith("Format:"):
        return []
    names: list[str] = []
    for stanza in re.split(r"\n\s*\n", text):
        files = re.search(r"^Files:\s*(.*)$", stanza, re.M)
        licence = re.search(r"^License:\s*(.+)$", stanza, re.M)
        if files and licence:
            name = licence.group(1).strip()
            if files.group(1).split()[:1] == ["*"]:
                names.insert(0, name)
            elif name not in names:
                names.append(name)
    return list(dict.fromkeys(names))


def copyright_says(package: str, phrase: str) -> bool:
    with open(f"/usr/share/doc/{package}/copyright", encoding="utf-8", errors="replace") as f:
        return " ".join(phrase.split()) in " ".join(f.read().split())
