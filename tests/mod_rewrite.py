"""A small evaluator of the mod_rewrite rules we generate, for the tests of ``.htaccess`` files.

No Apache runs here, so the redirect rules are checked by applying them as mod_rewrite does for the
few directives they use; anything else makes the test fail rather than pass unchecked.
"""

from __future__ import annotations

import re

__all__ = ["rewrite"]


def rewrite(rules: str, path: str, accept: str) -> tuple[str, str] | None:
    """Apply the RewriteCond/RewriteRule lines of an .htaccess as Apache's mod_rewrite does for them.

    Only what the rules use is implemented: conditions on ``%{HTTP_ACCEPT}`` (a regex searched in the
    header) that guard the next rule, rules with ``$n`` back-references, flags ``R=303`` and ``L``.
    Any other directive that would change the outcome makes the test fail.
    """
    conditions: list[str] = []
    for line in rules.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        directive, *args = line.split()
        if directive == "RewriteCond":
            assert args[0] == "%{HTTP_ACCEPT}", line
            conditions.append(args[1])
        elif directive == "RewriteRule":
            pattern, target, flags = args
            match = re.match(pattern, path)
            passed = all(re.search(condition, accept) for condition in conditions)
            conditions = []
            if match and passed:
                assert "L" in flags.strip("[]").split(","), line
                status = re.search(r"R=(\d+)", flags)
                return re.sub(r"\$(\d)", lambda m, found=match: found.group(int(m.group(1))), target), status.group(1)
        else:
            assert directive in ("Options", "AddType", "AddDefaultCharset", "RewriteEngine", "RewriteBase"), line
    return None
