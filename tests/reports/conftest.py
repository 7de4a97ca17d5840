from tests.replies.conftest import _fresh_policy, local_channel, other_local_channel  # noqa: F401
