"""Each setting is declared once, complete, in referral_portal/settings/base.py; every environment
variable it reads is listed in .env.example; code reads settings as `settings.X`."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BASE = ROOT / "referral_portal" / "settings" / "base.py"
APPS = ["referral_portal", "accounts", "referrals", "retention", "routing", "confirmations"]
APPS += ["reports", "api", "access_log"]
_MUTATORS = {"append", "insert", "extend", "update", "remove", "pop", "setdefault", "clear"}


def _module_level_names(tree):
    """Names assigned at module level of base.py, including inside its `if` blocks."""
    assigned = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            assigned += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned.append(node.target.id)
    return assigned


def test_each_setting_in_base_is_assigned_once_and_never_changed_later():
    tree = ast.parse(BASE.read_text())
    settings_names = [name for name in _module_level_names(tree) if name.isupper()]
    assert sorted({n for n in settings_names if settings_names.count(n) > 1}) == []
    changed = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            changed.append(f"{node.target.id} +=")
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Subscript):
                changed.append(ast.unparse(target))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and isinstance(node.func.value, ast.Name | ast.Subscript)
            and ast.unparse(node.func.value).split("[")[0].isupper()
        ):
            changed.append(ast.unparse(node))
    assert changed == []


def test_middleware_and_apps_are_one_list_each_in_their_order():
    tree = ast.parse(BASE.read_text())
    declared = {
        target.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in ("INSTALLED_APPS", "MIDDLEWARE")
    }
    assert declared["MIDDLEWARE"] == settings.MIDDLEWARE
    assert declared["INSTALLED_APPS"] == settings.INSTALLED_APPS
    authentication = settings.MIDDLEWARE.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
    assert settings.MIDDLEWARE[authentication + 1 : authentication + 3] == [
        "referral_portal.middleware.HistoryContextMiddleware",
        "referral_portal.middleware.ClearSiteDataOnLogoutMiddleware",
    ]


def test_every_environment_variable_base_reads_is_in_the_example_with_a_comment():
    names = set(re.findall(r'env(?:\.[a-z]+)?\(\s*"([A-Z_0-9]+)"', BASE.read_text()))
    lines = (ROOT / ".env.example").read_text().splitlines()
    missing, uncommented = [], []
    for name in sorted(names):
        found = [i for i, line in enumerate(lines) if re.match(rf"#? ?{name}=", line)]
        if not found:
            missing.append(name)
        elif not lines[found[0] - 1].startswith("# "):
            uncommented.append(name)
    assert len(names) > 80  # the pattern still finds what base.py reads
    assert missing == []
    assert uncommented == []


def test_code_reads_settings_directly_without_hidden_defaults():
    """`getattr(settings, "X", default)` hides a default outside base.py. Only the system checks,
    which ask whether a setting is there at all, may use it."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "referral_portal" / "checks.py" or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"getattr\(\s*settings\s*,", line):
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []
