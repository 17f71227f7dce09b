"""The serve tests. A package, so that its conftest.py is serve.conftest and
`from conftest import` still finds tests/conftest.py."""
