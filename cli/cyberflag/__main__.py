"""Allow ``python -m cyberflag`` (useful when the console script is not on PATH)."""

from cyberflag.cli import main

main()
