//! End-to-end checks of the `optc` command surface: help, version, usage errors.

use assert_cmd::Command;
use predicates::prelude::*;

fn optc() -> Command {
    Command::cargo_bin("optc").expect("the optc binary is built")
}

#[test]
fn version_is_printed() {
    optc()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(concat!(
            "optc ",
            env!("CARGO_PKG_VERSION")
        )));
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["check", "compile", "simulate", "reduce"] {
        optc()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: optc ").and(predicate::str::contains(sub)));
    }
}

#[test]
fn usage_errors_exit_2() {
    optc().assert().code(2);
    optc().arg("no-such-command").assert().code(2);
    optc().args(["check"]).assert().code(2);
    optc()
        .args(["compile", "x.optc", "--emit", "nonsense"])
        .assert()
        .code(2);
}
