"""Project settings: `kcclean.toml`, or `[tool.kcclean]` in `pyproject.toml`, in the working
folder or the nearest folder above it that has one (as ruff finds its settings). Command-line
options add to them (folders, ignores) or replace them."""

from __future__ import annotations

from pathlib import Path

from ..errors import RuleError, RuleErrors
from ..rules import Settings, read_toml

_KEYS = {"rules", "select", "ignore", "unsafe", "layout_model"}
# What people write for a yes/no setting; as a string in `unsafe` it would be read as a rule id.
_BOOLEAN_WORDS = {"yes", "no", "true", "false", "on", "off", "all", "none", "1", "0"}


def find_config(folder: Path) -> tuple[Path, dict] | None:
    """The settings table and the file it came from: the nearest of `folder` and the folders
    above it to hold a kcclean.toml or a pyproject.toml with `[tool.kcclean]` (a kcclean.toml
    first, in one folder); None when none does."""
    for place in (folder, *folder.parents):
        own = place / "kcclean.toml"
        if own.exists():  # not is_file(): one that is a pipe or a device is named, not passed over
            return own, _read(own)
        project = place / "pyproject.toml"
        if project.exists():
            table = _read(project).get("tool", {}).get("kcclean")
            if table is not None:
                return project, table
    return None


def _read(path: Path) -> dict:
    return read_toml(path)[1]


def _ids(value: object, path: Path, key: str) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleErrors([RuleError(str(path), None, f"`{key}` must be a list of rule ids")])
    return [v.strip() for v in value]


def split_ids(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def settings(
    folder: Path,
    rule_dirs: list[Path] | None = None,
    select: str | None = None,
    ignore: str | None = None,
    unsafe: bool = False,
    layout_model: Path | None = None,
) -> Settings:
    """Settings from the project file of `folder` (`find_config`), then the command line."""
    result = Settings()
    found = find_config(folder)
    if found:
        path, table = found
        unknown = set(table) - _KEYS
        if unknown:
            raise RuleErrors([RuleError(str(path), None, f"unknown setting(s): {', '.join(sorted(unknown))}")])
        result.rule_dirs = [(path.parent / d) for d in _ids(table.get("rules", []), path, "rules")]
        result.select = _ids(table.get("select", []), path, "select")
        result.ignore = _ids(table.get("ignore", []), path, "ignore")
        value = table.get("unsafe", False)
        if isinstance(value, bool):
            result.unsafe = value
        elif isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS:
            raise RuleErrors(
                [RuleError(str(path), None, f'`unsafe` must be true, false or a list of rule ids, not "{value}"')]
            )
        else:
            result.unsafe = frozenset(_ids(value, path, "unsafe"))
        model = table.get("layout_model")
        if model is not None and not isinstance(model, str):
            raise RuleErrors([RuleError(str(path), None, "`layout_model` must be the path of a layout model file")])
        result.layout_model = path.parent / model if model else None
    result.rule_dirs += list(rule_dirs or [])
    if select:
        result.select = split_ids(select)
    result.ignore += split_ids(ignore)
    if unsafe:
        result.unsafe = True
    if layout_model is not None:
        result.layout_model = layout_model
    return result
