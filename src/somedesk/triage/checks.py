"""System checks: a broken policy file or missing model files stop the start with a clear message."""

from django.core.checks import Error, register


@register()
def check_policy_and_models(app_configs=None, **kwargs):
    from somedesk.lib.policy import PolicyError, load_policy
    from somedesk.triage.engine.model import DATA_DIR

    errors = []
    try:
        load_policy()
    except PolicyError as exc:
        errors.append(
            Error(
                f"The policy file is refused: {exc}",
                hint="Fix the key on the line named.",
                id="somedesk.E401",
            )
        )
    for name in ("meta.json", "vocab.txt", "weights.npz"):
        if not (DATA_DIR / name).is_file():
            errors.append(
                Error(
                    f"Triage model file {name} is missing in {DATA_DIR}",
                    hint="Run `make models`.",
                    id="somedesk.E402",
                )
            )
    return errors
