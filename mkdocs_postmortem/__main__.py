"""`python -m mkdocs_postmortem` is the `postmortem` command."""

from .cli import main

main(prog_name="postmortem")
