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


ACME_RULES = r"""
[[rules]]
id = "acme-live-key"
regex = '''\b(acme_live_[a-z0-9]{24})\b'''
keywords = ["acme_live_"]

[[rules]]
id = "broken"
regex = '''(unclosed'''
"""
ACME_KEY = "acme" + "_live_" + "q7w2e9r4t1y8u3i6o5p0a2s7"


def test_the_repositorys_gitleaks_rules_reach_the_guard(tmp_path, monkeypatch):
    """A team's own key format, known only to its .gitleaks.toml, is reported
    before the cell runs when the kernel works inside that repository, and
    from the moment the file appears (it is read again when it changes)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "notebooks").mkdir()
    monkeypatch.chdir(repo / "notebooks")
    source = f'client = Acme(key="{ACME_KEY}")\n'
    # No rule knows the format yet: the built-in formats do not report it.
    assert reported(source) == []
    (repo / ".gitleaks.toml").write_text(ACME_RULES)
    assert reported(source) == [
        (1, "a key matching the team's gitleaks rule 'acme-live-key'", "ACME_LIVE_KEY")
    ]
    literal = _guard.find_literals(source)[0]
    assert literal._value == ACME_KEY  # kept to mask it from then on
    # The rule that does not compile was skipped, not the file.
    config = _guard.team_rules()
    assert config is not None and config.loaded == 1
    assert any("broken" in note for note in config.notes)
    # Outside the repository its rules do not apply.
    monkeypatch.chdir(tmp_path)
    assert reported(source) == []


def test_a_gitleaks_file_that_is_not_toml_leaves_the_guard_working(tmp_path, monkeypatch, caplog):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitleaks.toml").write_text("[[rules]\nid = 'x'\n")
    monkeypatch.chdir(tmp_path)
    key = "sk-ant-api03-" + "Zq3vT8kLm2Xw9Rb4Nc7Hd1Jf6Gs5Pa0YeUo"
    with caplog.at_level("WARNING", logger="safekeys"):
        assert reported(f'k = "{key}"') == [(1, "an Anthropic API key", "ANTHROPIC_API_KEY")]
    assert "not valid TOML" in caplog.text
    assert key not in caplog.text
