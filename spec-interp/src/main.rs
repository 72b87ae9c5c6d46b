//! The `switchyard` command line.
#![forbid(unsafe_code)]

fn main() {
    eprintln!("switchyard: not written yet");
    std::process::exit(2);
}
