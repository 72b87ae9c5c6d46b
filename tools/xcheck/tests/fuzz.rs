//! `xcheck fuzz` end to end with a stand-in engine whose fault is known: it dies of SIGSEGV on
//! any file holding `(suspend $tick)` and passes everything else. The campaign must find that
//! fault, minimize every program that shows it to the same small reproducer, and file it once.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn finds_minimizes_and_deduplicates_a_planted_fault() {
    let dir = std::env::temp_dir().join(format!("xcheck-fuzz-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fake = dir.join("fake.sh");
    std::fs::write(
        &fake,
        "#!/bin/sh\nif grep -q 'suspend \\$tick' \"$1\"; then kill -SEGV $$; fi\nexit 0\n",
    )
    .unwrap();
    let mut perms = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&fake, perms).unwrap();
    let out_dir: PathBuf = dir.join("findings");
    let out = Command::new(env!("CARGO_BIN_EXE_xcheck"))
        .args(["fuzz", "--seed", "5", "--programs", "8", "--seconds", "300"])
        .arg("-e")
        .arg(format!("ref={}", fake.display()))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("fuzz: seed 5, 8 programs, ") && stdout.contains(": 1 findings (ref 1)"),
        "{stdout}\n{stderr}"
    );
    let reproducer = std::fs::read_to_string(out_dir.join("001-ref-crash.wast")).unwrap();
    // The smallest coroutine that still ticks: one tick, no yield, no exceptions, no storage.
    assert_eq!(
        reproducer.matches("(suspend $tick)").count(),
        1,
        "{reproducer}"
    );
    for gone in [
        "$y",
        "$x",
        "cont.bind",
        "$rec",
        "$run0",
        "global",
        "table",
        "struct",
        "array",
    ] {
        assert!(!reproducer.contains(gone), "{gone} left in:\n{reproducer}");
    }
    assert!(reproducer.lines().count() <= 30, "{reproducer}");
    let summary = std::fs::read_to_string(out_dir.join("summary.md")).unwrap();
    let row = summary
        .lines()
        .find(|l| l.starts_with("| 1 | ref | crash |"))
        .unwrap_or_else(|| panic!("{summary}"));
    let seen: usize = row.split('|').nth(6).unwrap().trim().parse().unwrap();
    assert!(seen >= 2, "the fault was seen once only: {row}");
    let _ = std::fs::remove_dir_all(dir);
}
