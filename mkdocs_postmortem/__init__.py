"""mkdocs-postmortem: a folder of incident post-mortems as a checked, cross-linked lessons-learned wiki."""

__version__ = "0.1.0"
