"""pull, plan and apply: mcshell and a real MaxCompute project (docs/remote.md). Only
`client` imports pyodps, and only these commands import this package."""
