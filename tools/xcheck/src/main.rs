//! The `xcheck` command line.
#![forbid(unsafe_code)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("js") {
        for path in &args[1..] {
            match xcheck::script::load(path) {
                Ok(s) => print!("{}", xcheck::js::convert(&s)),
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(1);
                }
            }
        }
    }
}
