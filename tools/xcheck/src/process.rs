//! Running an engine in its own process with a time limit, so that a crash or a hang of the
//! engine never takes the harness down.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How an engine process ended.
#[derive(Clone, Debug)]
pub struct Finished {
    /// Exit code, if it exited.
    pub code: Option<i32>,
    /// Signal that killed it, if any (other than our own kill on timeout).
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }

    /// `exit 101`, `signal 5 (exit 133)`.
    pub fn status_text(&self) -> String {
        match (self.code, self.signal) {
            (_, Some(sig)) => format!("killed by signal {sig} (exit {})", 128 + sig),
            (Some(code), None) => format!("exit {code}"),
            (None, None) => "no exit status".into(),
        }
    }

    /// The last few non-empty lines of stderr (then stdout), for reports.
    pub fn tail(&self, lines: usize) -> String {
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim_end())
            .collect();
        let from = kept.len().saturating_sub(lines);
        let mut out = kept[from..].join(" | ");
        if out.len() > 400 {
            let mut cut = 400;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
            out.push('…');
        }
        out
    }
}

/// Runs `cmd` to completion or until `timeout`, whichever comes first, capturing its output.
pub fn run(cmd: Command, timeout: Duration) -> Result<Finished, String> {
    run_watched(cmd, timeout, timeout)
}

/// Runs `cmd` to completion, capturing its output; stops it when it has written nothing for
/// `idle` (engines print a line per directive, so this is the limit of one directive) or when
/// it has run for `total`.
pub fn run_watched(mut cmd: Command, idle: Duration, total: Duration) -> Result<Finished, String> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let program = format!("{:?}", cmd.get_program());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    // Read both pipes on threads so a chatty engine never blocks on a full pipe; each read
    // counts as progress. The buffers are shared so that a pipe held open by a grandchild the
    // kill did not reach cannot keep the harness waiting.
    let started = Instant::now();
    let last_output = Arc::new(AtomicU64::new(0));
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        let last_output = Arc::clone(&last_output);
        let buf = Arc::new(Mutex::new(Vec::new()));
        let done = Arc::new(AtomicBool::new(pipe.is_none()));
        let (b, d) = (Arc::clone(&buf), Arc::clone(&done));
        if let Some(mut p) = pipe {
            std::thread::spawn(move || {
                let mut chunk = [0u8; 8192];
                while let Ok(n) = p.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut b) = b.lock() {
                        b.extend_from_slice(&chunk[..n]);
                    }
                    let at = started.elapsed().as_millis() as u64;
                    last_output.store(at, Ordering::Relaxed);
                }
                d.store(true, Ordering::Relaxed);
            });
        }
        (buf, done)
    };
    let (out_buf, out_done) = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let (err_buf, err_done) = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        let now = started.elapsed();
        let quiet_since = Duration::from_millis(last_output.load(Ordering::Relaxed));
        if now >= total || now.saturating_sub(quiet_since) >= idle {
            timed_out = true;
            let _ = child.kill();
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // The pipes close when the process is gone, unless a child of it still holds them.
    let grace = Instant::now();
    while !(out_done.load(Ordering::Relaxed) && err_done.load(Ordering::Relaxed))
        && grace.elapsed() < Duration::from_secs(2)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let text = |b: &Arc<Mutex<Vec<u8>>>| {
        let bytes = b.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let (stdout, stderr) = (text(&out_buf), text(&err_buf));
    let (code, signal) = match status {
        Some(s) => (s.code(), if timed_out { None } else { s.signal() }),
        None => (None, None),
    };
    Ok(Finished {
        code,
        signal,
        timed_out,
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_and_times_out() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let f = run(cmd, Duration::from_secs(10)).unwrap();
        assert_eq!(
            (f.code, f.stdout.as_str(), f.stderr.as_str()),
            (Some(3), "out\n", "err\n")
        );
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "kill -5 $$"]);
        let f = run(cmd, Duration::from_secs(10)).unwrap();
        assert_eq!(f.signal, Some(5));
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let f = run(cmd, Duration::from_millis(200)).unwrap();
        assert!(f.timed_out);
    }

    #[test]
    fn progress_keeps_a_process_alive() {
        // Prints every 0.1 s for 0.6 s: never quiet for 0.4 s, so it is not stopped.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "for i in 1 2 3 4 5 6; do echo $i; sleep 0.1; done"]);
        let f = run_watched(cmd, Duration::from_millis(400), Duration::from_secs(10)).unwrap();
        assert!(!f.timed_out);
        assert_eq!(f.stdout.lines().count(), 6);
        // Quiet for longer than the idle limit after its first line: stopped.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo 1; sleep 5"]);
        let f = run_watched(cmd, Duration::from_millis(300), Duration::from_secs(10)).unwrap();
        assert!(f.timed_out);
        assert_eq!(f.stdout, "1\n");
    }
}
