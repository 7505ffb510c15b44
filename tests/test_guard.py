"""What the input guard reports for a cell's source (the kernel wiring is in
test_guard_kernel.py): the scanner's key formats, names to store them under,
and nothing for look-alikes."""

from __future__ import annotations

from safekeys.notebook import guard as _guard

AWS_ID = "AKIA" + "QW3RT7YU9IOP2ASD"
AWS_SECRET = "wJ8r" + "Xz2Lq9Vn4Tb7Mk1Hs6Df3Gp0Yc5Ue8Ia2Ro7"


def reported(source: str) -> list[tuple[int, str, str]]:
    return [(lit.line, lit.label, lit.name) for lit in _guard.find_literals(source)]


def test_an_aws_key_pair_is_reported_with_the_conventional_names():
    source = f'import boto3\nid = "{AWS_ID}"\nsecret = "{AWS_SECRET}"\n'
    assert reported(source) == [
        (2, "an AWS access key id", "AWS_ACCESS_KEY_ID"),
        (3, "an AWS secret access key", "AWS_SECRET_ACCESS_KEY"),
    ]


def test_an_upper_case_target_names_the_key():
    key = "sk-ant-api03-" + "Zq3vT8kLm2Xw9Rb4Nc7Hd1Jf6Gs5Pa0YeUo"
    assert reported(f'os.environ["CLAUDE_KEY"] = "{key}"') == [
        (1, "an Anthropic API key", "CLAUDE_KEY")
    ]


def test_a_url_password_is_reported_and_its_literal_kept_for_masking():
    found = _guard.find_literals('db = "postgresql://app:Xk29vLq7Rt4wZ8@db.internal/prod"')
    assert [(lit.line, lit.label) for lit in found] == [(1, "a password in a URL")]
    assert found[0]._value == "Xk29vLq7Rt4wZ8"
    assert "Xk29" not in repr(found[0])


def test_look_alikes_are_not_reported():
    source = (
        'digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"\n'
        'run = "123e4567-e89b-12d3-a456-426614174000"\n'
        'task = "task-list-for-the-weekly-review"\n'
        'placeholder = "sk-..."\n'
        'url = "https://user@example.org/path"\n'
    )
    assert reported(source) == []


def test_the_message_names_lines_and_kinds_never_the_key():
    key = "ghp_" + "Tq7Wz2Lx9Rk4Vm8Nc1Bj6Hd3Fs5Pa0YeUo"
    found = _guard.find_literals(f'token = "{key}"')
    text = _guard.message(found, refused=False)
    assert "line 1: a GitHub personal access token" in text
    assert "%setkey GITHUB_TOKEN" in text
    assert key[4:16] not in text
    assert "refused to run" in _guard.message(found, refused=True)
