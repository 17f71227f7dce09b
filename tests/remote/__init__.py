"""Tests of `mcshell pull` (issue 20): the real pyodps against `mcshell serve`."""
