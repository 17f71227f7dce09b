"""Remotes that answer as the real connection does but for one thing: the stand-ins the pull tests share."""

from __future__ import annotations

from mcshell.remote.client import Remote


class UnknownType(Remote):
    """The model listing names a modelType mcshell does not know (pyodps itself raises ValueError)."""

    def catalog_json(self, path, params=None):
        answer = super().catalog_json(path, params)
        if not path:
            answer["models"][0]["modelType"] = "DEEP_FOREST"
        return answer
