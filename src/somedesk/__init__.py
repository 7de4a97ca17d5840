"""somedesk: the social-media desk for Norwegian municipalities."""

__version__ = "0.1.0"
