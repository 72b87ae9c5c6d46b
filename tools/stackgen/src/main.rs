//! `stackgen SEED [COUNT]`: prints the program of each seed from SEED on as a `.wast` script.
#![forbid(unsafe_code)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse = |i: usize, default: u64| -> u64 {
        match args.get(i) {
            None => default,
            Some(a) => a.parse().unwrap_or_else(|_| {
                eprintln!("usage: stackgen SEED [COUNT]   (numbers; prints .wast to stdout)");
                std::process::exit(2)
            }),
        }
    };
    let seed = parse(0, 0);
    for s in seed..seed + parse(1, 1) {
        print!("{}", stackgen::render(&stackgen::Program::generate(s)).text);
    }
}
