"""The release, in one place: pyproject.toml reads it ([tool.hatch.version]), and the data snapshot
id names it (law/snapshot.py) without the package metadata, whose import costs a start more than
every file the snapshot hashes."""

__version__ = "0.1.0"
