from scripts.gen_cli_docs import TARGET, render


def test_cli_reference_is_generated_from_the_current_help() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), "run: python scripts/gen_cli_docs.py"
